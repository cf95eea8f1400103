"""Field days side by side: dispatchopt, VROOM, a raw OR-Tools model and the greedy baseline.

Every solver gets the same generated day (``dispatchopt.scenarios.generate_day``, the
hindsight view) and the same travel matrix (the day's own, ``dispatchopt.matrices``); every
answer becomes a dispatchopt ``Plan``, is re-checked by ``dispatchopt.validate``, and is
measured with one formula: engineer hours x cost per hour + km x cost per km + fixed cost +
overtime hours x overtime rate. Each run is its own process, so its wall time (start-up
included) and peak memory are its own.

Solvers:
- ``dispatchopt``: ``dispatchopt.solve(problem, time_limit=S)``, as a user calls it;
  ``cli``: ``dispatchopt plan DAY.json -t S`` as a planner runs it (wall time from spawn).
- ``vroom``: pyvroom at exploration 5 on one thread with the same time limit, mapped the way
  a user would map the day (skills with levels, windows, breaks, priorities, per-engineer time
  on site, costs per hour and km). VROOM cannot be told SLA clocks or overtime pay.
- ``ortools``: the routing model one writes from OR-Tools' samples (time windows, breaks,
  skills, optional jobs with the same drop penalties), guided local search.
- ``greedy``: ``dispatchopt.solve_greedy`` (no time limit).

Days: ``neutral`` (what VROOM can be told: SLA clocks off, no overtime, vans empty) or
``full`` (as generated: SLA clocks on, overtime allowed, van stock). Compare by priority-
weighted service first (the sum of 1 + priority over served jobs), then by cost.

usage:
  python benchmarks/fieldday_peers.py --size 60x8 --seeds 0,1,2 --seconds 3 --out r.jsonl
  python benchmarks/fieldday_peers.py --table r.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np

SOLVERS = ("dispatchopt", "cli", "vroom", "ortools", "greedy")
BUCKETS = (("standard", 0, 3), ("urgent", 4, 7), ("emergency", 8, 10))
NEUTRAL = {"van_stock_rate": 0.0, "third_party_van_stock_rate": 0.0}
"""Generator options for a neutral day (besides switching SLA clocks and overtime off)."""
MONEY = 100_000
"""Raw OR-Tools objective units per currency unit."""


def make_day(size: int, engineers: int, seed: int, mode: str) -> Any:
    """The generated day, neutralised when ``mode`` is ``neutral``."""
    from dispatchopt.models import Problem
    from dispatchopt.scenarios import generate_day

    if mode == "full":
        return generate_day(size, engineers, seed)
    day = generate_day(size, engineers, seed, **NEUTRAL)
    data = day.model_dump(mode="json")
    for job in data["jobs"]:
        job["sla"], job["sla_tier"] = None, None
    for eng in data["engineers"]:
        eng["overtime_minutes"], eng["overtime_cost_per_hour"] = 0.0, 0.0
    data["sla_policies"], data["sla_tiers"], data["parts"] = [], {}, []
    return Problem.model_validate(data)


def measure(problem: Any, plan: Any) -> dict[str, Any]:
    """Figures of ``plan`` by one formula for every solver, and its violations."""
    from dispatchopt import recompute_sla_compliance, validate

    served = [problem.job_by_id[s.job_id] for r in plan.routes for s in r.jobs]
    buckets = {}
    for name, lo, hi in BUCKETS:
        total = sum(1 for j in problem.jobs if lo <= j.priority <= hi)
        buckets[name] = [sum(1 for j in served if lo <= j.priority <= hi), total]
    cost = travel = working = overtime = distance = 0.0
    for route in plan.routes:
        eng = problem.engineer_by_id[route.engineer_id]
        shift = eng.shifts[route.shift_index]
        work = (route.arrival - route.departure).total_seconds()
        over = max(0.0, (route.arrival - shift.end).total_seconds())
        cost += eng.fixed_cost + eng.cost_per_hour * work / 3600
        cost += eng.cost_per_km * route.distance_m / 1000 + eng.overtime_cost_per_hour * over / 3600
        travel += route.travel_s
        working += work
        overtime += over
        distance += route.distance_m
    violations = validate(problem, plan)
    rules: dict[str, int] = defaultdict(int)
    for v in violations:
        rules[str(v.rule)] += 1
    return {
        "served": len(served),
        "weighted": sum(1 + j.priority for j in served),
        "buckets": buckets,
        "cost": round(cost, 2),
        "km": round(distance / 1000, 1),
        "travel_h": round(travel / 3600, 2),
        "working_h": round(working / 3600, 2),
        "overtime_h": round(overtime / 3600, 2),
        "sla": recompute_sla_compliance(problem, plan),
        "violations": len(violations),
        "violations_by_rule": dict(rules),
    }


# -- the solvers -------------------------------------------------------------------------------


def run_dispatchopt(problem: Any, seconds: float, out: dict[str, Any]) -> Any:
    """``dispatchopt.solve`` as a user calls it; records when the first plan arrived."""
    import dispatchopt

    started = time.perf_counter()
    first: list[float] = []

    def progress(_: object) -> None:
        if not first:
            first.append(time.perf_counter() - started)

    plan = dispatchopt.solve(problem, time_limit=seconds, progress=progress)
    out["first_plan_s"] = round(first[0], 3) if first else None
    out["engine"] = plan.summary.solver if plan.summary else ""
    out["notes"] = getattr(plan.summary, "solver_notes", []) if plan.summary else []
    return plan


def run_cli(problem: Any, seconds: float, out: dict[str, Any]) -> Any:
    """``dispatchopt plan DAY.json -t S --out PLAN.json`` in its own process."""
    from dispatchopt import read_plan

    with tempfile.TemporaryDirectory() as tmp:
        day = Path(tmp) / "day.json"
        day.write_text(problem.model_dump_json(), encoding="utf-8")
        plan_path = Path(tmp) / "plan.json"
        started = time.perf_counter()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "dispatchopt.cli",
                "plan",
                str(day),
                "-t",
                str(seconds),
                "--out",
                str(plan_path),
                "--brief",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        out["cli_wall_s"] = round(time.perf_counter() - started, 3)
        out["cli_exit"] = done.returncode
        if done.returncode != 0:
            out["cli_error"] = done.stderr[-500:]
        return read_plan(plan_path)


def run_greedy(problem: Any, seconds: float, out: dict[str, Any]) -> Any:
    """The dispatcher's rule of thumb."""
    import dispatchopt

    return dispatchopt.solve_greedy(problem)


