"""Generate ``city_day.json``: one working day of appliance service in Lyon (seeded, reproducible).

Jobs, engineers, spare parts (vans, two depots, a compressor arriving at 14:00) and SLA clocks
on two tiers. Run ``python examples/make_city_day.py`` to rewrite the file; same seed, same day.
"""

from __future__ import annotations

import argparse
import json
import math
import random
from pathlib import Path
from typing import Any

CENTRE = (45.7640, 4.8357)  # Lyon, Place Bellecour
RADIUS_KM = 5.5
DAY = "2026-03-10"
TZ = "+01:00"
LUNCH = {
    "window": {"start": f"{DAY}T11:30:00{TZ}", "end": f"{DAY}T14:00:00{TZ}"},
    "duration_minutes": 30,
}

# Appointment slots a call centre offers; None is "any time today".
SLOTS = {
    "morning": ("08:00", "12:00"),
    "afternoon": ("12:00", "16:30"),
    "all_day": None,
}

# kind -> (skill, base minutes range, levels a job may need, how many today)
JOB_KINDS: dict[str, tuple[str, tuple[int, int], tuple[int, ...], int]] = {
    "fridge_repair": ("fridge", (30, 50), (1, 1, 2), 12),
    "washer_repair": ("washer", (30, 45), (1, 1, 2), 12),
    "aircon_service": ("aircon", (45, 70), (1, 2), 9),
    "smart_home_install": ("smart_home", (90, 110), (1, 2, 3), 6),
}


def _at(clock: str, day: str = DAY) -> str:
    return f"{day}T{clock}:00{TZ}"


PARTS = [
    {"sku": "compressor", "name": "fridge compressor"},
    {"sku": "refrigerant", "name": "R600a refrigerant can"},
    {"sku": "drain_pump", "name": "washing machine drain pump"},
    {"sku": "pcb", "name": "appliance control board"},
]

# What each van carries at the start of the day: consumables, and a spare board in Emma's van.
VAN_STOCK: dict[str, dict[str, int]] = {
    "amelie": {"refrigerant": 2, "drain_pump": 1},
    "bruno": {"drain_pump": 1},
    "chloe": {"refrigerant": 1},
    "driss": {},
    "emma": {"refrigerant": 1, "pcb": 1},
    "farid": {},
}

# Vaise (north-west) keeps the big parts and is open all day; Gerland (south) is a counter that
# closes at noon. The last compressor is in Vaise; another one is due there at 14:00.
DEPOTS = [
    {
        "id": "vaise",
        "location": {"lat": 45.7772, "lon": 4.8047},
        "opening_hours": [{"start": _at("07:30"), "end": _at("17:30")}],
        "stock": {"compressor": 1, "pcb": 2, "drain_pump": 2},
        "pickup_minutes": 10,
    },
    {
        "id": "gerland",
        "location": {"lat": 45.7289, "lon": 4.8322},
        "opening_hours": [{"start": _at("08:00"), "end": _at("12:00")}],
        "stock": {"refrigerant": 6, "drain_pump": 3},
        "pickup_minutes": 10,
    },
]
PART_ARRIVALS = [
    {"sku": "compressor", "quantity": 1, "depot_id": "vaise", "expected_at": _at("14:00")}
]

# Urgent: on site within 4 real hours of the call. Standard: on site within 24 business hours.
SLA_POLICIES = [
    {
        "name": "urgent-4h",
        "stages": [
            {"name": "respond", "target_minutes": 60, "clock": "wall_clock"},
            {"name": "on_site", "target_minutes": 240, "clock": "wall_clock"},
        ],
    },
    {
        "name": "standard-24bh",
        "stages": [
            {"name": "respond", "target_minutes": 240, "clock": "business"},
            {"name": "on_site", "target_minutes": 1440, "clock": "business"},
        ],
    },
]
SLA_TIERS = {"urgent": "urgent-4h", "standard": "standard-24bh"}
CALENDAR = {
    "time_zone": "Europe/Paris",
    "working_hours": {d: ["08:00-18:00"] for d in ("mon", "tue", "wed", "thu", "fri")},
    "holiday_country": "FR",
}
# When standard tickets were opened: a backlog from Thursday afternoon (due this morning),
# Friday (due today from 10:00) or Monday (due tomorrow or later).
OPENED_ON = [
    ("2026-03-05", 15, 17),
    ("2026-03-06", 8, 17),
    ("2026-03-09", 8, 17),
    ("2026-03-09", 8, 17),
]


