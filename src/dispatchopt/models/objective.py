"""What the plan optimises, and how much each soft rule weighs against money."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dispatchopt.models._bounds import Amount


class Balance(BaseModel):
    """Fair days: ``weight`` per hour an engineer's day is above *or below* their target
    (``on="working_time"``), or per job visit (``on="jobs"``).

    The target is the day's fair share, the on-site time of all jobs (each job's
    ``duration_minutes`` times its crew size; or all job visits) divided evenly among the
    engineers, capped by the time the engineer's shifts leave after breaks (or
    ``Engineer.max_jobs``) and split among the shifts by that time. Above it cuts long days,
    below it fills short ones, and an engineer left idle pays the whole target, so work moves
    towards even days while that costs less than ``weight`` an hour.

    For ``"working_time"`` the two sides measure different things: *above* counts the busy
    day, driving plus on site (so a day long with driving is long), *below* only the jobs'
    nominal time on site (so a short day earns no credit for a detour or a wait). Against
    on-site time on both sides it narrowed the spread more in 3 of 4 paired runs on a
    generated 100-job day, within run-to-run noise (benchmarks/results/crews_day.md). For
    ``"jobs"`` both sides count visits, and the free band is the target's floor to its
    ceiling.
    ``summary.working_spread_s`` and ``working_std_s`` report the spread it leaves.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    on: Literal["working_time", "jobs"] = "working_time"
    weight: Amount = Field(gt=0)


class Objective(BaseModel):
    """Objective settings with documented defaults.

    ``kind="cost"`` (default) minimises money: engineers' hourly and per-km costs, fixed cost per
    engineer used, overtime, soft-window lateness and penalties for unplanned jobs.
    ``kind="distance"`` minimises total distance (the DIMACS benchmark convention) and
    ``kind="travel_time"`` total driving time, and ``kind="working_time"`` the engineers' total
    working time (travel + on-site + waiting, each route leaving as late as its first visit
    allows: the technician routing benchmark's objective); all still pay penalties for unplanned
    jobs, in km, hours or hours respectively.
    ``unassigned_penalty`` is what leaving a *mandatory* job unplanned costs, multiplied by
    ``1 + priority``; it dwarfs any route cost so that jobs are dropped only when they do not fit.
    ``non_preferred_penalty`` is charged when a job with preferred engineers goes to another one.
    ``first_time_fix_weight`` is what a failed first visit costs (a repeat visit, an unhappy
    customer): sending an engineer whose estimated first-time-fix probability for the job is
    ``p`` costs ``weight * (1 - p)``, so better-matched engineers are preferred (0: ignored).
    ``out_of_territory_cost`` is charged per job a ``territory_mode="soft"`` engineer does
    outside their territory. ``balance`` (off by default) prices each engineer's day above
    and below their fair share, which pulls the engineers' days together (see
    :class:`Balance`).
    ``continuity_bonus`` is what sending the job's ``last_engineer_id`` again is worth: every
    other engineer (or a provider) doing it costs that much. Provider fees are paid as they
    are (``Provider.fee``).
    All these are in the objective's unit (money for ``kind="cost"``; km or hours for the
    other kinds, like the penalties).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    kind: Literal["cost", "distance", "travel_time", "working_time"] = "cost"
    unassigned_penalty: Amount = Field(default=100_000.0, gt=0)
    non_preferred_penalty: Amount = 25.0
    lateness_weight: Amount = 1.0
    first_time_fix_weight: Amount = 0.0
    out_of_territory_cost: Amount = 30.0
    balance: Balance | None = None
    continuity_bonus: Amount = 0.0


class CostTerm(StrEnum):
    """The names of the objective's terms in a cost breakdown (``summary.cost_breakdown``).

    Terms that price a rule the validator knows reuse that :class:`Rule` name
    (``time_window`` for soft-window lateness, ``sla_deadline`` for SLA lateness, suffixed
    ``:<tier>``); the others name what they price."""

    TRAVEL_TIME = "travel_time"
    DISTANCE = "distance"
    WORKING_TIME = "working_time"
    OVERTIME = "overtime"
    FIXED_COST = "fixed_cost"
    TIME_WINDOW = "time_window"
    SLA_DEADLINE = "sla_deadline"
    NON_PREFERRED_ENGINEER = "non_preferred_engineer"
    FIRST_TIME_FIX = "first_time_fix"
    UNASSIGNED = "unassigned"
    CONTRACTOR_FEE = "contractor_fee"
    OUT_OF_TERRITORY = "out_of_territory"
    BALANCE = "balance"
    CONTINUITY = "continuity"