class _Day:
    """The integer view both raw models are written against (seconds from the first shift)."""

    def __init__(self, problem: Any) -> None:
        from dispatchopt.matrices import problem_matrices
        from dispatchopt.models.skills import missing_skills

        self.problem = problem
        self.m = problem_matrices(problem)
        self.epoch = min(s.start for e in problem.engineers for s in e.shifts)
        self.duration = np.asarray(self.m.matrices.duration_s)
        self.distance = np.asarray(self.m.matrices.distance_m)
        self.vehicles = [(e, k, s) for e in problem.engineers for k, s in enumerate(e.shifts)]
        self.allowed = {
            j.id: [
                i
                for i, (e, _, _) in enumerate(self.vehicles)
                if not missing_skills(j.skills, e.skills)
                and (not j.required_engineers or e.id in j.required_engineers)
                and e.id not in j.excluded_engineers
            ]
            for j in problem.jobs
        }

    def s(self, moment: Any) -> int:
        return round((moment - self.epoch).total_seconds())

    def at(self, seconds: int) -> Any:
        return self.epoch + timedelta(seconds=seconds)

    def windows(self, job: Any) -> list[tuple[int, int]]:
        wins = [(self.s(w.start), self.s(w.end)) for w in job.time_windows] or [(0, 10**7)]
        if job.earliest_start is not None:
            r = self.s(job.earliest_start)
            wins = [(max(a, r), b) for a, b in wins if b >= r]
        return wins

    def service(self, job: Any, engineer: Any) -> int:
        lead = job.skills[0].skill if job.skills else None
        level = engineer.skills.get(lead) if lead else None
        return round(job.duration_for_level(level) * 60)

    def route(
        self,
        v: int,
        departure: int,
        stops: list[tuple[str, int, int, int]],
        breaks: list[tuple[int, int]],
        arrival: int,
    ) -> Any:
        """A plan route from ``(job id, arrival, start, end)`` stops, ``(start, end)`` breaks
        and the times of leaving and getting back, as the solver answered."""
        from dispatchopt.models import BreakTaken, Route, Stop

        eng, k, _ = self.vehicles[v]
        home, prev = self.m.start_point[eng.id], self.m.start_point[eng.id]
        out = []
        for jid, arr, start, end in stops:
            here = self.m.job_point[jid]
            out.append(
                Stop(
                    job_id=jid,
                    arrival=self.at(arr),
                    start=self.at(start),
                    end=self.at(end),
                    travel_s=int(self.duration[prev, here]),
                    distance_m=int(self.distance[prev, here]),
                    wait_s=start - arr,
                )
            )
            prev = here
        home = self.m.end_point[eng.id]
        back = int(self.duration[prev, home])
        return Route(
            engineer_id=eng.id,
            shift_index=k,
            departure=self.at(departure),
            arrival=self.at(arrival),
            stops=out,
            breaks=[BreakTaken(start=self.at(a), end=self.at(b)) for a, b in sorted(breaks)],
            return_travel_s=back,
            return_distance_m=int(self.distance[prev, home]),
        )

    def plan(self, routes: list[Any], served: set[str]) -> Any:
        from dispatchopt.models import Plan, Unassigned, UnassignedReason

        unassigned = [
            Unassigned(job_id=j.id, reason=UnassignedReason.CAPACITY, detail="left out")
            for j in self.problem.jobs
            if j.id not in served
        ]
        return Plan(routes=routes, unassigned=unassigned)


