"""Benchmark the HTTP service under a burst: how many of N simultaneous plan requests are
accepted (202) or refused (429), how long until every accepted plan is done, whether the
server stays responsive while it solves (``/healthz`` latency), every plan re-checked by the
validator, and whether the plans survive a restart.

Run from the repository root: ``python benchmarks/server_burst.py`` (about a minute on two
cores). It starts ``dispatchopt serve`` as a subprocess on 127.0.0.1 (a free port, a temporary
SQLite store, an API key) and writes ``benchmarks/results/server_burst.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dispatchopt.models import Plan, Problem  # noqa: E402
from dispatchopt.validate import validate  # noqa: E402

KEY = "bench-key"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(db: Path, port: int, workers: int, queue: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DISPATCHOPT_API_KEY": KEY, "PYTHONPATH": str(ROOT / "src")}
    cmd = [sys.executable, "-m", "dispatchopt.cli", "serve", "--db", str(db), "--port", str(port)]
    cmd += ["--workers", str(workers), "--queue", str(queue)]
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not start")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=120)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--queue", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=2.0)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/server_burst.md")
    args = parser.parse_args()

    problem_data = json.loads((ROOT / "examples/city_day.json").read_text(encoding="utf-8"))
    problem = Problem.from_data(problem_data)
    request = {"problem": problem_data, "time_limit": args.time_limit}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        db, port = Path(tmp) / "service.db", _free_port()
        base = f"http://127.0.0.1:{port}"
        server = _serve(db, port, args.workers, args.queue)
        up_s = time.perf_counter() - started
        headers = {"X-API-Key": KEY}

        def post(_: int) -> tuple[int, str | None, str | None, float]:
            t = time.perf_counter()
            with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
                r = c.post("/v1/plans", json=request)
            plan_id = r.json().get("id") if r.status_code == 202 else None
            return r.status_code, r.headers.get("retry-after"), plan_id, time.perf_counter() - t

        health: list[float] = []
        stop = threading.Event()

        def probe() -> None:
            with httpx.Client(base_url=base, timeout=60) as c:
                while not stop.is_set():
                    t = time.perf_counter()
                    c.get("/healthz")
                    health.append(time.perf_counter() - t)
                    time.sleep(0.05)

        prober = threading.Thread(target=probe)
        prober.start()
        burst_at = time.perf_counter()
        with ThreadPoolExecutor(args.requests) as pool:
            answers = list(pool.map(post, range(args.requests)))
        burst_s = time.perf_counter() - burst_at
        accepted = [a[2] for a in answers if a[2] is not None]
        statuses: Counter[str] = Counter()
        with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
            while True:
                bodies = [c.get(f"/v1/plans/{i}").json() for i in accepted]
                statuses = Counter(b["status"] for b in bodies)
                if set(statuses) <= {"done", "failed"}:
                    break
                time.sleep(0.2)
        all_done_s = time.perf_counter() - burst_at
        stop.set()
        prober.join()
        plans = [Plan.model_validate(b["plan"]) for b in bodies if b["status"] == "done"]
        violations = sum(len(validate(problem, p)) for p in plans)
        served = sorted({p.summary.jobs_served for p in plans if p.summary is not None})
        _stop(server)
        server = _serve(db, port, args.workers, args.queue)
        with httpx.Client(base_url=base, headers=headers, timeout=60) as c:
            kept = sum(c.get(f"/v1/plans/{i}").json()["status"] == "done" for i in accepted)
        _stop(server)

    codes = Counter(a[0] for a in answers)
    retry = sorted({a[1] for a in answers if a[1] is not None})
    latencies = [a[3] for a in answers]
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = (
        f"python benchmarks/server_burst.py --requests {args.requests} --workers {args.workers} "
        f"--queue {args.queue} --time-limit {args.time_limit:g}"
    )
    lines = [
        "# HTTP service under a burst",
        "",
        f"Run {when} on {platform.machine()}, {os.cpu_count()} CPUs (shared), Python "
        f"{platform.python_version()}; `{command}` ({time.perf_counter() - started:.0f} s in all).",
        "",
        f"`dispatchopt serve` (subprocess, SQLite, API key) up and answering in {up_s:.1f} s. "
        f"{args.requests} simultaneous `POST /v1/plans` of `examples/city_day.json` "
        f"({len(problem.jobs)} jobs, {len(problem.engineers)} engineers), `time_limit` "
        f"{args.time_limit:g} s, `--workers {args.workers} --queue {args.queue}`:",
        "",
        "| measure | value |",
        "|---|---|",
        f"| answers | {codes.get(202, 0)} x 202, {codes.get(429, 0)} x 429"
        + "".join(f", {n} x {c}" for c, n in sorted(codes.items()) if c not in (202, 429))
        + " |",
        f"| Retry-After on the 429s | {', '.join(retry) or '-'} s |",
        f"| POST answer latency p50 / p95 / max | {statistics.median(latencies):.2f} / "
        f"{_percentile(latencies, 0.95):.2f} / {max(latencies):.2f} s |",
        f"| burst answered in | {burst_s:.2f} s |",
        f"| accepted plans done / failed | {statuses.get('done', 0)} / {statuses.get('failed', 0)}"
        f" ({all_done_s:.1f} s after the burst) |",
        f"| validator violations over the done plans | {violations} |",
        f"| jobs served per plan | {', '.join(map(str, served))} of {len(problem.jobs)} |",
        f"| `/healthz` while solving: p50 / max over {len(health)} probes | "
        f"{statistics.median(health) * 1000:.0f} / {max(health) * 1000:.0f} ms |",
        f"| accepted plans still done after a restart | {kept} / {len(accepted)} |",
        "",
        "Solves run in worker processes, so the server keeps answering while they search.",
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
