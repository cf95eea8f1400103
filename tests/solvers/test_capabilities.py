"""Capabilities: what rules a day really uses, and what that lets each engine and strategy do."""

from __future__ import annotations

from datetime import date

from dispatchopt.solvers.capabilities import Capabilities, Feature
from dispatchopt.solvers.engines.pyvrp import unsupported_by_pyvrp
from dispatchopt.solvers.front_door import choose_engine, choose_strategy
from dispatchopt.solvers.strategies import why_not_decompose
from tests.days import Day

DAY = Day(date(2025, 6, 2))


def test_a_plain_day_uses_nothing_beyond_windows() -> None:
    day = DAY.problem([DAY.job("a", 1, 1), DAY.job("b", 2, 2)], [DAY.engineer("ana")])
    caps = Capabilities.of(day)
    assert caps.features == frozenset()
    assert unsupported_by_pyvrp(caps) is None


def test_an_unused_parts_catalogue_and_unused_sla_tiers_are_not_features() -> None:
    day = DAY.problem(
        [DAY.job("a", 1, 1)],
        [DAY.engineer("ana", van_stock={"seal": 2})],
        parts=[{"sku": "seal"}],
        depots=[{"id": "d", "location": {"x": 0, "y": 1}, "stock": {"seal": 3}}],
        sla_policies=[
            {
                "name": "4h",
                "stages": [{"name": "on_site", "target_minutes": 240, "clock": "wall_clock"}],
            }
        ],
        sla_tiers={"urgent": "4h"},
    )
    caps = Capabilities.of(day)
    assert not caps.uses(Feature.PARTS) and not caps.uses(Feature.DEPOTS)
    assert not caps.uses(Feature.SLA_CLOCKS)
    assert why_not_decompose(caps) is None


def test_a_skill_everybody_holds_does_not_restrict_but_one_only_some_hold_does() -> None:
    everybody = DAY.problem(
        [DAY.job("a", 1, 1, skills=[{"skill": "fridge"}])],
        [DAY.engineer("ana", skills={"fridge": 1}), DAY.engineer("ben", skills={"fridge": 2})],
    )
    assert not Capabilities.of(everybody).uses(Feature.RESTRICTED_ENGINEERS)
    some = DAY.problem(
        [DAY.job("a", 1, 1, skills=[{"skill": "fridge", "level": 2}])],
        [DAY.engineer("ana", skills={"fridge": 1}), DAY.engineer("ben", skills={"fridge": 2})],
    )
    caps = Capabilities.of(some)
    assert caps.uses(Feature.RESTRICTED_ENGINEERS)
    assert "only some engineers" in (unsupported_by_pyvrp(caps) or "")


def test_the_reason_names_the_first_feature_an_engine_lacks() -> None:
    day = DAY.problem(
        [DAY.job("a", 1, 1, windows=[("09:00", "10:00"), ("14:00", "15:00")])],
        [DAY.engineer("ana", breaks=[("12:00", "13:00", 30)])],
    )
    caps = Capabilities.of(day)
    assert caps.beyond(()) == [Feature.BREAKS, Feature.MULTIPLE_WINDOWS]
    assert caps.reason(()) == "the day has breaks (and 1 more)"


def test_the_front_door_says_why_it_chose_each_engine_and_strategy() -> None:
    breaks = DAY.problem(
        [DAY.job("a", 1, 1)], [DAY.engineer("ana", breaks=[("12:00", "13:00", 30)])]
    )
    assert choose_engine(breaks)[0] == "vroom+ortools"
    assert "breaks" in choose_engine(breaks)[1]
    assert choose_strategy(breaks, engine="vroom+ortools")[0] == "hybrid"
    assert choose_strategy(breaks, engine="ortools") == ("whole_day", "fewer than 300 jobs")
    depots = DAY.problem(
        [DAY.job("fridge", 1, 1, parts=[{"sku": "compressor"}])],
        [DAY.engineer("ana")],
        parts=[{"sku": "compressor"}],
        depots=[{"id": "d", "location": {"x": 0, "y": 1}, "stock": {"compressor": 1}}],
    )
    engine, why = choose_engine(depots)
    assert engine == "ortools" and "depots" in why
    precedence = DAY.problem(
        [DAY.job("a", 1, 1), DAY.job("b", 2, 2, after=["a"])], [DAY.engineer("ana")]
    )
    assert why_not_decompose(Capabilities.of(precedence)) == (
        "the day has precedence between jobs (after)"
    )
