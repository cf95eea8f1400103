"""Benchmark insert_job's added cost against a warm-started full re-solve of the day.

Run from the repository root: ``python benchmarks/live_insert_quality.py`` (about
``(jobs + repeats) x resolve_s`` seconds plus the starting solve). Writes
``benchmarks/results/live_insert_quality.md`` and a ``.jsonl`` of the rows as they come.

A plain re-solve of a time-limited search lands anywhere around the starting plan (its own
noise is larger than one job; see live_insert.md), so the comparison here is paired:

* ``base``: ``generate_day(size + jobs, engineers, seed)`` less its last ``jobs`` jobs, solved
  for ``plan_s`` seconds. Each held-back job is inserted alone into it by ``insert_job``
  (``now`` = an hour before the first shift, so nothing is frozen and a full re-solve may move
  everything).
* Re-solve reference: ``solve(base, time_limit=resolve_s, initial_plan=base_plan)``, the same
  search without the job, run ``repeats`` times (seeds 0..); its mean cost ``R0``.
* Re-solve with the job: ``solve(day + job, time_limit=resolve_s, initial_plan=...)``,
  warm-started (``--start``) from insert_job's plan (default: the search may undo the
  insertion and move everything) or from the base plan (the search has to place the job
  itself; on the 500-job days its local search often does not within 30 s).
* Added cost, both measured with the validator-checked ``plan_score(...).cost`` (objective
  units, penalties of unplanned jobs aside): insert_job ``cost(inserted) - cost(base_plan)``;
  re-solve ``cost(resolved) - R0``. Both re-solves spend the same time improving the rest of
  the day from the same start, so their difference is what the job adds to a re-solved day.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dispatchopt.errors import SolverError  # noqa: E402
from dispatchopt.live import insert_job  # noqa: E402
from dispatchopt.live.edits import with_changes  # noqa: E402
from dispatchopt.models import Plan  # noqa: E402
from dispatchopt.scenarios.generator import generate_day  # noqa: E402
from dispatchopt.solvers.front_door import solve  # noqa: E402
from dispatchopt.solvers.objective import plan_score  # noqa: E402
from dispatchopt.validate import validate  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"


def unsearched(plan: Plan) -> list[str]:
    """The solver's notes when the engine failed and ``whole_day`` handed a plan back
    unsearched (the given one or the greedy one: not a re-solve), else nothing."""
    if plan.summary is None or plan.summary.fallback is None:
        return []
    return plan.summary.solver_notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=500)
    parser.add_argument("--engineers", type=int, default=50)
    parser.add_argument("--jobs", type=int, default=50, help="held-back jobs inserted")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plan-s", type=float, default=30.0)
    parser.add_argument("--resolve-s", type=float, default=30.0)
    parser.add_argument("--repeats", type=int, default=3, help="re-solves without the job")
    parser.add_argument("--engine", default="auto", help="engine of the re-solves")
    parser.add_argument("--plan-engine", default="ortools", help="engine of the base plan")
    parser.add_argument("--probe", action="store_true", help="stop after the insertions")
    parser.add_argument(
        "--start",
        choices=("inserted", "base"),
        default="inserted",
        help="warm start of the re-solve with the job: insert_job's plan, or the base plan",
    )
    parser.add_argument("--out", type=Path, default=RESULTS / "live_insert_quality.md")
    args = parser.parse_args()
    started = time.perf_counter()

    full = generate_day(args.size + args.jobs, args.engineers, seed=args.seed)
    base = with_changes(full, jobs=full.jobs[: args.size])
    held = list(full.jobs[args.size :])
    plan = solve(base, time_limit=args.plan_s, engine=args.plan_engine)
    assert validate(base, plan) == []
    base_cost = plan_score(base, plan).cost
    now = min(s.start for e in base.engineers for s in e.shifts) - timedelta(hours=1)
    print(f"base: cost {base_cost:.2f}, {len(plan.unassigned)} unplanned", flush=True)

    inserted = []
    for job in held:
        t0 = time.perf_counter()
        grown, after = insert_job(base, plan, job, now=now)
        seconds = time.perf_counter() - t0
        assert validate(grown, after) == []
        placed = after.route_of(job.id) is not None
        inserted.append((job, grown, after, placed, seconds))
    placed_n = sum(p for *_, p, _ in inserted)
    print(f"insert_job placed {placed_n}/{len(held)}", flush=True)
    if args.probe:
        return

    jsonl = args.out.with_suffix(".jsonl")
    log = jsonl.open("w", encoding="utf-8")
    reference = []
    for seed in range(args.repeats):
        try:
            again = solve(
                base, time_limit=args.resolve_s, initial_plan=plan, seed=seed, engine=args.engine
            )
        except SolverError as exc:
            print(f"reference seed {seed}: {exc}", flush=True)
            continue
        assert validate(base, again) == []
        notes = unsearched(again)
        if notes:
            print(f"reference seed {seed}: {notes}", flush=True)
            log.write(json.dumps({"reference_failed": seed, "notes": notes}) + "\n")
            continue
        reference.append(
            {"seed": seed, "cost": plan_score(base, again).cost, "unplanned": len(again.unassigned)}
        )
        log.write(json.dumps({"reference": reference[-1]}) + "\n")
        log.flush()
        print(reference[-1], flush=True)
    if not reference:
        raise SystemExit("no re-solve of the base plan succeeded; nothing to compare against")
    r0 = statistics.mean(float(r["cost"]) for r in reference)

    rows: list[dict[str, object]] = []
    for job, grown, after, placed, seconds in inserted:
        if not placed:
            rows.append({"job": job.id, "placed": False})
            continue
        try:
            start = after if args.start == "inserted" else plan
            resolved = solve(
                grown, time_limit=args.resolve_s, initial_plan=start, engine=args.engine
            )
        except SolverError as exc:
            rows.append({"job": job.id, "placed": True, "resolve_error": str(exc)})
            continue
        assert validate(grown, resolved) == []
        notes = unsearched(resolved)
        if notes:
            rows.append({"job": job.id, "placed": True, "resolve_error": "; ".join(notes)})
            continue
        row: dict[str, object] = {
            "job": job.id,
            "placed": True,
            "insert_s": seconds,
            "insert": plan_score(grown, after).cost - base_cost,
            "resolve": plan_score(grown, resolved).cost - r0,
            "resolve_serves": resolved.route_of(job.id) is not None,
            "resolve_unplanned": len(resolved.unassigned),
        }
        rows.append(row)
        log.write(json.dumps(row) + "\n")
        log.flush()
        print(row, flush=True)
    log.close()

    fair = [
        r
        for r in rows
        if "resolve_error" not in r
        and r.get("resolve_serves")
        and all(int(str(r["resolve_unplanned"])) == int(x["unplanned"]) for x in reference)
    ]
    spread = max(float(r["cost"]) for r in reference) - min(float(r["cost"]) for r in reference)
    costs = ", ".join(f"{float(r['cost']):.2f}" for r in reference)
    lines = [
        "# insert_job vs a warm-started full re-solve: added cost",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs (shared, niced), "
        f"Python {platform.python_version()}; `python benchmarks/live_insert_quality.py "
        f"--size {args.size} --engineers {args.engineers} --jobs {args.jobs} --seed {args.seed} "
        f"--plan-s {args.plan_s:g} --resolve-s {args.resolve_s:g} --repeats {args.repeats} "
        f"--engine {args.engine} --plan-engine {args.plan_engine} --start {args.start}` "
        f"({time.perf_counter() - started:.0f} s in all). Rows: `{jsonl.name}`.",
        "",
        "Method (see the script's docstring): the base plan is `solve(day, "
        f"{args.plan_s:g} s)` of the {args.size}-job / {args.engineers}-engineer day "
        f"(cost {base_cost:.2f}, {len(plan.unassigned)} jobs unplanned); each of the "
        f"{len(held)} held-back jobs is inserted alone. insert_job added = "
        "`plan_score(inserted).cost - plan_score(base).cost`; re-solve added = "
        f"`plan_score(solve(day + job, {args.resolve_s:g} s, initial_plan={args.start})).cost "
        "- R0`, "
        f"R0 the mean cost of {args.repeats} re-solves of the day without the job from the base "
        f"plan (same time limit): {costs} "
        f"(spread {spread:.2f}, the noise of one re-solve).",
        "",
        f"insert_job placed {placed_n} of {len(held)} jobs (the others are over-full-day "
        "refusals, listed unassigned with a reason; they have no added cost to compare).",
        "",
    ]
    if fair:
        mean_i = statistics.mean(float(str(r["insert"])) for r in fair)
        mean_r = statistics.mean(float(str(r["resolve"])) for r in fair)
        ratio = (mean_i - mean_r) / abs(mean_r) * 100 if mean_r else float("nan")
        lines += [
            f"Over the {len(fair)} jobs both place with the same number of jobs left out: mean "
            f"added cost **{mean_i:.2f}** (insert_job) vs **{mean_r:.2f}** (re-solve), "
            f"insert_job {ratio:+.1f} % against the re-solve (target: within 10 %). Median "
            f"{statistics.median(float(str(r['insert'])) for r in fair):.2f} vs "
            f"{statistics.median(float(str(r['resolve'])) for r in fair):.2f}.",
            "",
        ]
    lines += [
        "| job | insert_job s | insert_job added | re-solve added | re-solve serves it | "
        "re-solve unplanned |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        if not r["placed"]:
            lines.append(f"| {r['job']} | | not placed | | | |")
            continue
        if "resolve_error" in r:
            lines.append(
                f"| {r['job']} | | | re-solve failed: {str(r['resolve_error'])[:60]} | | |"
            )
            continue
        lines.append(
            f"| {r['job']} | {float(str(r['insert_s'])):.3f} | {float(str(r['insert'])):.2f} | "
            f"{float(str(r['resolve'])):.2f} | {'yes' if r['resolve_serves'] else 'no'} | "
            f"{r['resolve_unplanned']} |"
        )
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
