"""Solve Solomon / VRPLIB / TRSP instances and report costs and gaps to the references.

VRPTW sets use the DIMACS cost (total distance, legs truncated to 0.1) against ``REFERENCE.csv``
or the ``.sol`` file; TRSP instances (Pillac et al.) use the paper's total working time against
``BKS.csv``.

Each plan is re-checked by dispatchopt's own validator (and, with ``--checker``, by an independent
script) before its cost counts. Writes a CSV and a Markdown table beside it.

    python benchmarks/run_vrptw.py ../shared/benchmarks/solomon --time-limit 10 --jobs 2 \
        --out benchmarks/results/solomon_10s.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# This checkout's code, also when another one is installed: a run from a worktree of an older
# commit then measures that commit (before/after batches).
sys.path.insert(0, str(ROOT / "src"))

import vrplib  # noqa: E402

from dispatchopt.io import detect_format, load_problem, write_plan  # noqa: E402
from dispatchopt.models import Plan, Problem  # noqa: E402

DEFAULT_SET = ROOT.parent / "shared" / "benchmarks" / "solomon"
_CLASS = re.compile(r"^(RC|R|C)(\d)", re.IGNORECASE)


@dataclass
class Row:
    """One instance's result; ``gap_pct`` is set only for a feasible plan serving every job."""

    instance: str
    set: str
    cls: str
    customers: int
    served: int
    routes: int
    violations: int
    feasible: bool
    cost: float
    reference: float | None
    gap_pct: float | None
    checker_cost: float | None
    checker_feasible: bool | None
    solve_s: float
    engine: str = ""


def instance_class(name: str) -> str:
    """``C101`` -> ``C1``, ``RC1_10_1`` -> ``RC1`` (the Solomon / Gehring-Homberger class)."""
    match = _CLASS.match(name)
    return (match.group(1) + match.group(2)).upper() if match else "?"


def reference_cost(path: Path) -> float | None:
    """Solomon: ``REFERENCE.csv`` in the instance's folder; VRPLIB: the sibling ``.sol``'s Cost;
    TRSP: ``BKS.csv``'s best published working time."""
    if path.suffix == ".vrp":
        sol = path.with_suffix(".sol")
        return float(vrplib.read_solution(str(sol))["cost"]) if sol.is_file() else None
    for name, column in (("REFERENCE.csv", "reference_cost"), ("BKS.csv", "bks_working_time")):
        table = path.parent / name
        if not table.is_file():
            continue
        with table.open(newline="") as fh:
            for record in csv.DictReader(fh):
                if record["instance"] == path.stem:
                    return float(record[column])
    return None


def dimacs_cost(plan: Plan) -> float:
    """Total distance in km; legs are whole multiples of 100 m, so this is exact to 0.1."""
    return round(sum(r.distance_m for r in plan.routes) / 1000, 1)


def _solve(problem: Problem, solver: str, time_limit: float, seed: int) -> Plan:
    if solver == "greedy":
        from dispatchopt import solve_greedy

        return solve_greedy(problem, seed=seed)
    from dispatchopt import solve

    return solve(problem, time_limit=time_limit, seed=seed, engine=solver)  # type: ignore[arg-type]


def _external_check(checker: Path, instance: Path, plan: Plan) -> tuple[bool, float | None]:
    with tempfile.TemporaryDirectory() as tmp:
        plan_path = Path(tmp) / "plan.json"
        write_plan(plan, plan_path)
        done = subprocess.run(
            # The TRSP checker takes a sub-command; the VRPTW one does not.
            [sys.executable, str(checker)]
            + (["check"] if "trsp" in checker.name else [])
            + [str(instance), str(plan_path)],
            capture_output=True,
            text=True,
            check=False,
        )
    verdict = json.loads(done.stdout)
    cost = verdict.get("cost", verdict.get("working_time"))
    return bool(verdict["feasible"]), None if cost is None or cost != cost else float(cost)


def run_instance(
    path: Path, solver: str, time_limit: float, seed: int, checker: Path | None, plans: Path | None
) -> Row:
    """Read, solve, validate and cost one instance (runs in a worker process)."""
    from dispatchopt import validate

    problem = load_problem(path)
    started = time.perf_counter()
    plan = _solve(problem, solver, time_limit, seed)
    solve_s = time.perf_counter() - started
    violations = validate(problem, plan)
    served = sum(len(r.jobs) for r in plan.routes)
    feasible = not violations and served == len(problem.jobs)
    if detect_format(path) == "trsp":
        from dispatchopt.io.trsp import working_time

        cost = round(working_time(problem, plan)[0], 3)
    else:
        cost = dimacs_cost(plan)
    reference = reference_cost(path)
    gap = 100 * (cost / reference - 1) if feasible and reference else None
    checked: tuple[bool | None, float | None] = (None, None)
    if checker is not None:
        checked = _external_check(checker, path, plan)
    if plans is not None:
        write_plan(plan, plans / f"{path.stem}.json")
    return Row(
        instance=path.stem,
        set=path.parent.name,
        cls=instance_class(path.stem),
        customers=len(problem.jobs),
        served=served,
        routes=len(plan.routes),
        violations=len(violations),
        feasible=feasible,
        cost=cost,
        reference=reference,
        gap_pct=None if gap is None else round(gap, 2),
        checker_cost=checked[1],
        checker_feasible=checked[0],
        solve_s=round(solve_s, 2),
        engine=plan.summary.solver if plan.summary is not None else solver,
    )