def run_vroom(problem: Any, seconds: float, out: dict[str, Any]) -> Any:
    """pyvroom, exploration 5, one thread, mapped as a user would."""
    import vroom

    day = _Day(problem)
    inp = vroom.Input()
    inp.set_durations_matrix("car", np.ascontiguousarray(day.duration, dtype=np.uint32))
    inp.set_distances_matrix("car", np.ascontiguousarray(day.distance, dtype=np.uint32))
    skill_ids: dict[tuple[str, int], int] = {}
    for eng in problem.engineers:
        for skill, level in eng.skills.items():
            for lv in range(level + 1):
                skill_ids.setdefault((skill, lv), len(skill_ids) + 1)
    types: dict[str, str] = {}
    for v, (eng, _, shift) in enumerate(day.vehicles):
        key = json.dumps(sorted(eng.skills.items()))
        types.setdefault(key, f"t{len(types)}")
        held = {skill_ids[(s, lv)] for s, level in eng.skills.items() for lv in range(level + 1)}
        inp.add_vehicle(
            vroom.Vehicle(
                v,
                start=day.m.start_point[eng.id],
                end=day.m.end_point[eng.id],
                skills=held,
                time_window=vroom.TimeWindow(
                    day.s(shift.start), day.s(shift.end) + round(eng.overtime_minutes * 60)
                ),
                breaks=[
                    vroom.Break(
                        v * 10 + b + 1,
                        time_windows=[
                            vroom.TimeWindow(
                                day.s(brk.window.start),
                                day.s(brk.window.end) - round(brk.duration_minutes * 60),
                            )
                        ],
                        service=round(brk.duration_minutes * 60),
                    )
                    for b, brk in enumerate(shift.breaks)
                ],
                costs=vroom.VehicleCosts(
                    fixed=round(eng.fixed_cost * 100),
                    per_hour=round(eng.cost_per_hour * 100),
                    per_km=round(eng.cost_per_km * 100),
                ),
                type=types[key],
            )
        )
    top = max(j.priority for j in problem.jobs)
    job_of = {}
    jobs = []
    for i, job in enumerate(problem.jobs):
        needs = {
            skill_ids[(r.skill, r.level)] for r in job.skills if (r.skill, r.level) in skill_ids
        }
        if len(needs) < len(job.skills) or not day.allowed[job.id]:
            continue
        per_type = {
            types[json.dumps(sorted(e.skills.items()))]: day.service(job, e)
            for e in problem.engineers
        }
        jobs.append(
            vroom.Job(
                i + 1,
                location=day.m.job_point[job.id],
                default_service=round(job.duration_minutes * 60),
                skills=needs,
                priority=round(100 * (1 + job.priority) / (1 + top)),
                time_windows=[vroom.TimeWindow(a, b) for a, b in day.windows(job)],
                service_per_type=per_type,
            )
        )
        job_of[i + 1] = job.id
    inp.add_job(jobs)
    sol = inp.solve(exploration_level=5, nb_threads=1, timeout=timedelta(seconds=seconds))
    routes, served = [], set()
    for r in sol.to_dict().get("routes", []):
        stops, breaks, departure, arrival = [], [], 0, 0
        for step in r["steps"]:
            arr = int(step["arrival"])
            begin = arr + int(step.get("waiting_time", 0)) + int(step.get("setup", 0))
            if step["type"] == "start":
                departure = arr
            elif step["type"] == "end":
                arrival = arr
            elif step["type"] == "job":
                jid = job_of[int(step["id"])]
                stops.append((jid, arr, begin, begin + int(step["service"])))
                served.add(jid)
            elif step["type"] == "break":
                breaks.append((begin, begin + int(step["service"])))
        if stops:
            routes.append(day.route(int(r["vehicle"]), departure, stops, breaks, arrival))
    out["engine"] = "pyvroom, exploration 5, 1 thread"
    return day.plan(routes, served)


