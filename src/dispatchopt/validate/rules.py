"""The rule book: one check per :class:`~dispatchopt.models.Rule`, in the order they run."""

from __future__ import annotations

from collections.abc import Callable

from dispatchopt.models import Rule
from dispatchopt.validate.across import check_precedence, check_sla_deadline
from dispatchopt.validate.context import Context
from dispatchopt.validate.coverage import (
    check_duplicate_job,
    check_missing_job,
    check_unknown_engineer,
    check_unknown_job,
)
from dispatchopt.validate.crews import check_crew, check_max_jobs
from dispatchopt.validate.parts import check_depot_hours, check_parts
from dispatchopt.validate.providers import check_provider, check_provider_quota
from dispatchopt.validate.routes import (
    check_break,
    check_capacity,
    check_max_working_time,
    check_shift,
    check_travel_time,
)
from dispatchopt.validate.territories import check_territory
from dispatchopt.validate.visits import (
    check_appointment,
    check_duration,
    check_engineer_restriction,
    check_lock,
    check_release_time,
    check_skill,
    check_time_window,
)

Check = Callable[[Context], None]

CHECKS: dict[Rule, Check] = {
    Rule.UNKNOWN_JOB: check_unknown_job,
    Rule.UNKNOWN_ENGINEER: check_unknown_engineer,
    Rule.DUPLICATE_JOB: check_duplicate_job,
    Rule.MISSING_JOB: check_missing_job,
    Rule.SKILL: check_skill,
    Rule.ENGINEER_RESTRICTION: check_engineer_restriction,
    Rule.LOCK: check_lock,
    Rule.TIME_WINDOW: check_time_window,
    Rule.APPOINTMENT: check_appointment,
    Rule.RELEASE_TIME: check_release_time,
    Rule.DURATION: check_duration,
    Rule.TRAVEL_TIME: check_travel_time,
    Rule.SHIFT: check_shift,
    Rule.MAX_WORKING_TIME: check_max_working_time,
    Rule.CAPACITY: check_capacity,
    Rule.BREAK: check_break,
    Rule.PARTS: check_parts,
    Rule.DEPOT_HOURS: check_depot_hours,
    Rule.PRECEDENCE: check_precedence,
    Rule.SLA_DEADLINE: check_sla_deadline,
    Rule.CREW: check_crew,
    Rule.TERRITORY: check_territory,
    Rule.MAX_JOBS: check_max_jobs,
    Rule.PROVIDER: check_provider,
    Rule.PROVIDER_QUOTA: check_provider_quota,
}
"""Every rule's check, keyed by the rule it reports (a test keeps this complete)."""

__all__ = ["CHECKS", "Check"]
