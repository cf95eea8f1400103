"""Checks that trsp_pyvrp.build() is an exact PyVRP model of the TRSP (vs the reference checker).

    python benchmarks/experiments/trsp_pyvrp_verify.py            # hand-made cases + random routes
    python benchmarks/experiments/trsp_pyvrp_verify.py --random 20000 --skills profile

1. Hand-made tiny instances (written in the TRSP format): for each route, PyVRP's
   ``Route(data, activities, vehicle_type)`` feasibility (no excess load, no time warp) and
   ``duration()/SCALE`` must equal the checker's ``check_tour`` verdict and working time.
2. Random routes on the 29 real instances (random technician, random requests in window order,
   restock visit at a random position or none): same comparison; the only disagreements allowed
   are the rounding ones (checker-feasible tours whose slack is below the ceil rounding).
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import random
import sys
import tempfile
from pathlib import Path

from pyvrp import Activity, ActivityType, Route

sys.path.insert(0, str(Path(__file__).parent))
from trsp_pyvrp import CHECKER, build, read  # noqa: E402

spec = importlib.util.spec_from_file_location("checker", CHECKER)
checker = importlib.util.module_from_spec(spec)
spec.loader.exec_module(checker)

HEADER = """{name}

INFO
CREW COUNT  SKILLS  TOOLS   SPARE PARTS
{crew}      2       2       2

