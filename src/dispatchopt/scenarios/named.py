"""The named scenarios shipped in examples/scenarios/, and how each is generated."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from dispatchopt.errors import InputError
from dispatchopt.scenarios.generator import generate_scenario
from dispatchopt.scenarios.scenario import Scenario

NAMED: dict[str, dict[str, Any]] = {
    "quiet_tuesday": {
        "size": 45,
        "engineers": 10,
        # Seed 11 drew 20 same-day calls of 45 (expected about 13): not a quiet day.
        "seed": 17,
        "options": {
            "day": date(2026, 6, 2),
            "name": "quiet Tuesday",
            "description": "A calm Tuesday: 45 jobs, 10 engineers, 80% booked the day before.",
            "overnight_share": 0.8,
        },
    },
    "heatwave_monday": {
        "size": 150,
        "engineers": 12,
        "seed": 12,
        "options": {
            "day": date(2026, 6, 29),
            "name": "Monday after a heat wave",
            "description": "Air conditioners failed over a hot weekend: 150 jobs, 55% AC, many "
            "same-day calls and emergencies, the same 12 engineers.",
            "job_mix": {"fridge": 0.2, "washer": 0.1, "aircon": 0.55, "smart_home": 0.15},
            "priority_mix": {"standard": 0.5, "urgent": 0.3, "emergency": 0.2},
            "overnight_share": 0.5,
        },
    },
    "engineer_off_sick": {
        "size": 60,
        "engineers": 10,
        "seed": 13,
        "options": {
            "day": date(2026, 6, 3),
            "name": "engineer off sick",
            "description": "A normal Wednesday (60 jobs) planned overnight for 10 engineers; "
            "one calls in sick 45 minutes before their shift.",
            "sick_engineers": 1,
        },
    },
}
"""Name -> the generator arguments behind the shipped file (rewrite with :func:`write_named`)."""


def named_scenario(name: str) -> Scenario:
    """Generate the named scenario (the same content as its shipped JSON file)."""
    if name not in NAMED:
        raise InputError([("scenario", name, f"unknown; named scenarios are {sorted(NAMED)}")])
    spec = NAMED[name]
    return generate_scenario(spec["size"], spec["engineers"], spec["seed"], **spec["options"])


def write_named(directory: str | Path) -> list[Path]:
    """Write every named scenario as ``<name>.json`` into ``directory``."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in sorted(NAMED):
        path = out / f"{name}.json"
        named_scenario(name).save(path)
        paths.append(path)
    return paths