def instances(paths: list[Path]) -> list[Path]:
    """The ``.txt`` / ``.vrp`` files named, or found in the folders named, sorted by name."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.iterdir())
                if p.suffix == ".vrp" or (p.suffix == ".txt" and p.name != "README.txt")
            )
        else:
            found.append(path)
    return found


def _fmt(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def class_means(rows: list[Row]) -> list[tuple[str, str, int, int, float | None]]:
    """Per (set, class): instances, feasible ones with a gap, and their mean gap."""
    groups: dict[tuple[str, str], list[Row]] = {}
    for row in rows:
        groups.setdefault((row.set, row.cls), []).append(row)
    out = []
    for (set_name, cls), members in sorted(groups.items()):
        gaps = [r.gap_pct for r in members if r.gap_pct is not None]
        out.append(
            (set_name, cls, len(members), len(gaps), statistics.fmean(gaps) if gaps else None)
        )
    return out


def markdown(rows: list[Row], header: list[str]) -> str:
    """The results as Markdown: how they were made, per class means, then every instance."""
    lines = [
        *header,
        "",
        "| set | class | instances | feasible with gap | mean gap % |",
        "| --- | --- | --- | --- | --- |",
    ]
    for set_name, cls, n, with_gap, mean in class_means(rows):
        lines.append(f"| {set_name} | {cls} | {n} | {with_gap} | {_fmt(mean)} |")
    gaps = [r.gap_pct for r in rows if r.gap_pct is not None]
    if gaps:
        lines.append(f"| all | all | {len(rows)} | {len(gaps)} | {statistics.fmean(gaps):.2f} |")
    names = [f.name for f in fields(Row)]
    lines += ["", "| " + " | ".join(names) + " |", "|" + " --- |" * len(names)]
    for row in rows:
        lines.append("| " + " | ".join(_fmt(v) for v in asdict(row).values()) + " |")
    return "\n".join(lines) + "\n"


def machine() -> str:
    """A one-line description of where the numbers were measured."""
    import ortools

    return (
        f"{platform.platform()}, {os.cpu_count()} logical CPUs, Python "
        f"{platform.python_version()}, OR-Tools {ortools.__version__}"
    )


def commit() -> str:
    """The checkout's commit, with ``+changes`` when the source tree differs from it."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + (" +changes" if git("status", "--porcelain", "--", "src") else "")


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, solve every instance (one process each), write CSV and Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path, default=[DEFAULT_SET])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--jobs", type=int, default=1, help="instances solved in parallel")
    parser.add_argument(
        "--solver",
        choices=["auto", "ortools", "pyvrp", "vroom", "greedy"],
        default="auto",
        help="engine (auto: PyVRP for pure VRPTW when installed, else OR-Tools)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/vrptw.csv"))
    parser.add_argument("--checker", type=Path, help="independent checker script to run too")
    parser.add_argument("--plans", type=Path, help="folder to keep each plan JSON in")
    args = parser.parse_args(argv)

    paths = instances(args.paths)
    if not paths:
        parser.error("no .txt or .vrp instances found")
    if args.plans is not None:
        args.plans.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [
            pool.submit(
                run_instance, p, args.solver, args.time_limit, args.seed, args.checker, args.plans
            )
            for p in paths
        ]
        rows = []
        for future in futures:
            row = future.result()
            rows.append(row)
            print(
                f"{row.instance}: cost {row.cost} ref {_fmt(row.reference)} gap "
                f"{_fmt(row.gap_pct)} served {row.served}/{row.customers} "
                f"violations {row.violations}",
                flush=True,
            )

    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=[f.name for f in fields(Row)])
        writer.writeheader()
        writer.writerows(asdict(r) for r in rows)
    command = "python benchmarks/run_vrptw.py " + shlex.join(
        argv if argv is not None else sys.argv[1:]
    )
    header = [
        f"# VRPTW benchmark: {args.solver}, {args.time_limit:g} s per instance",
        "",
        f"- command: `{command}`",
        f"- machine: {machine()}",
        f"- code: commit {commit()}",
        f"- run: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {len(rows)} instances, "
        f"{args.jobs} in parallel, {time.perf_counter() - started:.0f} s wall",
        "- cost: DIMACS total distance (legs truncated to 0.1) for VRPTW sets, total working time"
        " (Pillac et al.) for TRSP; gap = 100 * (cost / reference - 1), only for plans the"
        " validator accepts that serve every customer",
    ]
    args.out.with_suffix(".md").write_text(markdown(rows, header))
    print(f"wrote {args.out} and {args.out.with_suffix('.md')}")


if __name__ == "__main__":
    main()
