"""A seeded national day: one generated city day per region, side by side on a map of the
country, ids prefixed by city (``c03-j0042``, ``c03-e07``), for planning by regions."""

from __future__ import annotations

import math
from typing import Any

from dispatchopt.errors import InputError
from dispatchopt.models import Engineer, Job
from dispatchopt.scenarios.generator import generate_scenario
from dispatchopt.scenarios.scenario import EngineerOff, Event, Scenario

COUNTRY_SW = (51.0, 3.6)
COUNTRY_NE = (53.4, 7.0)
"""The country's corners (lat, lon): the Netherlands, where the city generator lives."""


def generate_national_day(
    size: int, engineers: int, cities: int, seed: int, **options: Any
) -> Scenario:
    """``size`` jobs and ``engineers`` engineers spread evenly over ``cities`` cities on a grid
    across the country, each city a :func:`generate_scenario` day (seed ``seed * 1000 + c``),
    so a national day of 20 000 jobs is 20 city days of 1 000 that never share a street."""
    if cities < 1 or size < cities or engineers < cities:
        raise InputError([("cities", cities, "needs at least one job and one engineer per city")])
    columns = math.ceil(math.sqrt(cities))
    rows = math.ceil(cities / columns)
    jobs: list[Job] = []
    team: list[Engineer] = []
    events: list[Event] = []
    actual: dict[str, float] = {}
    on_site: dict[str, str] = {}
    first: Scenario | None = None
    for c in range(cities):
        row, col = divmod(c, columns)
        centre = (
            COUNTRY_SW[0] + (row + 0.5) * (COUNTRY_NE[0] - COUNTRY_SW[0]) / rows,
            COUNTRY_SW[1] + (col + 0.5) * (COUNTRY_NE[1] - COUNTRY_SW[1]) / columns,
        )
        share = size // cities + (1 if c < size % cities else 0)
        crew = engineers // cities + (1 if c < engineers % cities else 0)
        city = generate_scenario(share, crew, seed * 1000 + c, centre=centre, **options)
        first = first or city
        tag = f"c{c + 1:02d}-"
        jobs += [j.model_copy(update={"id": tag + j.id}) for j in city.problem.jobs]
        team += [e.model_copy(update={"id": tag + e.id}) for e in city.problem.engineers]
        for event in city.events:
            if isinstance(event, EngineerOff):
                events.append(event.model_copy(update={"engineer_id": tag + event.engineer_id}))
            else:
                events.append(event.model_copy(update={"job_id": tag + event.job_id}))
        actual.update({tag + k: v for k, v in city.actual_minutes.items()})
        on_site.update({tag + k: v for k, v in city.on_site_part.items()})
    assert first is not None
    fields = {name: getattr(first.problem, name) for name in type(first.problem).model_fields}
    fields.update(jobs=jobs, engineers=team, name=f"national day ({cities} cities)")
    events.sort(key=lambda e: (e.at, e.kind, getattr(e, "job_id", getattr(e, "engineer_id", ""))))
    return Scenario(
        name=f"national day ({cities} cities)",
        seed=seed,
        planned_at=first.planned_at,
        problem=type(first.problem)(**fields),
        events=events,
        actual_minutes=actual,
        on_site_part=on_site,
    )


__all__ = ["generate_national_day"]
