"""Hypothesis strategies for random small dispatch days that always build a valid ``Problem``.

Locations are whole kilometres on a 20 x 20 km x/y grid driven at 60 km/h (1 km = 1 minute);
times are whole minutes on Monday 2024-03-04 (UTC), so a failing example can be replayed by hand.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from dispatchopt.matrices import problem_matrices
from dispatchopt.models import Plan, Problem
from tests.days import Day

DAY = Day(date(2024, 3, 4))
SKILLS = ("gas", "electric", "water")

PROPERTY_SETTINGS = settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""Deterministic and small: the same 25 examples on every run, so the suite stays fast."""


def _window(start: int, end: int) -> dict[str, datetime]:
    return {"start": DAY.after(minutes=start), "end": DAY.after(minutes=end)}


_place = st.builds(lambda x, y: {"x": x, "y": y}, st.integers(0, 20), st.integers(0, 20))


@st.composite
def _shift(draw: st.DrawFn, start: int, end: int) -> dict[str, Any]:
    """A shift from ``start`` to ``end`` (minutes) with at most one break inside it."""
    breaks = []
    if end - start >= 240 and draw(st.booleans()):
        opens = draw(st.integers(start + 60, end - 120))
        closes = draw(st.integers(opens + 45, min(opens + 150, end)))
        minutes = draw(st.integers(15, min(45, closes - opens)))
        breaks.append({"window": _window(opens, closes), "duration_minutes": minutes})
    return {"start": DAY.after(minutes=start), "end": DAY.after(minutes=end), "breaks": breaks}


@st.composite
def _engineer(draw: st.DrawFn, eid: str) -> dict[str, Any]:
    if draw(st.integers(0, 4)) == 0:
        shifts = [draw(_shift(8 * 60, 12 * 60)), draw(_shift(13 * 60, 17 * 60))]
    else:
        start = draw(st.sampled_from([7 * 60, 8 * 60, 9 * 60]))
        shifts = [draw(_shift(start, start + draw(st.sampled_from([240, 360, 480, 600]))))]
    return {
        "id": eid,
        "start_location": draw(_place),
        "end_location": draw(st.none() | _place),
        "shifts": shifts,
        "skills": draw(
            st.dictionaries(st.sampled_from(SKILLS), st.integers(1, 3), min_size=1, max_size=3)
        ),
        "capacity": draw(st.none() | st.integers(2, 10)),
        "max_working_minutes": draw(st.none() | st.sampled_from([180, 300, 480])),
        "cost_per_hour": draw(st.sampled_from([20.0, 35.0, 50.0])),
        "cost_per_km": draw(st.sampled_from([0.0, 0.3])),
        "overtime_minutes": draw(st.sampled_from([0, 0, 30])),
        "overtime_cost_per_hour": 60.0,
    }


@st.composite
def _windows(draw: st.DrawFn) -> list[dict[str, datetime]]:
    """Zero to two disjoint appointment windows between 07:00 and 19:00."""
    out = []
    opens = draw(st.integers(7 * 60, 14 * 60))
    for _ in range(draw(st.integers(0, 2))):
        closes = opens + draw(st.sampled_from([30, 60, 120, 240]))
        if closes > 19 * 60:
            break
        out.append(_window(opens, closes))
        opens = closes + draw(st.integers(30, 180))
    return out