def run_ortools(problem: Any, seconds: float, out: dict[str, Any]) -> Any:
    """The routing model of OR-Tools' samples: windows, breaks, skills, optional jobs."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    day = _Day(problem)
    jobs = [j for j in problem.jobs if day.allowed[j.id] and day.windows(j)]
    places = sorted(
        {day.m.start_point[e.id] for e, _, _ in day.vehicles}
        | {day.m.end_point[e.id] for e, _, _ in day.vehicles}
    )
    points = [day.m.job_point[j.id] for j in jobs] + places
    node_of_place = {p: len(jobs) + i for i, p in enumerate(places)}
    starts = [node_of_place[day.m.start_point[e.id]] for e, _, _ in day.vehicles]
    ends = [node_of_place[day.m.end_point[e.id]] for e, _, _ in day.vehicles]
    manager = pywrapcp.RoutingIndexManager(len(points), len(day.vehicles), starts, ends)
    routing = pywrapcp.RoutingModel(manager)
    idx = np.asarray(points)
    travel = day.duration[np.ix_(idx, idx)].astype(np.int64)
    metres = day.distance[np.ix_(idx, idx)].astype(np.int64)
    horizon = max(day.s(s.end) + round(e.overtime_minutes * 60) for e, _, s in day.vehicles)
    callbacks = []
    services = []
    for eng, _, _ in day.vehicles:
        service = np.zeros(len(points), dtype=np.int64)
        for n, job in enumerate(jobs):
            service[n] = day.service(job, eng)
        services.append(service)
        callbacks.append(routing.RegisterTransitMatrix((travel + service[:, None]).tolist()))
    routing.AddDimensionWithVehicleTransits(callbacks, horizon, horizon, False, "Time")
    time_dim = routing.GetDimensionOrDie("Time")
    per_km: dict[float, int] = {}
    breaks_of: list[list[Any]] = []
    for v, (eng, _, shift) in enumerate(day.vehicles):
        if eng.cost_per_km not in per_km:
            arcs = np.rint(metres * eng.cost_per_km * MONEY / 1000).astype(np.int64)
            per_km[eng.cost_per_km] = routing.RegisterTransitMatrix(arcs.tolist())
        routing.SetArcCostEvaluatorOfVehicle(per_km[eng.cost_per_km], v)
        routing.SetFixedCostOfVehicle(round(eng.fixed_cost * MONEY), v)
        time_dim.SetSpanCostCoefficientForVehicle(round(eng.cost_per_hour * MONEY / 3600), v)
        end = day.s(shift.end) + round(eng.overtime_minutes * 60)
        time_dim.CumulVar(routing.Start(v)).SetRange(day.s(shift.start), end)
        time_dim.CumulVar(routing.End(v)).SetRange(day.s(shift.start), end)
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(v)))
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(v)))
        solver = routing.solver()
        intervals = [
            solver.FixedDurationIntervalVar(
                day.s(b.window.start),
                day.s(b.window.end) - round(b.duration_minutes * 60),
                round(b.duration_minutes * 60),
                False,
                f"break {v}.{k}",
            )
            for k, b in enumerate(shift.breaks)
        ]
        breaks_of.append(intervals)
        if intervals:
            node_visits = [int(services[v][manager.IndexToNode(i)]) for i in range(routing.Size())]
            time_dim.SetBreakIntervalsOfVehicle(intervals, v, node_visits)
    for n, job in enumerate(jobs):
        index = manager.NodeToIndex(n)
        wins = day.windows(job)
        time_dim.CumulVar(index).SetRange(wins[0][0], wins[-1][1])
        if len(day.allowed[job.id]) < len(day.vehicles):
            routing.VehicleVar(index).SetValues([-1, *day.allowed[job.id]])
        routing.AddDisjunction([index], round(100_000 * MONEY * (1 + job.priority)))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(round(seconds * 1000))
    assignment = routing.SolveWithParameters(params)
    out["engine"] = "OR-Tools routing, PATH_CHEAPEST_ARC + GLS"
    routes, served = [], set()
    if assignment is None:
        return day.plan([], set())
    for v in range(len(day.vehicles)):
        index = assignment.Value(routing.NextVar(routing.Start(v)))
        departure = assignment.Value(time_dim.CumulVar(routing.Start(v)))
        stops: list[tuple[str, int, int, int]] = []
        prev_end, prev = departure, starts[v]
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            start = assignment.Value(time_dim.CumulVar(index))
            job = jobs[node]
            stops.append(
                (
                    job.id,
                    min(start, prev_end + int(travel[prev, node])),
                    start,
                    start + int(services[v][node]),
                )
            )
            served.add(job.id)
            prev, prev_end = node, start + int(services[v][node])
            index = assignment.Value(routing.NextVar(index))
        if stops:
            arrival = assignment.Value(time_dim.CumulVar(routing.End(v)))
            routes.append(
                day.route(v, departure, stops, _breaks_of(breaks_of[v], assignment), arrival)
            )
    return day.plan(routes, served)


def _breaks_of(intervals: list[Any], assignment: Any) -> list[tuple[int, int]]:
    out = []
    for iv in intervals:
        start = assignment.StartValue(iv)
        out.append((start, start + assignment.DurationValue(iv)))
    return out


RUNNERS = {
    "dispatchopt": run_dispatchopt,
    "cli": run_cli,
    "vroom": run_vroom,
    "ortools": run_ortools,
    "greedy": run_greedy,
}


def _code_version() -> str:
    """The commit of the dispatchopt this process imports (runs of two checkouts side by side
    can then be told apart)."""
    import dispatchopt

    where = Path(dispatchopt.__file__).parent
    done = subprocess.run(
        ["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown"


def child(args: argparse.Namespace) -> None:
    """One run in this process: prints one JSON line."""
    size, engineers = (int(x) for x in args.size.split("x"))
    problem = make_day(size, engineers, args.seed, args.mode)
    row: dict[str, Any] = {
        "solver": args.run,
        "size": args.size,
        "seed": args.seed,
        "mode": args.mode,
        "seconds": args.seconds,
        "code": _code_version(),
    }
    started = time.perf_counter()
    plan = RUNNERS[args.run](problem, args.seconds, row)
    row["wall_s"] = round(time.perf_counter() - started, 3)
    row.update(measure(problem, plan))
    row["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(row), flush=True)


def table(paths: list[str]) -> str:
    """A markdown table of result lines, one row per (size, seed, mode, solver)."""
    rows = [json.loads(line) for p in paths for line in Path(p).read_text().splitlines() if line]
    failed = [r for r in rows if "error" in r]
    rows = [r for r in rows if "error" not in r]
    head = (
        "| day | mode | s | solver | served | weighted | std / urg / emg | cost | km | "
        "overtime h | SLA % | violations | wall s | first plan s | peak MB |\n"
        + "|---" * 15
        + "|\n"
    )
    body = []
    for r in rows:
        b = r["buckets"]
        sla = ", ".join(f"{k} {v:.0f}" for k, v in r["sla"].items()) or "-"
        wall = r.get("cli_wall_s", r["wall_s"])
        body.append(
            f"| {r['size']} s{r['seed']} | {r['mode']} | {r['seconds']:g} | {r['solver']}"
            f"{' @' + r['code'] if r.get('code') else ''}{' (busy)' if r.get('busy') else ''} | "
            f"{r['served']} | {r['weighted']} | "
            + " / ".join(f"{b[k][0]}/{b[k][1]}" for k, _, _ in BUCKETS)
            + f" | {r['cost']:.2f} | {r['km']} | {r['overtime_h']} | {sla} | {r['violations']} | "
            f"{wall} | {r.get('first_plan_s') or '-'} | {r['peak_mb']} |"
        )
    notes = [
        f"\n{r['solver']} on {r['size']} seed {r['seed']} failed: {r['error'][-200:]}"
        for r in failed
    ]
    return head + "\n".join(body) + "".join(notes)


def targets(paths: list[str], code: str | None = None) -> str:
    """Issue 16's targets, day by day, from result lines (``code``: only rows of that checkout
    for dispatchopt and the CLI; peers are the same whichever checkout ran them)."""
    rows = [json.loads(line) for p in paths for line in Path(p).read_text().splitlines() if line]
    rows = [r for r in rows if "error" not in r and not r.get("busy")]
    days: dict[tuple[str, int, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in rows:
        ours = r["solver"] in ("dispatchopt", "cli")
        if ours and code is not None and r.get("code") not in code.split(","):
            continue
        days[(r["size"], r["seed"], r["mode"])][r["solver"]] = r
    out = [
        "| day | mode | weighted: ours / VROOM / greedy | emergencies | cost at equal service "
        "| SLA vs greedy | first plan <= 10 % | CLI wall <= limit + 10 % + 1 s | peak MB |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for (size, seed, mode), by in sorted(days.items()):
        ours, vroom, greedy, cli = (by.get(k) for k in ("dispatchopt", "vroom", "greedy", "cli"))
        if ours is None:
            continue
        w = [x["weighted"] if x else None for x in (ours, vroom, greedy)]
        ok_w = (vroom is None or w[0] >= w[1]) and (greedy is None or w[0] > w[2])
        emg = [x["buckets"]["emergency"][0] if x else None for x in (ours, vroom, greedy)]
        ok_e = all(e is None or emg[0] >= e for e in emg[1:])
        cost = "-"
        if vroom is not None and w[0] == w[1]:
            cost = f"{ours['cost']:.0f} vs {vroom['cost']:.0f} " + (
                "ok" if ours["cost"] <= vroom["cost"] else "MISSED"
            )
        sla = "-"
        if mode == "full" and greedy is not None:
            worse = [t for t, v in greedy["sla"].items() if ours["sla"].get(t, 0.0) < v]
            sla = "ok" if not worse else "MISSED " + ",".join(worse)
        first = ours.get("first_plan_s")
        ok_first = first is not None and first <= 0.1 * ours["seconds"]
        wall = cli["cli_wall_s"] if cli else None
        ok_wall = wall is not None and wall <= 1.1 * ours["seconds"] + 1
        peak = max(x["peak_mb"] for x in (ours, cli) if x)

        def shown(values: list[Any]) -> str:
            return " / ".join("-" if v is None else str(v) for v in values)

        verdict_wall = "ok" if ok_wall else ("MISSED" if wall is not None else "")
        out.append(
            f"| {size} s{seed} | {mode} | {shown(w)} {'ok' if ok_w else 'MISSED'} | "
            f"{shown(emg)} {'ok' if ok_e else 'MISSED'} | {cost} | {sla} | "
            f"{first} {'ok' if ok_first else 'MISSED'} | {wall} {verdict_wall} | {peak} |"
        )
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="60x8", help="JOBSxENGINEERS")
    ap.add_argument("--seeds", default="0")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--mode", choices=("neutral", "full"), default="neutral")
    ap.add_argument("--solvers", default="dispatchopt,vroom,ortools,greedy")
    ap.add_argument("--busy", action="store_true", help="keep the other core busy meanwhile")
    ap.add_argument("--out", help="append result lines (JSON) here")
    ap.add_argument("--table", nargs="*", help="print a markdown table of these result files")
    ap.add_argument("--targets", nargs="*", help="print issue 16's targets from these files")
    ap.add_argument(
        "--code", help="with --targets: only dispatchopt rows of these checkouts (a,b,...)"
    )
    ap.add_argument("--run", help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.table:
        print(table(args.table))
        return
    if args.targets:
        print(targets(args.targets, args.code))
        return
    if args.run:
        child(args)
        return
    hog = None
    if args.busy:
        hog = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        for seed in (int(s) for s in args.seeds.split(",")):
            for solver in args.solvers.split(","):
                done = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--run",
                        solver,
                        "--seed",
                        str(seed),
                        "--size",
                        args.size,
                        "--seconds",
                        str(args.seconds),
                        "--mode",
                        args.mode,
                    ],
                    capture_output=True,
                    text=True,
                    check=False,
                    env={**os.environ, "PYTHONWARNINGS": "ignore"},
                )
                line = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
                if done.returncode != 0 or not line:
                    line = json.dumps(
                        {
                            "solver": solver,
                            "seed": seed,
                            "size": args.size,
                            "error": done.stderr[-800:],
                        }
                    )
                elif args.busy:
                    row = json.loads(line)
                    row["busy"] = True
                    line = json.dumps(row)
                print(line, flush=True)
                if args.out:
                    with open(args.out, "a", encoding="utf-8") as fh:
                        fh.write(line + "\n")
    finally:
        if hog is not None:
            hog.kill()


if __name__ == "__main__":
    main()
