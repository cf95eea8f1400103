"""Deadline: one end shared by every stage; stages take shares of what is left."""

from __future__ import annotations

import time

import pytest

from dispatchopt.errors import InputError
from dispatchopt.solvers.stop import Deadline


def test_a_share_never_ends_after_its_parent() -> None:
    whole = Deadline.after(10)
    half = whole.share(0.5)
    assert 4.5 < half.remaining() <= 5.0
    assert half.end <= whole.end
    assert whole.within(60).end == whole.end
    assert whole.within(1).remaining() <= 1.0


def test_reserve_leaves_time_for_a_closing_stage() -> None:
    whole = Deadline.after(10)
    first = whole.reserve(3)
    assert 6.5 < first.remaining() <= 7.0
    assert whole.reserve(30).remaining() == pytest.approx(0.0, abs=0.01)


def test_an_expired_deadline_has_nothing_left() -> None:
    soon = Deadline.after(0.01)
    time.sleep(0.02)
    assert soon.expired and soon.remaining() == 0.0


@pytest.mark.parametrize("seconds", [0, -1, float("nan"), float("inf")])
def test_a_time_limit_must_be_a_positive_number(seconds: float) -> None:
    with pytest.raises(InputError, match="time_limit"):
        Deadline.after(seconds)


def test_a_solution_count_makes_a_deadline_repeatable() -> None:
    stop = Deadline.after(5, max_solutions=10)
    assert stop.repeatable and stop.share(0.5).max_solutions == 10
    with pytest.raises(InputError, match="max_solutions"):
        Deadline.after(5, max_solutions=0)