def _point(rng: random.Random) -> dict[str, float]:
    """A uniformly random address within ``RADIUS_KM`` of the centre."""
    r = RADIUS_KM * math.sqrt(rng.random())
    theta = rng.uniform(0, 2 * math.pi)
    lat = CENTRE[0] + r * math.cos(theta) / 111.32
    lon = CENTRE[1] + r * math.sin(theta) / (111.32 * math.cos(math.radians(CENTRE[0])))
    return {"lat": round(lat, 5), "lon": round(lon, 5)}


def _engineers(rng: random.Random) -> list[dict[str, Any]]:
    # name: (skills, shift, lunch?, cost per hour, max working minutes)
    team: dict[str, tuple[dict[str, int], tuple[str, str], bool, float, float | None]] = {
        "amelie": ({"fridge": 3, "washer": 2}, ("08:00", "17:00"), True, 48.0, None),
        "bruno": ({"washer": 2, "fridge": 1}, ("08:00", "17:00"), True, 38.0, None),
        "chloe": ({"aircon": 2, "smart_home": 1}, ("08:00", "17:00"), True, 42.0, None),
        # The only senior installer: smart-home jobs at level 3 have no one else.
        "driss": ({"smart_home": 3, "aircon": 1}, ("08:30", "17:30"), True, 55.0, None),
        "emma": ({"fridge": 2, "washer": 1, "aircon": 1}, ("08:00", "17:00"), True, 40.0, None),
        # Part-time mornings, no lunch break in a six-hour shift.
        "farid": ({"smart_home": 2, "washer": 1}, ("07:30", "13:30"), False, 36.0, 360.0),
    }
    out = []
    for name, (skills, (start, end), lunch, per_hour, max_minutes) in team.items():
        engineer: dict[str, Any] = {
            "id": name,
            "start_location": _point(rng),
            "shifts": [{"start": _at(start), "end": _at(end), "breaks": [LUNCH] if lunch else []}],
            "skills": skills,
            "cost_per_hour": per_hour,
            "cost_per_km": round(rng.uniform(0.35, 0.45), 2),
            "overtime_minutes": 30,
            "overtime_cost_per_hour": per_hour * 1.5,
            "van_stock": VAN_STOCK[name],
        }
        if max_minutes is not None:
            engineer["max_working_minutes"] = max_minutes
        out.append(engineer)
    return out