@st.composite
def _job(draw: st.DrawFn, jid: str, engineer_ids: list[str], earlier: list[str]) -> dict[str, Any]:
    skills: list[dict[str, Any]] = [
        {"skill": s, "level": draw(st.sampled_from([1, 1, 2, 3]))}
        for s in draw(st.lists(st.sampled_from(SKILLS), max_size=2, unique=True))
    ]
    minutes = draw(st.integers(5, 90))
    by_level: dict[int, int] = {}
    if len(skills) > 0 and draw(st.booleans()):
        by_level = {skills[0]["level"] + 1: max(1, minutes // 2)}
    windows = draw(_windows())
    required: list[str] = []
    excluded: list[str] = []
    restriction = draw(st.integers(0, 5))
    if restriction == 0:
        required = draw(st.lists(st.sampled_from(engineer_ids), min_size=1, unique=True))
    elif restriction == 1 and len(engineer_ids) > 1:
        excluded = [draw(st.sampled_from(engineer_ids))]
    allowed = required or [e for e in engineer_ids if e not in excluded]
    lock = None
    if draw(st.integers(0, 7)) == 0:
        lock_start = None
        if draw(st.booleans()):
            lock_start = (
                windows[0]["start"]
                if windows
                else DAY.after(minutes=draw(st.integers(9 * 60, 15 * 60)))
            )
        lock = {"engineer_id": draw(st.sampled_from(allowed)), "start": lock_start}
    optional = draw(st.integers(0, 3)) == 0
    return {
        "id": jid,
        "location": draw(_place),
        "duration_minutes": minutes,
        "duration_by_level": by_level,
        "time_windows": windows,
        "earliest_start": DAY.after(minutes=draw(st.integers(8 * 60, 12 * 60)))
        if draw(st.integers(0, 5)) == 0
        else None,
        "priority": draw(st.integers(0, 3)),
        "skills": skills,
        "required_engineers": required,
        "preferred_engineers": [draw(st.sampled_from(allowed))]
        if draw(st.integers(0, 5)) == 0
        else [],
        "excluded_engineers": excluded,
        "optional": optional,
        "penalty": float(draw(st.sampled_from([5, 50, 500]))) if optional else None,
        "demand": draw(st.integers(0, 3)),
        # Only earlier jobs, so precedence can never form a cycle.
        "after": [draw(st.sampled_from(earlier))]
        if earlier and draw(st.integers(0, 5)) == 0
        else [],
        "lock": lock,
    }


SKUS = ("compressor", "drain_pump", "pcb")
TOOLS = ("torque_wrench", "leak_detector")


def _stock(max_units: int) -> st.SearchStrategy[dict[str, int]]:
    return st.dictionaries(st.sampled_from(SKUS), st.integers(0, max_units), max_size=len(SKUS))


@st.composite
def _depot(draw: st.DrawFn, did: str) -> dict[str, Any]:
    """A depot somewhere on the grid, sometimes with opening hours, a tool, or unlimited stock."""
    hours = []
    if draw(st.booleans()):
        opens = draw(st.integers(7 * 60, 11 * 60))
        hours = [_window(opens, opens + draw(st.sampled_from([60, 180, 360, 600])))]
    return {
        "id": did,
        "location": draw(_place),
        "opening_hours": hours,
        "stock": draw(_stock(2)),
        "pickup_minutes": draw(st.sampled_from([5, 10, 15])),
        "unlimited": draw(st.integers(0, 5)) == 0,
        "tools": draw(st.lists(st.sampled_from(TOOLS), max_size=1)),
    }


_SLA_POLICIES = [
    {
        "name": "urgent-4h",
        "stages": [{"name": "on_site", "target_minutes": 240, "clock": "wall_clock"}],
    },
    # Business time on the calendar below: 4 open hours, Monday to Friday 08:00-18:00.
    {"name": "standard-4bh", "stages": [{"name": "on_site", "target_minutes": 240}]},
]


@st.composite
def _parts_and_sla(
    draw: st.DrawFn, engineers: list[dict[str, Any]], jobs: list[dict[str, Any]]
) -> dict[str, Any]:
    """Parts, depots, tools, arrivals and SLA clocks laid over a drawn day (changes the dicts)."""
    depots = [draw(_depot(f"d{i + 1}")) for i in range(draw(st.integers(0, 2)))]
    arrivals = [
        {
            "sku": draw(st.sampled_from(SKUS)),
            "quantity": draw(st.integers(1, 2)),
            "depot_id": draw(st.sampled_from([d["id"] for d in depots])),
            "expected_at": DAY.after(minutes=draw(st.integers(9 * 60, 20 * 60))),
        }
        for _ in range(draw(st.integers(0, 2) if depots else st.just(0)))
    ]
    for eng in engineers:
        eng["van_stock"] = draw(_stock(2))
        eng["tools"] = draw(st.lists(st.sampled_from(TOOLS), max_size=1))
    for job in jobs:
        if draw(st.integers(0, 2)) == 0:
            job["parts"] = [
                {"sku": sku, "quantity": draw(st.integers(1, 2))}
                for sku in draw(
                    st.lists(st.sampled_from(SKUS), min_size=1, max_size=2, unique=True)
                )
            ]
        if draw(st.integers(0, 5)) == 0:
            job["tools"] = [draw(st.sampled_from(TOOLS))]
        if draw(st.integers(0, 2)) == 0:
            job["sla_tier"] = draw(st.sampled_from(["urgent", "standard"]))
            job["sla"] = {"started_at": DAY.after(minutes=draw(st.integers(0, 14 * 60)))}
    return {
        "parts": [{"sku": sku} for sku in SKUS],
        "depots": depots,
        "part_arrivals": arrivals,
        "sla_policies": _SLA_POLICIES,
        "sla_tiers": {"urgent": "urgent-4h", "standard": "standard-4bh"},
        "sla_mode": {"kind": draw(st.sampled_from(["soft", "hard"]))},
        "calendar": {"time_zone": "UTC"},
    }


@st.composite
def problems(
    draw: st.DrawFn, max_jobs: int = 8, max_engineers: int = 3, with_parts: bool = False
) -> Problem:
    """A random small day: 1-``max_jobs`` jobs and 1-``max_engineers`` engineers.

    ``with_parts`` adds spare parts (van stock, depots with hours, stock, tools and arrivals),
    job parts and tools, and SLA clocks on two tiers (hard or soft) to most drawn days.
    """
    engineer_ids = [f"e{i + 1}" for i in range(draw(st.integers(1, max_engineers)))]
    engineers = [draw(_engineer(eid)) for eid in engineer_ids]
    jobs: list[dict[str, Any]] = []
    for i in range(draw(st.integers(1, max_jobs))):
        jobs.append(draw(_job(f"j{i + 1}", engineer_ids, [j["id"] for j in jobs])))
    extra = draw(_parts_and_sla(engineers, jobs)) if with_parts and draw(st.integers(0, 4)) else {}
    return DAY.problem(jobs, engineers, name="random day", **extra)


@st.composite
def single_visits(draw: st.DrawFn) -> tuple[Problem, Plan]:
    """One engineer, one windowed job, and a valid plan built by hand for it.

    The shift (06:00-23:00) is wide enough that moving the visit up to two hours either side of
    its window breaks nothing but the window: the seed for mutation tests of the validator.
    """
    opens = draw(st.integers(9 * 60, 15 * 60))
    closes = opens + draw(st.sampled_from([0, 30, 60, 120]))
    minutes = draw(st.integers(5, 60))
    problem = DAY.problem(
        [
            {
                "id": "visit",
                "location": draw(_place),
                "duration_minutes": minutes,
                "time_windows": [_window(opens, closes)],
            }
        ],
        [
            {
                "id": "solo",
                "start_location": draw(_place),
                "shifts": [{"start": DAY.at("06:00"), "end": DAY.at("23:00")}],
            }
        ],
    )
    m = problem_matrices(problem)
    out = timedelta(seconds=m.duration(m.start_point["solo"], m.job_point["visit"]))
    back = timedelta(seconds=m.duration(m.job_point["visit"], m.end_point["solo"]))
    start = DAY.after(minutes=draw(st.integers(opens, closes)))
    end = start + timedelta(minutes=minutes)
    plan = Plan.model_validate(
        {
            "routes": [
                {
                    "engineer_id": "solo",
                    "departure": start - out,
                    "arrival": end + back,
                    "stops": [{"job_id": "visit", "arrival": start, "start": start, "end": end}],
                }
            ]
        }
    )
    return problem, plan
