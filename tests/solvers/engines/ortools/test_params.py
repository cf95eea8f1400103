"""Search parameters: the LNS limit that also bounds restoring a warm start grows with the day."""

from __future__ import annotations

from dispatchopt.solvers.engines.ortools.params import (
    SearchConfig,
    lns_milliseconds,
    search_parameters,
)
from dispatchopt.solvers.stop import Deadline


def test_the_lns_limit_grows_with_the_day_between_a_tenth_and_two_seconds() -> None:
    assert lns_milliseconds(0) == 100 and lns_milliseconds(39) == 100
    assert lns_milliseconds(500) == 1000
    assert lns_milliseconds(5000) == 2000
    params = search_parameters(Deadline.after(5), 500)
    assert params.lns_time_limit.ToMilliseconds() == 1000


def test_overrides_still_set_the_lns_limit() -> None:
    config = SearchConfig(overrides="lns_time_limit { seconds: 3 }")
    params = search_parameters(Deadline.after(5), 500, config)
    assert params.lns_time_limit.ToMilliseconds() == 3000
