"""A generated national day: city days side by side, ids unique, counts as asked."""

from __future__ import annotations

import pytest

from dispatchopt.errors import InputError
from dispatchopt.scenarios import generate_national_day


def test_a_national_day_has_the_jobs_and_engineers_asked_for_with_unique_ids() -> None:
    day = generate_national_day(100, 11, cities=4, seed=1)
    jobs, team = day.problem.jobs, day.problem.engineers
    assert (len(jobs), len(team)) == (100, 11)
    assert len({j.id for j in jobs}) == 100 and len({e.id for e in team}) == 11
    assert {j.id[:3] for j in jobs} == {"c01", "c02", "c03", "c04"}
    assert all(e.job_id in day.problem.job_by_id for e in day.events if hasattr(e, "job_id"))


def test_cities_lie_apart_across_the_country() -> None:
    day = generate_national_day(40, 4, cities=4, seed=2)
    lats = {j.id[:3]: j.location.lat for j in day.problem.jobs}
    assert max(lats.values()) - min(lats.values()) > 0.5  # over 50 km north to south


def test_more_cities_than_engineers_is_an_input_error() -> None:
    with pytest.raises(InputError):
        generate_national_day(10, 2, cities=3, seed=0)
