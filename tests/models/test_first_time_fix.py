"""First-time-fix estimate: documented values and monotone in skill and parts on hand."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatchopt.models import FirstTimeFixModel, PartRequirement, SkillRequirement, first_time_fix

FRIDGE = [SkillRequirement(skill="refrigeration", level=2)]
PARTS = [PartRequirement(sku="compressor"), PartRequirement(sku="relay", quantity=3)]


def test_qualified_engineer_with_all_parts_gets_the_base_rate() -> None:
    p = first_time_fix(FRIDGE, PARTS, {"refrigeration": 2}, {"compressor": 1, "relay": 3})
    assert p == pytest.approx(0.85)


def test_senior_engineer_is_likelier_and_missing_parts_hurt() -> None:
    senior = first_time_fix(FRIDGE, PARTS, {"refrigeration": 4}, {"compressor": 1, "relay": 3})
    assert senior == pytest.approx(0.85 * 1.06)
    no_parts = first_time_fix(FRIDGE, PARTS, {"refrigeration": 2}, {})
    assert no_parts == pytest.approx(0.85 * 0.15)
    junior = first_time_fix(FRIDGE, [], {"refrigeration": 1}, {})
    assert junior == pytest.approx(0.85 * 0.6)


def test_a_job_needing_nothing_gets_the_base_rate() -> None:
    assert first_time_fix([], [], {}, {}) == pytest.approx(0.85)


levels = st.integers(min_value=0, max_value=6)
stock = st.integers(min_value=0, max_value=4)


@given(a=levels, b=levels, c1=stock, c2=stock, r1=stock, r2=stock)
def test_more_skill_or_more_parts_never_lowers_the_estimate(
    a: int, b: int, c1: int, c2: int, r1: int, r2: int
) -> None:
    model = FirstTimeFixModel()
    lo_level, hi_level = sorted((a, b))
    lo = {"compressor": min(c1, c2), "relay": min(r1, r2)}
    hi = {"compressor": max(c1, c2), "relay": max(r1, r2)}
    p_lo = first_time_fix(FRIDGE, PARTS, {"refrigeration": lo_level}, lo, model)
    p_hi = first_time_fix(FRIDGE, PARTS, {"refrigeration": hi_level}, hi, model)
    assert 0.0 < p_lo <= p_hi < 1.0
