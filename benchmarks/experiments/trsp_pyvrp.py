"""Pillac et al. (2013) TRSP solved with PyVRP 0.14 (experiment; self-contained, no dispatchopt).

    python benchmarks/experiments/trsp_pyvrp.py /work/shared/benchmarks/trsp/C101.txt --seconds 30
    python benchmarks/experiments/trsp_pyvrp.py /work/shared/benchmarks/trsp/*.txt --seconds 30 \
        --out benchmarks/results/trsp_pyvrp_30s.csv --plans /tmp/trsp_plans

Model (verified in ``trsp_pyvrp_verify.py``):
- PyVRP depots: 0 = main depot (node 0), 1..crew = technicians' homes (node k). Clients =
  requests (PyVRP client i = node crew+1+i). Locations = node ids.
- One vehicle type per technician k: start_depot = end_depot = k, tw_early/tw_late = home
  window (also on the home depot), reload_depots=[0], max_reloads=1 (a second restock never
  helps: after the first one everything is unlimited), unit_distance_cost=0,
  unit_duration_cost=1 (PyVRP's route duration is the minimum over feasible start times, i.e.
  travel + service + unavoidable waiting = the TRSP working time).
- Load dimensions (PyVRP resets the load at every reload depot; capacity holds per trip;
  initial_load sits on the vehicle until the first depot visit only):
    part p:  delivery = units consumed; capacity = BIG_p = max(total demand, max stock);
             initial_load = BIG_p - van stock  -> first trip consumes <= van stock, later trips free
    tool t:  delivery = 1 if needed; capacity = BIG_t = #requests needing t;
             initial_load = 0 if the van has t else BIG_t -> no t-request before the first restock
  Skills (never restockable), two exact variants:
    --skills profile (default): each distinct skill set gets its own routing profile whose
             durations into requests it cannot serve are 2*horizon+1 (arrival past every window,
             so any such visit is time warp, i.e. infeasible)
    --skills load: one more dimension per skill, delivery = 1 if needed; capacity = #requests
             needing s if the technician has s else 0 (capacity binds on every trip)
  Every load quantity is multiplied by --load-scale (default = --scale): same constraints, but
  PyVRP's per-unit penalties (bounded by PenaltyParams.max_penalty) then weigh a missing part or
  tool like a minute of time warp instead of 1/SCALE of one.
- Durations and service times in integer units of 1/SCALE minute; travel = ceil(dist * SCALE),
  so a plan PyVRP deems feasible is feasible for the exact checker (real arrivals are earlier).
- Solver: pyvrp.solve(data, stop=MaxRuntime(seconds), seed) with PyVRP's default SolveParams, or
  --params TOML (SolveParams.from_file; e.g. trsp_pyvrp_tuned.toml). Every plan is re-checked
  with /work/shared/tools/check_trsp_plan.py; the reported working time is the checker's.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyvrp
from pyvrp import Client, Depot, Location, ProblemData, VehicleType
from pyvrp.stop import MaxRuntime

CHECKER = Path("/work/shared/tools/check_trsp_plan.py")
_NODE = re.compile(
    r"\s*(\d+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+\[([^\]]*)\]\s+\[([^\]]*)\]\s+\[([^\]]*)\]"
)


def read(path: str | Path) -> dict:
    """Parse a TRSP instance (same grammar as the reference checker)."""
    lines = Path(path).read_text().splitlines()
    crew = n_skills = n_tools = n_parts = None
    nodes = []
    for i, line in enumerate(lines):
        if line.startswith("CREW COUNT"):
            crew, n_skills, n_tools, n_parts = map(int, lines[i + 1].split())
        m = _NODE.match(line)
        if m:
            ints = lambda s: [int(x) for x in s.split(",") if x.strip()]  # noqa: E731
            nodes.append(
                dict(
                    id=int(m[1]),
                    x=float(m[2]),
                    y=float(m[3]),
                    tw=(float(m[4]), float(m[5])),
                    service=float(m[6]),
                    skills=set(ints(m[7])),
                    tools=set(ints(m[8])),
                    parts=ints(m[9]),
                )
            )
    assert [n["id"] for n in nodes] == list(range(len(nodes))), "node ids must be 0..n-1"
    return dict(
        name=Path(path).stem,
        crew=crew,
        n_skills=n_skills,
        n_tools=n_tools,
        n_parts=n_parts,
        nodes=nodes,
    )


def _scaled(value: float, scale: int) -> int:
    """Windows and service times: exact integers in these instances; assert it."""
    v = value * scale
    r = round(v)
    assert abs(v - r) < 1e-6, f"{value} is not a multiple of 1/{scale}"
    return int(r)


def build(
    inst: dict, scale: int = 1000, skills: str = "profile", load_scale: int = 1
) -> ProblemData:
    """The PyVRP ProblemData for a TRSP instance (see the module docstring).

    ``load_scale`` multiplies every load quantity (deliveries, capacities, initial loads): the
    constraints are unchanged, but one unit of violation then weighs ``load_scale`` units in
    PyVRP's penalties, which are per unit and bounded (PenaltyParams.max_penalty).
    """
    nodes, crew = inst["nodes"], inst["crew"]
    n_parts = inst["n_parts"]
    homes = nodes[1 : crew + 1]
    reqs = nodes[crew + 1 :]

    def parts_of(n):
        return n["parts"] if n["parts"] else [0] * n_parts

    # Load dimensions that some request actually uses.
    dims = []  # (kind, index, big)
    for p in range(n_parts):
        demand = sum(parts_of(r)[p] for r in reqs)
        if demand > 0:
            dims.append(("part", p, max(demand, max(parts_of(h)[p] for h in homes)) * load_scale))
    for t in range(inst["n_tools"]):
        need = sum(t in r["tools"] for r in reqs)
        if need > 0:
            dims.append(("tool", t, need * load_scale))
    if skills == "load":
        for s in range(inst["n_skills"]):
            need = sum(s in r["skills"] for r in reqs)
            if need > 0:
                dims.append(("skill", s, need * load_scale))

    def delivery(r):
        out = []
        for kind, idx, _ in dims:
            if kind == "part":
                out.append(parts_of(r)[idx] * load_scale)
            elif kind == "tool":
                out.append(int(idx in r["tools"]) * load_scale)
            else:
                out.append(int(idx in r["skills"]) * load_scale)
        return out

    locations = [Location(x=n["x"], y=n["y"]) for n in nodes]
    depots = [
        Depot(
            location=k,
            tw_early=_scaled(nodes[k]["tw"][0], scale),
            tw_late=_scaled(nodes[k]["tw"][1], scale),
            service_duration=_scaled(nodes[k]["service"], scale),
        )
        for k in range(crew + 1)
    ]
    clients = [
        Client(
            location=r["id"],
            delivery=delivery(r),
            service_duration=_scaled(r["service"], scale),
            tw_early=_scaled(r["tw"][0], scale),
            tw_late=_scaled(r["tw"][1], scale),
            name=str(r["id"]),
        )
        for r in reqs
    ]

    xy = np.array([[n["x"], n["y"]] for n in nodes])
    dist = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    base = np.ceil(dist * scale).astype(np.int64)

    # Routing profiles: one (profile 0) unless skills are modelled by profiles.
    profile_of: dict[frozenset, int] = {}
    matrices = [base]
    if skills == "profile":
        matrices = []
        horizon = max(_scaled(n["tw"][1], scale) for n in nodes)
        prohibitive = 2 * horizon + 1  # arriving at any request after its window
        for h in homes:
            key = frozenset(h["skills"])
            if key not in profile_of:
                m = base.copy()
                for r in reqs:
                    if not r["skills"] <= h["skills"]:
                        m[:, r["id"]] = prohibitive
                        m[r["id"], r["id"]] = 0
                profile_of[key] = len(matrices)
                matrices.append(m)

    vehicle_types = []
    for h in homes:
        cap, init = [], []
        for kind, idx, big in dims:
            if kind == "part":
                cap.append(big)
                init.append(big - parts_of(h)[idx] * load_scale)
            elif kind == "tool":
                cap.append(big)
                init.append(0 if idx in h["tools"] else big)
            else:
                cap.append(big if idx in h["skills"] else 0)
                init.append(0)
        k = h["id"]
        vehicle_types.append(
            VehicleType(
                num_available=1,
                capacity=cap,
                start_depot=k,
                end_depot=k,
                tw_early=_scaled(h["tw"][0], scale),
                tw_late=_scaled(h["tw"][1], scale),
                unit_distance_cost=0,
                unit_duration_cost=1,
                profile=profile_of.get(frozenset(h["skills"]), 0),
                initial_load=init,
                reload_depots=[0],
                max_reloads=1,
                name=str(k),
            )
        )
    return ProblemData(
        locations=locations,
        clients=clients,
        depots=depots,
        vehicle_types=vehicle_types,
        distance_matrices=[base] * len(matrices),
        duration_matrices=matrices,
    )


def to_plan(inst: dict, data: ProblemData, sol: pyvrp.Solution) -> dict:
    """PyVRP solution -> the checker's plan JSON (restock visits as job "0")."""
    crew = inst["crew"]
    routes = []
    for route in sol.routes():
        vt = data.vehicle_type(route.vehicle_type())
        stops = []
        for act in route.schedule()[1:-1]:  # drop start and end depot
            if act.is_depot():
                assert act.idx == 0, "only the main depot is a reload depot"
                stops.append({"job_id": "0"})
            else:
                stops.append({"job_id": str(crew + 1 + act.idx)})
        routes.append({"engineer_id": vt.name, "stops": stops})
    return {"routes": routes}


