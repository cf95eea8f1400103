"""Names of the hard rules a plan must keep, shared by the solver, validator and explanations."""

from __future__ import annotations

from enum import StrEnum


class Rule(StrEnum):
    """A hard rule of the domain; each violation the validator reports names one."""

    UNKNOWN_JOB = "unknown_job"
    UNKNOWN_ENGINEER = "unknown_engineer"
    DUPLICATE_JOB = "duplicate_job"
    MISSING_JOB = "missing_job"
    SKILL = "skill"
    ENGINEER_RESTRICTION = "engineer_restriction"
    TIME_WINDOW = "time_window"
    APPOINTMENT = "appointment"
    RELEASE_TIME = "release_time"
    DURATION = "duration"
    TRAVEL_TIME = "travel_time"
    SHIFT = "shift"
    BREAK = "break"
    MAX_WORKING_TIME = "max_working_time"
    CAPACITY = "capacity"
    PRECEDENCE = "precedence"
    LOCK = "lock"
    PARTS = "parts"
    DEPOT_HOURS = "depot_hours"
    SLA_DEADLINE = "sla_deadline"
    CREW = "crew"
    PROVIDER = "provider"
    PROVIDER_QUOTA = "provider_quota"
    TERRITORY = "territory"
    MAX_JOBS = "max_jobs"


class UnassignedReason(StrEnum):
    """Why a job is not in any route; every unplanned job carries exactly one."""

    NO_ENGINEERS = "no_engineers"
    NO_ENGINEER_WITH_SKILL = "no_engineer_with_skill"
    ENGINEER_RESTRICTIONS = "engineer_restrictions"
    OUTSIDE_ALL_SHIFTS = "outside_all_shifts"
    LOAD_EXCEEDS_CAPACITY = "load_exceeds_capacity"
    CAPACITY = "capacity"
    NOT_WORTH_ITS_PENALTY = "not_worth_its_penalty"
    PREDECESSOR_UNASSIGNED = "predecessor_unassigned"
    LOCK_INFEASIBLE = "lock_infeasible"
    AWAITING_PARTS = "awaiting_parts"
    PARTS_UNAVAILABLE = "parts_unavailable"
    SLA_DEADLINE_UNREACHABLE = "sla_deadline_unreachable"
    NO_CREW_AVAILABLE = "no_crew_available"
    PROVIDER_QUOTA = "provider_quota"
    OUTSIDE_TERRITORIES = "outside_territories"
