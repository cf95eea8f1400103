"""Providers and crews in the model: who may take a job, for what fee, and refused input."""

from __future__ import annotations

from datetime import date

import pytest

from dispatchopt.errors import InputError
from dispatchopt.models import NotOutsourceable, provider_why_not
from dispatchopt.models.eligibility import Ineligible, why_not_helper
from tests.days import Day

DAY = Day(date(2026, 3, 10))


def _north(**extra: object) -> dict[str, object]:
    return {
        "id": "north",
        "skills": {"boiler": 2, "aircon": 1},
        "max_jobs": 3,
        "fee": 45,
        "fee_by_skill": {"aircon": 80},
        **extra,
    }


def test_the_north_contractor_charges_per_skill_and_takes_only_what_it_may() -> None:
    problem = DAY.problem(
        [
            DAY.job("boiler", 1, skills=[{"skill": "boiler", "level": 2}]),
            DAY.job("aircon", 2, skills=[{"skill": "aircon"}]),
            DAY.job("gas", 3, skills=[{"skill": "gas"}]),
            DAY.job("own", 4, outsourcing_allowed=False),
            DAY.job("early", 5, windows=[("08:00", "09:00")]),
            DAY.job("pinned", 6, required_engineers=["ann"]),
        ],
        [DAY.engineer("ann")],
        providers=[_north(earliest_start=DAY.at("10:00"))],
    )
    north = problem.providers[0]
    boiler, aircon, gas, own, early, pinned = problem.jobs
    assert north.fee_for(boiler) == 45 and north.fee_for(aircon) == 80
    assert provider_why_not(boiler, north) is None
    assert provider_why_not(gas, north) is NotOutsourceable.SKILL
    assert provider_why_not(own, north) is NotOutsourceable.NOT_ALLOWED
    assert provider_why_not(early, north) is NotOutsourceable.LEAD_TIME
    assert provider_why_not(pinned, north) is NotOutsourceable.PINNED


def test_a_provider_limited_to_gold_tickets_refuses_silver_ones() -> None:
    policy = {
        "name": "p",
        "stages": [{"name": "on_site", "target_minutes": 240, "clock": "wall_clock"}],
    }
    problem = DAY.problem(
        [DAY.job("silver", 1, sla_tier="silver"), DAY.job("plain", 2)],
        [DAY.engineer("ann")],
        providers=[_north(sla_tiers=["gold"])],
        sla_policies=[policy],
        sla_tiers={"gold": "p", "silver": "p"},
    )
    silver, plain = problem.jobs
    assert provider_why_not(silver, problem.providers[0]) is NotOutsourceable.SLA_TIER
    assert provider_why_not(plain, problem.providers[0]) is None


@pytest.mark.parametrize(
    ("provider", "field"),
    [
        (_north(fee_by_skill={"plumbing": 10}), r"providers\[0\]"),
        (_north(id="ann"), r"providers\[0\]\.id"),
        (_north(max_jobs=-1), r"providers\[0\]\.max_jobs"),
        (_north(sla_tiers=["platinum"]), r"providers\[0\]\.sla_tiers"),
    ],
)
def test_bad_providers_are_refused_naming_the_field(
    provider: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError, match=field):
        DAY.problem([DAY.job("a", 1)], [DAY.engineer("ann")], providers=[provider])


def test_crew_size_below_one_is_refused_and_a_crew_larger_than_the_fleet_is_a_warning() -> None:
    with pytest.raises(InputError, match=r"jobs\[0\]\.crew_size"):
        DAY.problem([DAY.job("fridge", 1, crew_size=0)], [DAY.engineer("ann")])
    with pytest.raises(InputError, match="helper_skills"):
        DAY.problem([DAY.job("fridge", 1, helper_skills=[{"skill": "lift"}])], [DAY.engineer("a")])
    problem = DAY.problem([DAY.job("fridge", 1, crew_size=3)], [DAY.engineer("ann")])
    assert any("crew of 3" in w for w in problem.warnings())


def test_a_helper_needs_the_helper_skills_not_the_leads() -> None:
    problem = DAY.problem(
        [
            DAY.job(
                "fridge",
                1,
                crew_size=2,
                skills=[{"skill": "fridge"}],
                helper_skills=[{"skill": "lift"}],
            )
        ],
        [DAY.engineer("lead", skills={"fridge": 1}), DAY.engineer("mate", skills={"lift": 1})],
    )
    fridge = problem.jobs[0]
    lead, mate = problem.engineers
    assert why_not_helper(fridge, mate) is None
    assert why_not_helper(fridge, lead) is Ineligible.SKILL


def test_a_repeat_visit_whose_last_engineer_is_off_today_is_a_warning_not_an_error() -> None:
    problem = DAY.problem([DAY.job("leak", 1, last_engineer_id="zoe")], [DAY.engineer("ann")])
    assert problem.warnings() == [
        "jobs[0] (leak): last engineer 'zoe' is not working today (continuity cannot be kept)"
    ]