def _jobs(rng: random.Random) -> list[dict[str, Any]]:
    kinds = [kind for kind, spec in JOB_KINDS.items() for _ in range(spec[3])]
    rng.shuffle(kinds)
    jobs = []
    for n, kind in enumerate(kinds, start=1):
        skill, (lo, hi), levels, _ = JOB_KINDS[kind]
        level = rng.choice(levels)
        slot = SLOTS[rng.choice(["morning", "morning", "afternoon", "afternoon", "all_day"])]
        job: dict[str, Any] = {
            "id": f"WO-{1000 + n}-{kind}",
            "location": _point(rng),
            "duration_minutes": rng.randrange(lo, hi + 1, 5),
            "skills": [{"skill": skill, "level": level}],
        }
        if slot is not None:
            job["time_windows"] = [{"start": _at(slot[0]), "end": _at(slot[1])}]
        if kind == "smart_home_install":
            # A senior installer needs about a third less time on site.
            job["duration_by_level"] = {"3": round(job["duration_minutes"] * 0.65)}
        jobs.append(job)

    # Urgent breakdowns: a fridge that stopped cooling cannot wait until the afternoon.
    for job in [j for j in jobs if "fridge" in j["id"]][:3]:
        job["priority"] = 8
        job["time_windows"] = [{"start": _at("08:00"), "end": _at("11:00")}]
    # Yearly maintenance visits: nice to do today, each worth its penalty in money.
    for job in [j for j in jobs if "aircon" in j["id"] and "priority" not in j][:2]:
        job["optional"] = True
        job["penalty"] = 60.0
        job.pop("time_windows", None)
    # A regular customer asks for Amélie; another does not want Bruno back.
    washers = [j for j in jobs if "washer" in j["id"]]
    washers[0]["preferred_engineers"] = ["amelie"]
    washers[1]["excluded_engineers"] = ["bruno"]
    # A customer who wants the engineer in the afternoon, but would rather early than late.
    late = washers[2]
    late["time_windows"] = [{"start": _at("12:00"), "end": _at("16:30")}]
    late["soft_window"] = {"start": _at("13:00"), "end": _at("14:00"), "late_cost_per_hour": 20.0}
    # A rooftop unit needs an aircon level-3 engineer; nobody on today's team is one, so the plan
    # has to say so rather than drop it silently.
    rooftop = [j for j in jobs if "aircon" in j["id"] and "optional" not in j][-1]
    rooftop["skills"] = [{"skill": "aircon", "level": 3}]
    _parts_and_sla(rng, jobs)
    return jobs


def _parts_and_sla(rng: random.Random, jobs: list[dict[str, Any]]) -> None:
    """Spare parts a few jobs need, and every mandatory job's SLA tier and clock."""
    fridges = [j for j in jobs if "fridge" in j["id"]]
    urgent, others = fridges[:3], [j for j in fridges[3:] if "preferred_engineers" not in j]
    # A dead control board: Emma carries one, Vaise has two.
    urgent[0]["parts"] = [{"sku": "pcb", "quantity": 1}]
    # Two compressors wanted: Vaise's last one, and the one due at 14:00 (afternoon visit).
    others[0]["parts"] = [{"sku": "compressor", "quantity": 1}]
    others[1]["parts"] = [{"sku": "compressor", "quantity": 1}]
    others[1]["time_windows"] = [{"start": _at("12:00"), "end": _at("17:00")}]
    others[2]["parts"] = [{"sku": "refrigerant", "quantity": 1}]
    washers = [j for j in jobs if "washer" in j["id"]]
    for job in washers[3:6]:
        job["parts"] = [{"sku": "drain_pump", "quantity": 1}]
    for job in urgent:
        job["sla_tier"] = "urgent"
        called = 6 * 60 + rng.randrange(0, 120, 5)
        job["sla"] = {"started_at": _at(f"{called // 60:02d}:{called % 60:02d}")}
    for job in jobs:
        if "sla_tier" in job or job.get("optional"):
            continue
        day, first, last = rng.choice(OPENED_ON)
        opened = rng.randrange(first * 60, last * 60, 5)
        job["sla_tier"] = "standard"
        job["sla"] = {"started_at": _at(f"{opened // 60:02d}:{opened % 60:02d}", day)}


def make_city_day(seed: int = 7) -> dict[str, Any]:
    """The problem JSON for one day in Lyon: ~40 jobs, 6 engineers, costs in euros, spare parts
    and SLA clocks."""
    rng = random.Random(seed)
    return {
        "name": f"Lyon appliance service, {DAY}",
        "engineers": _engineers(rng),
        "jobs": _jobs(rng),
        "travel": {"kind": "haversine", "speed_kmh": 25.0, "detour_factor": 1.35},
        "objective": {"kind": "cost"},
        "parts": PARTS,
        "depots": DEPOTS,
        "part_arrivals": PART_ARRIVALS,
        "sla_policies": SLA_POLICIES,
        "sla_tiers": SLA_TIERS,
        "sla_mode": {"kind": "soft"},
        "calendar": CALENDAR,
    }


def main() -> None:
    """Write the example next to this script (or where ``--out`` says)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("city_day.json"))
    args = parser.parse_args()
    args.out.write_text(json.dumps(make_city_day(args.seed), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
