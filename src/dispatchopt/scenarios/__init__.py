"""Seeded field-service days (a city, engineers, jobs arriving over the day) and named scenarios."""

from dispatchopt.scenarios.generator import DayOptions, generate_day, generate_scenario
from dispatchopt.scenarios.named import NAMED, named_scenario, write_named
from dispatchopt.scenarios.national import generate_national_day
from dispatchopt.scenarios.redraw import redraw
from dispatchopt.scenarios.scenario import (
    EngineerOff,
    Event,
    JobArrives,
    JobCancelled,
    PartArrives,
    Scenario,
)

__all__ = [
    "NAMED",
    "DayOptions",
    "EngineerOff",
    "Event",
    "JobArrives",
    "JobCancelled",
    "PartArrives",
    "Scenario",
    "generate_day",
    "generate_national_day",
    "generate_scenario",
    "named_scenario",
    "redraw",
    "write_named",
]
