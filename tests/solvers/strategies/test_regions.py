"""Cutting a day into regions: engineers by where they start, jobs to their nearest engineer's
region, jobs tied to named engineers where those engineers are."""

from __future__ import annotations

from dispatchopt.solvers.strategies.regions import region_problem, split_regions
from tests.solvers.scenarios import TOWNS, engineer, job, problem, three_towns_day


def test_three_towns_are_three_regions_each_with_its_own_jobs() -> None:
    regions = split_regions(three_towns_day(), regions=3)
    by_town = {r.engineer_ids[0].split("-")[0]: r for r in regions}
    assert sorted(by_town) == sorted(TOWNS)
    for town, region in by_town.items():
        assert all(e.startswith(town) for e in region.engineer_ids)
        assert all(j.startswith(town) for j in region.job_ids)
    assert "west-boiler" in by_town["west"].job_ids


def test_every_job_and_engineer_is_in_exactly_one_region() -> None:
    day = three_towns_day()
    regions = split_regions(day, regions=3)
    assert sorted(j for r in regions for j in r.job_ids) == sorted(j.id for j in day.jobs)
    assert sorted(e for r in regions for e in r.engineer_ids) == sorted(e.id for e in day.engineers)


def test_a_job_that_requires_an_engineer_goes_to_that_engineers_region() -> None:
    day = problem(
        jobs=[job("far", 1, 0, required_engineers=["east"]), job("near", 1, 0)],
        engineers=[engineer("west", 0, 0), engineer("east", 200, 0)],
    )
    regions = {r.engineer_ids: r.job_ids for r in split_regions(day, regions=2)}
    assert regions == {("west",): ("near",), ("east",): ("far",)}


def test_a_day_with_precedence_across_routes_stays_whole() -> None:
    day = problem(
        jobs=[job("first", 1, 0), job("then", 199, 0, after=["first"])],
        engineers=[engineer("west", 0, 0), engineer("east", 200, 0)],
    )
    assert len(split_regions(day, regions=2)) == 1


def test_a_region_problem_keeps_only_its_jobs_and_engineers() -> None:
    day = three_towns_day()
    part = region_problem(day, ["east-j1", "east-j2"], ["east-e1"], "r03")
    assert [j.id for j in part.jobs] == ["east-j1", "east-j2"]
    assert [e.id for e in part.engineers] == ["east-e1"]
    assert part.name.endswith("(r03)")
