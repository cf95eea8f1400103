"""The ticket lifecycle around the solver: state machine, event log, SLA hooks, the bridge to
``Problem``/``Plan``, and a SQL store (SQLite by default, PostgreSQL by URL).

The SQL store (SQLAlchemy) loads on first use of ``SqlStore`` or ``open_store``.
"""

from typing import TYPE_CHECKING

from dispatchopt._lazy import lazy_getattr
from dispatchopt.lifecycle.commands import (
    Arrive,
    AwaitParts,
    Cancel,
    Close,
    Command,
    Create,
    CustomerAvailable,
    CustomerUnavailable,
    Depart,
    Dispatch,
    MarkReady,
    PartsArrived,
    Reopen,
    Resolve,
    Schedule,
    Triage,
    Unschedule,
    parse_command,
)
from dispatchopt.lifecycle.errors import (
    Conflict,
    DuplicateTicket,
    IllegalTransition,
    LifecycleError,
    ReplayError,
    TicketNotFound,
    VersionConflict,
)
from dispatchopt.lifecycle.events import TicketEvent
from dispatchopt.lifecycle.machine import ALLOWED_FROM, apply, create, repeat_visit, replay
from dispatchopt.lifecycle.planning import (
    DayProblem,
    day_problem,
    plan_to_commands,
    plannable_tickets,
    tickets_to_problem,
)
from dispatchopt.lifecycle.replan import Replan, replan_day
from dispatchopt.lifecycle.settings import PlanningSettings
from dispatchopt.lifecycle.sla import PausedInterval, SlaIntervals, sla_intervals
from dispatchopt.lifecycle.store.repository import DEFAULT_DB, SavedPlan, TicketRepository
from dispatchopt.lifecycle.ticket import (
    FINAL_STATES,
    MOVABLE_STATES,
    PINNED_STATES,
    Ticket,
    TicketSpec,
    TicketState,
)

if TYPE_CHECKING:
    from dispatchopt.lifecycle.booking import Offers, book_ticket, ticket_offers
    from dispatchopt.lifecycle.store.sql import SqlStore, open_store

__getattr__ = lazy_getattr(
    "dispatchopt.lifecycle",
    {
        "SqlStore": "dispatchopt.lifecycle.store.sql",
        "open_store": "dispatchopt.lifecycle.store.sql",
        "Offers": "dispatchopt.lifecycle.booking",
        "book_ticket": "dispatchopt.lifecycle.booking",
        "ticket_offers": "dispatchopt.lifecycle.booking",
    },
)


__all__ = [
    "ALLOWED_FROM",
    "Offers",
    "DEFAULT_DB",
    "FINAL_STATES",
    "MOVABLE_STATES",
    "PINNED_STATES",
    "Arrive",
    "AwaitParts",
    "Cancel",
    "Close",
    "Command",
    "Conflict",
    "Create",
    "CustomerAvailable",
    "CustomerUnavailable",
    "Depart",
    "Dispatch",
    "DayProblem",
    "DuplicateTicket",
    "IllegalTransition",
    "LifecycleError",
    "MarkReady",
    "PartsArrived",
    "PausedInterval",
    "PlanningSettings",
    "Reopen",
    "Replan",
    "ReplayError",
    "Resolve",
    "SavedPlan",
    "Schedule",
    "SlaIntervals",
    "SqlStore",
    "Ticket",
    "TicketEvent",
    "TicketNotFound",
    "TicketRepository",
    "TicketSpec",
    "TicketState",
    "Triage",
    "Unschedule",
    "VersionConflict",
    "apply",
    "create",
    "day_problem",
    "open_store",
    "parse_command",
    "plan_to_commands",
    "plannable_tickets",
    "repeat_visit",
    "replan_day",
    "book_ticket",
    "ticket_offers",
    "replay",
    "sla_intervals",
    "tickets_to_problem",
]
