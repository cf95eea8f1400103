"""Search parameters: the LNS limit that also bounds restoring a warm start grows with the day;
re-plans leave out the cheapest-insertion neighbourhoods."""

from __future__ import annotations

from ortools.util import optional_boolean_pb2

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


INSERTION_LNS = (
    "use_global_cheapest_insertion_path_lns",
    "use_local_cheapest_insertion_path_lns",
    "use_global_cheapest_insertion_visit_types_lns",
    "use_local_cheapest_insertion_visit_types_lns",
)


def test_a_re_plan_searches_without_the_cheapest_insertion_neighbourhoods() -> None:
    default = search_parameters(Deadline.after(5), 200).local_search_operators
    replan = search_parameters(
        Deadline.after(5), 200, SearchConfig(insertion_lns=False)
    ).local_search_operators
    for name in INSERTION_LNS:
        assert getattr(default, name) != optional_boolean_pb2.BOOL_FALSE, name
        assert getattr(replan, name) == optional_boolean_pb2.BOOL_FALSE, name
    # Everything else stays as OR-Tools sets it.
    assert replan.use_relocate == default.use_relocate
    assert replan.use_path_lns == default.use_path_lns
