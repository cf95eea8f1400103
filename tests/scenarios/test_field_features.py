"""Crews, districts as territories and providers drawn onto a generated day."""

from __future__ import annotations

import pytest

from dispatchopt import solve, validate
from dispatchopt.errors import InputError
from dispatchopt.models.territory import covers
from dispatchopt.scenarios import generate_day, generate_scenario
from dispatchopt.scenarios.field_features import CREW_TYPES

FEATURES = {"two_person_share": 0.5, "territories": "mixed", "providers": 2}


def test_features_off_by_default_and_the_day_underneath_stays_the_same() -> None:
    plain = generate_day(80, 10, seed=3)
    assert not plain.providers
    assert all(j.crew_size == 1 and j.zone is None for j in plain.jobs)
    assert all(e.territory is None for e in plain.engineers)
    featured = generate_day(80, 10, seed=3, **FEATURES)
    assert [(j.id, j.location, j.time_windows) for j in featured.jobs] == [
        (j.id, j.location, j.time_windows) for j in plain.jobs
    ]


def test_two_person_installs_are_aircon_and_smart_home_jobs_only() -> None:
    day = generate_day(300, 20, seed=1, two_person_share=0.4)
    crews = [j for j in day.jobs if j.crew_size == 2]
    kinds = {j.skills[0].skill for j in day.jobs if j.skills[0].skill in CREW_TYPES}
    assert crews and {j.skills[0].skill for j in crews} <= kinds
    eligible = sum(j.skills[0].skill in CREW_TYPES for j in day.jobs)
    assert 0.25 < len(crews) / eligible < 0.55
    assert all(not j.duration_by_level for j in crews)
    assert all(
        [h.skill for h in j.helper_skills] == (["aircon"] if j.skills[0].skill == "aircon" else [])
        for j in crews
    )


def test_own_engineers_work_their_home_district_and_two_more() -> None:
    day = generate_day(200, 20, seed=2, territories="mixed")
    own = [e for e in day.engineers if not e.id.startswith("tp")]
    assert all(isinstance(e.territory, list) and len(e.territory) == 3 for e in own)
    assert {e.territory_mode for e in own} == {"hard", "soft"}
    assert all(e.territory is None for e in day.engineers if e.id.startswith("tp"))
    assert all(j.zone is not None for j in day.jobs)
    # Every engineer's territory holds jobs of the day: districts are where the work is.
    assert all(any(covers(e.territory, j.location, j.zone) for j in day.jobs) for e in own)


def test_providers_replace_the_third_party_crews_with_quotas_and_fees() -> None:
    plain = generate_day(200, 20, seed=1)
    day = generate_day(200, 20, seed=1, providers=2)
    crews = [e for e in plain.engineers if e.id.startswith("tp")]
    assert crews and not any(e.id.startswith("tp") for e in day.engineers)
    assert len(day.engineers) == len(plain.engineers) - len(crews)
    assert [p.id for p in day.providers] == ["provider1", "provider2"]
    assert sum(p.max_jobs for p in day.providers) >= 8 * len(crews)
    assert all(40 <= p.fee <= 70 and p.sla_tiers == ["urgent"] for p in day.providers)
    zones = [set(p.territory or []) for p in day.providers]
    assert not zones[0] & zones[1] and len(zones[0] | zones[1]) == 8


def test_a_sick_call_for_a_replaced_crew_goes_with_it() -> None:
    sc = generate_scenario(60, 10, seed=4, providers=1, sick_engineers=10)
    ids = {e.id for e in sc.problem.engineers}
    offs = [ev for ev in sc.events if ev.kind == "engineer_off"]
    assert offs and all(ev.engineer_id in ids for ev in offs)


def test_a_featured_day_plans_and_validates() -> None:
    day = generate_day(40, 6, seed=5, **FEATURES)
    plan = solve(day, engine="greedy", time_limit=1)
    assert validate(day, plan) == []
    placed = {s.job_id for r in plan.routes for s in r.jobs} | {o.job_id for o in plan.outsourced}
    assert placed | {u.job_id for u in plan.unassigned} == {j.id for j in day.jobs}


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"territories": "everywhere"}, "territories"),
        ({"providers": 9}, "providers"),
        ({"two_person_share": 1.5}, "two_person_share"),
    ],
)
def test_bad_feature_options_name_the_field(kwargs: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as err:
        generate_day(20, 4, seed=0, **kwargs)
    assert field in str(err.value)