def check(instance: Path, plan: dict) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(plan, fh)
    out = subprocess.run(
        [sys.executable, str(CHECKER), "check", str(instance), fh.name],
        capture_output=True,
        text=True,
    )
    Path(fh.name).unlink()
    return json.loads(out.stdout)


def bks_table(folder: Path) -> dict[str, float]:
    with (folder / "BKS.csv").open(newline="") as fh:
        return {r["instance"]: float(r["bks_working_time"]) for r in csv.DictReader(fh)}


def run(
    path: Path,
    seconds: float,
    scale: int,
    skills: str,
    load_scale: int,
    seed: int,
    plans: Path | None,
    params: pyvrp.SolveParams | None = None,
) -> dict:
    t0 = time.perf_counter()
    inst = read(path)
    data = build(inst, scale, skills, load_scale)
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    res = pyvrp.solve(
        data,
        stop=MaxRuntime(seconds),
        seed=seed,
        collect_stats=False,
        params=params or pyvrp.SolveParams(),
    )
    solve_s = time.perf_counter() - t1
    sol = res.best
    plan = to_plan(inst, data, sol)
    if plans is not None:
        plans.mkdir(parents=True, exist_ok=True)
        (plans / f"{inst['name']}.json").write_text(json.dumps(plan))
    checked = check(path, plan)
    bks = bks_table(path.parent).get(inst["name"])
    wt = checked.get("working_time") if checked["feasible"] else None
    return dict(
        instance=inst["name"],
        cls=inst["name"].rstrip("0123456789") + inst["name"].lstrip("CR")[:1],  # C101 -> C1
        pyvrp_feasible=sol.is_feasible(),
        pyvrp_working_time=round(sol.duration() / scale, 3),
        checker_feasible=checked["feasible"],
        checker_why=checked.get("why", ""),
        working_time=wt,
        distance=checked.get("distance"),
        bks=bks,
        gap_pct=round(100 * (wt / bks - 1), 3) if wt is not None and bks else None,
        routes=sum(1 for r in plan["routes"] if r["stops"]),
        restocks=sum(s["job_id"] == "0" for r in plan["routes"] for s in r["stops"]),
        iterations=res.num_iterations,
        build_s=round(build_s, 3),
        solve_s=round(solve_s, 2),
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("instances", nargs="+", type=Path)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--scale", type=int, default=1000, help="time units per minute (default 1000)")
    ap.add_argument("--skills", choices=["load", "profile"], default="profile")
    ap.add_argument(
        "--load-scale",
        type=int,
        help="multiplier on every load quantity (default: --scale, so a unit of part or tool "
        "violation weighs like a minute of time warp)",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--params", type=Path, help="PyVRP SolveParams TOML (default: PyVRP's)")
    ap.add_argument("--out", type=Path, help="CSV to write (one row per instance)")
    ap.add_argument("--plans", type=Path, help="folder to keep each plan JSON in")
    args = ap.parse_args()
    if args.load_scale is None:
        args.load_scale = args.scale

    rows = []
    for path in args.instances:
        row = run(
            path,
            args.seconds,
            args.scale,
            args.skills,
            args.load_scale,
            args.seed,
            args.plans,
            pyvrp.SolveParams.from_file(args.params) if args.params else None,
        )
        rows.append(row)
        print(json.dumps(row), flush=True)
        if args.out:
            with args.out.open("w", newline="") as fh:
                w = csv.DictWriter(fh, fieldnames=list(rows[0]))
                w.writeheader()
                w.writerows(rows)

    by_cls: dict[str, list[float]] = {}
    for r in rows:
        if r["gap_pct"] is not None:
            by_cls.setdefault(r["cls"], []).append(r["gap_pct"])
    for c, gaps in sorted(by_cls.items()):
        print(f"{c}: {len(gaps)} feasible, mean gap {statistics.mean(gaps):.2f} %")
    allg = [g for gaps in by_cls.values() for g in gaps]
    n_inf = sum(not r["checker_feasible"] for r in rows)
    if not allg:
        print(f"all: 0 feasible ({n_inf} infeasible)")
    else:
        print(
            f"all: {len(allg)} feasible ({n_inf} infeasible), "
            f"mean gap {statistics.mean(allg):.2f} %"
        )


if __name__ == "__main__":
    main()