DEPOT TECHNICIANS AND REQUESTS
ID   X     Y     TWS    TWE    Serv   SKILLS   TOOLS    SPARE PARTS
"""


def write_instance(folder: Path, name: str, crew: int, rows: list[str]) -> Path:
    path = folder / f"{name}.txt"
    body = "\n".join(f"{i} {r}" for i, r in enumerate(rows))
    path.write_text(HEADER.format(name=name, crew=crew) + body + "\n")
    return path


def pyvrp_route(inst: dict, data, tech: int, stops: list[int]) -> Route:
    crew = inst["crew"]
    acts = [
        Activity(ActivityType.DEPOT, 0) if s == 0 else Activity(ActivityType.CLIENT, s - crew - 1)
        for s in stops
    ]
    return Route(data, acts, tech - 1)  # vehicle type index = home id - 1


def compare(inst, data, scale, tech, stops):
    """(checker feasible, pyvrp feasible, checker wt, pyvrp wt, why)."""
    err, wt, _ = checker.check_tour(inst, tech, stops)
    route = pyvrp_route(inst, data, tech, stops)
    return (not err, route.is_feasible(), wt, route.duration() / scale, err, route)


# Hand-made cases: (name, crew, node rows, [(tech, stops, expect_feasible, expect_wt or None)]).
# Node rows: "X Y TWS TWE Serv [skills] [tools] [parts]".
CASES = [
    (
        "tools",  # tech 1 lacks tool 0, tech 2 has it; request 3 needs tool 0
        2,
        [
            "0 0 0 1000 0 [] [] []",
            "10 0 0 1000 0 [0] [1] [0,0]",
            "10 0 0 1000 0 [0] [0] [0,0]",
            "20 0 0 1000 5 [0] [0] [0,0]",
            "0 10 0 1000 5 [] [] [0,0]",
        ],
        [
            (1, [3], False, None),  # no tool, no restock
            (1, [3, 0], False, None),  # restock too late
            (1, [0, 3], True, 10 + 20 + 5 + 10),  # restock first
            (1, [4, 0, 3], True, math.hypot(10, 10) + 5 + 10 + 20 + 5 + 10),
            (2, [3], True, 10 + 5 + 10),  # has the tool
            (1, [4], True, 2 * math.hypot(10, 10) + 5),
        ],
    ),
    (
        "parts",  # tech 1: 2 units of part 0; requests need 1, 2, 1 units
        1,
        [
            "0 0 0 1000 0 [] [] []",
            "10 0 0 1000 0 [] [] [2,0]",
            "20 0 0 1000 1 [] [] [1,0]",
            "30 0 0 1000 1 [] [] [2,0]",
            "40 0 0 1000 1 [] [] [1,1]",
        ],
        [
            (1, [2], True, 21),
            (1, [3], True, 41),
            (1, [2, 3], False, None),  # 3 units > 2
            (1, [3, 2], False, None),
            (1, [2, 0, 3], True, 10 + 1 + 20 + 30 + 1 + 20),
            (1, [0, 2, 3, 4], True, 10 + 40 + 3 + 30),  # everything after a restock
            (1, [4], False, None),  # part 1 not in the van
            (1, [2, 3, 0], False, None),
        ],
    ),
    (
        "skills",  # tech 1 has skill 0 only; request 2 needs skill 1 (never restockable)
        1,
        [
            "0 0 0 1000 0 [] [] []",
            "10 0 0 1000 0 [0] [0,1] [5,5]",
            "20 0 0 1000 1 [1] [] [0,0]",
            "20 5 0 1000 1 [0] [] [0,0]",
        ],
        [
            (1, [2], False, None),
            (1, [0, 2], False, None),
            (1, [3], True, 2 * math.hypot(10, 5) + 1),
        ],
    ),
    (
        "time",  # waiting, latest start, late arrival, late return
        1,
        [
            "50 50 0 1000 0 [] [] []",
            "0 0 0 100 0 [] [] [0,0]",
            "3 4 20 30 5 [] [] [0,0]",  # dist 5 from home
            "3 8 60 70 5 [] [] [0,0]",  # dist 4 from node 2
            "0 60 0 1000 0 [] [] [0,0]",  # 60 from home
        ],
        [
            (1, [2], True, 5 + 5 + 5),  # start delayed to 15: no wait counted
            (1, [2, 3], True, 5 + 5 + 4 + 21 + 5 + math.hypot(3, 8)),  # start 25, wait 21
            (1, [3, 2], False, None),  # 2 is closed by then
            (1, [4, 2], False, None),  # home-late? 60+60+... >100: late at 2 first
            (1, [4], False, None),  # back home at 120 > 100
        ],
    ),
    (
        "depot",  # main depot: window [40, 50] and 7 minutes of service
        1,
        [
            "10 0 40 50 7 [] [] []",
            "0 0 0 1000 0 [0] [] [0,0]",
            "0 5 0 1000 1 [] [0] [0,0]",  # needs tool 0
            "0 20 0 1000 1 [] [] [0,0]",
        ],
        [
            (1, [0, 2], True, 10 + 7 + math.hypot(10, 5) + 1 + 5),  # start delayed to 30
            (1, [3, 0, 2], True, 20 + 1 + math.hypot(10, 20) + 7 + math.hypot(10, 5) + 1 + 5),
        ],
    ),
    (
        "depotwait",  # depot opens late: waiting at the depot is unavoidable here
        1,
        [
            "10 0 100 200 0 [] [] []",
            "0 0 0 1000 0 [] [] [0,0]",
            "0 5 0 20 1 [] [0] [0,0]",  # window closes at 20, before the depot opens
            "0 20 0 30 1 [] [] [0,0]",  # must be served by 30
            "0 30 110 300 1 [] [0] [0,0]",
        ],
        [
            # start 10 (3 closes at 30), wait at the depot until it opens at 100
            (
                1,
                [3, 0, 4],
                True,
                20
                + 1
                + math.hypot(10, 20)
                + (100 - 10 - 21 - math.hypot(10, 20))
                + math.hypot(10, 30)
                + 1
                + 30,
            ),
            (1, [0, 2], False, None),
        ],
    ),
]


def hand_cases(scale: int, skills: str, load_scale: int) -> int:
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, crew, rows, routes in CASES:
            path = write_instance(Path(tmp), name, crew, rows)
            inst = read(path)
            cinst = checker.read(str(path))
            data = build(inst, scale, skills, load_scale)
            for tech, stops, feas, wt in routes:
                ok_c, ok_p, wt_c, wt_p, why, route = compare(cinst, data, scale, tech, stops)
                exp_ok = ok_c == feas and ok_p == feas
                exp_wt = not feas or (
                    abs(wt_c - wt) < 1e-6 and 0 <= wt_p - wt_c <= (len(stops) + 1) / scale + 1e-9
                )
                status = "ok " if exp_ok and exp_wt else "BAD"
                bad += status == "BAD"
                print(
                    f"{status} {name:9s} tech {tech} {stops}: checker {ok_c} {wt_c:.4f} ({why}) "
                    f"| pyvrp {ok_p} {wt_p:.4f} tw={route.time_warp()} "
                    f"excess={route.excess_load()} | expected {feas} {wt}"
                )
    return bad


def relaxed(cinst: dict, times: bool) -> dict:
    """A copy of the checker's instance with only time (times=True) or only resources checked."""
    nodes = []
    for n in cinst["nodes"]:
        n = dict(n)
        if times:
            n.update(skills=set(), tools=set(), parts=[0] * len(n["parts"]))
        else:
            n.update(tw=(0.0, 1e12))
        nodes.append(n)
    return dict(cinst, nodes=nodes)


