"""Benchmark the ``live`` dispatch policy against ``rolling`` and ``greedy`` in simulation.

Run from the repository root: ``python benchmarks/live_policies.py`` (a few minutes per seed on
one core). Writes ``benchmarks/results/live_policies.md``.

Each seed is a generated day (``generate_scenario(size, engineers, seed)``: calls through the
day, cancellations, parts arriving), replayed under each policy by the simulator with the same
solve time per (re-)plan. Appointments follow the simulator's one rule for every policy (see
``dispatchopt.simulate.promises``): a two-hour window around the start first planned, broken
when the visit starts outside it or never happens.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dispatchopt.live import Disruption  # noqa: E402
from dispatchopt.scenarios import generate_scenario  # noqa: E402
from dispatchopt.simulate.kpis import compute_kpis  # noqa: E402
from dispatchopt.simulate.live_dispatch import LiveDispatch  # noqa: E402
from dispatchopt.simulate.policies import parse_policy  # noqa: E402
from dispatchopt.simulate.simulator import simulate  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
COLUMNS = [
    ("served", "served"),
    ("unserved", "unserved"),
    ("weighted_service", "weighted service"),
    ("sla_emergency", "SLA emergency"),
    ("sla_urgent", "SLA urgent"),
    ("sla_standard", "SLA standard"),
    ("cost", "cost"),
    ("travel_km", "km"),
    ("overtime_hours", "overtime h"),
    ("appointments", "promised"),
    ("appointments_moved", "moved"),
    ("appointments_reassigned", "reassigned"),
    ("appointments_broken", "broken"),
    ("solve_seconds", "solve s"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--engineers", type=int, default=20)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--time-limit", type=float, default=2.0, help="seconds per (re-)plan")
    parser.add_argument(
        "--policy", action="append", default=None, help="default: live, rolling:60, greedy"
    )
    parser.add_argument(
        "--disruption",
        default=None,
        help="Disruption settings for live policies, as JSON, e.g. '{\"give_way_to\": 8}'",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "live_policies.md")
    args = parser.parse_args()
    disruption = (
        None if args.disruption is None else Disruption.model_validate_json(args.disruption)
    )
    policies = args.policy or ["live", "rolling:60", "greedy"]
    started = time.perf_counter()

    rows: dict[str, list[dict[str, float | int | str]]] = {p: [] for p in policies}
    per_seed: list[str] = []
    for seed in args.seeds:
        scenario = generate_scenario(args.size, args.engineers, seed)
        for spec in policies:
            policy = parse_policy(spec, time_limit=args.time_limit)
            if disruption is not None and isinstance(policy, LiveDispatch):
                policy = dataclasses.replace(policy, disruption=disruption)
            row = compute_kpis(simulate(scenario, policy)).row()
            rows[spec].append(row)
            cells = " | ".join(_cell(row[key]) for key, _ in COLUMNS)
            per_seed.append(f"| {seed} | {spec} | {cells} |")
            print(seed, spec, {k: row[k] for k, _ in COLUMNS}, flush=True)

    header = "| policy | " + " | ".join(label for _, label in COLUMNS) + " |"
    rule = "|---|" + "---:|" * len(COLUMNS)
    lines = [
        "# Live dispatch in simulation: live vs rolling vs greedy",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs (shared, niced), "
        f"Python {platform.python_version()}; `python benchmarks/live_policies.py --size "
        f"{args.size} --engineers {args.engineers} --seeds {' '.join(map(str, args.seeds))} "
        f"--time-limit {args.time_limit:g}{_extra(args)}` "
        f"({time.perf_counter() - started:.0f} s in all).",
        "",
        f"Generated days of {args.size} jobs / {args.engineers} engineers; every (re-)plan gets "
        f"{args.time_limit:g} s. Appointments: the window promised when a job is first queued "
        "(two hours around the first planned start; `dispatchopt.simulate.promises`); moved = "
        "inside it but 15 min or more from the first planned start; reassigned = another "
        "engineer than first planned; broken = outside the window or never served. Greedy "
        "queues a job only when it sends the engineer, so its promise is made at departure: "
        "it cannot break one, and it gives customers no notice.",
        "",
        f"## Mean over {len(args.seeds)} seeds",
        "",
        header,
        rule,
    ]
    for spec in policies:
        mean = {
            key: statistics.mean(float(r[key]) for r in rows[spec] if r[key] == r[key])
            for key, _ in COLUMNS
        }
        lines.append(f"| {spec} | " + " | ".join(_cell(mean[k]) for k, _ in COLUMNS) + " |")
    lines += [
        "",
        "## Per seed",
        "",
        "| seed " + header,
        "|---" + rule,
        *per_seed,
    ]
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


def _extra(args: argparse.Namespace) -> str:
    """The command line's optional flags, as given."""
    flags = "".join(f" --policy {p}" for p in args.policy or [])
    if args.disruption is not None:
        flags += f" --disruption '{args.disruption}'"
    return flags


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 1 else f"{value:,.1f}"
    return str(value)


if __name__ == "__main__":
    main()