def random_routes(n: int, scale: int, skills: str, load_scale: int, seed: int) -> int:
    """Random routes, compared per constraint family and as a whole.

    Half the routes are built greedily (requests the technician has the skills for, in window
    order, kept only while the time-only check passes), so that long feasible routes occur.
    With --skills load: PyVRP time warp <=> checker time-only verdict; PyVRP excess load <=>
    checker resource-only verdict. With --skills profile a skill violation shows as time warp,
    so time is compared on skill-feasible routes only. Always: feasible <=> feasible, and
    0 <= PyVRP duration - working time <= (#legs)/SCALE.
    """
    rng = random.Random(seed)
    folder = Path("/work/shared/benchmarks/trsp")
    paths = sorted(folder.glob("*.txt"))
    insts = {}
    for p in paths:
        c = checker.read(str(p))
        insts[p] = (
            read(p),
            c,
            relaxed(c, True),
            relaxed(c, False),
            build(read(p), scale, skills, load_scale),
        )
    st = dict(
        routes=0,
        both_feasible=0,
        both_infeasible=0,
        rounding_only=0,
        mismatch=0,
        time_checked=0,
        resource_checked=0,
        with_restock=0,
        feasible_with_restock=0,
        max_legs=0,
        max_wt_err=0.0,
    )
    reasons: dict[str, int] = {}
    for _ in range(n):
        p = rng.choice(paths)
        inst, cinst, tinst, rinst, data = insts[p]
        crew = inst["crew"]
        nodes = inst["nodes"]
        reqs = list(range(crew + 1, len(nodes)))
        tech = rng.randint(1, crew)
        if rng.random() < 0.5:
            chosen = rng.sample(reqs, rng.randint(1, 8))
            chosen.sort(key=lambda r: sum(nodes[r]["tw"]) + rng.uniform(-30, 30))
        else:
            pool = [r for r in reqs if nodes[r]["skills"] <= nodes[tech]["skills"]]
            pool.sort(key=lambda r: nodes[r]["tw"][0] + rng.uniform(-20, 20))
            chosen = []
            for r in pool:
                if rng.random() < 0.5 and not checker.check_tour(tinst, tech, chosen + [r])[0]:
                    chosen.append(r)
        if not chosen:
            continue
        if rng.random() < 0.6:
            chosen.insert(rng.randint(0, len(chosen)), 0)
        st["routes"] += 1
        st["with_restock"] += 0 in chosen
        st["max_legs"] = max(st["max_legs"], len(chosen) + 1)
        ok_c, ok_p, wt_c, wt_p, why, route = compare(cinst, data, scale, tech, chosen)
        key = why.split(" at node")[0].split(" (")[0] if why else "feasible"
        reasons[key] = reasons.get(key, 0) + 1
        legs = len(chosen) + 1
        time_ok = not checker.check_tour(tinst, tech, chosen)[0]
        res_ok = not checker.check_tour(rinst, tech, chosen)[0]
        skill_ok = all(nodes[r]["skills"] <= nodes[tech]["skills"] for r in chosen if r)
        rounding = time_ok and route.time_warp() > 0 and route.time_warp() <= legs
        bad = False
        if skills == "load" or skill_ok:
            st["time_checked"] += 1
            bad |= time_ok != (not route.has_time_warp()) and not rounding
        if skills == "load":
            st["resource_checked"] += 1
            bad |= res_ok != (not route.has_excess_load())
        if ok_c and ok_p:
            st["both_feasible"] += 1
            st["feasible_with_restock"] += 0 in chosen
            err = wt_p - wt_c
            st["max_wt_err"] = max(st["max_wt_err"], err)
            bad |= not (-1e-9 <= err <= legs / scale + 1e-9)
        elif not ok_c and not ok_p:
            st["both_infeasible"] += 1
        elif ok_c and rounding and not route.has_excess_load():
            st["rounding_only"] += 1  # feasible by less than the ceil rounding
        else:
            bad = True
        if bad:
            st["mismatch"] += 1
            print(
                "MISMATCH",
                p.stem,
                tech,
                chosen,
                ok_c,
                why,
                "time",
                time_ok,
                "res",
                res_ok,
                "| pyvrp",
                ok_p,
                route.time_warp(),
                route.excess_load(),
                wt_c,
                wt_p,
            )
    print("random routes:", st)
    print("checker verdicts:", reasons)
    return st["mismatch"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=int, default=1000)
    ap.add_argument("--skills", choices=["load", "profile"], default="profile")
    ap.add_argument("--load-scale", type=int, default=1000)
    ap.add_argument("--random", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    bad = hand_cases(args.scale, args.skills, args.load_scale)
    bad += random_routes(args.random, args.scale, args.skills, args.load_scale, args.seed)
    print("FAILURES:", bad)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
