"""Live dispatch: insert a job now, offer slots, react to events, re-plan keeping promises.

Pure functions over a :class:`~dispatchopt.models.Problem` and a
:class:`~dispatchopt.models.Plan`; every plan they return passes the validator. Functions that
add a job return an :class:`Update` ``(problem, plan)``: the problem gains the job.
"""

from dispatchopt.live.diff import Moved, PlanDiff, Reassigned, diff_plans
from dispatchopt.live.events import (
    Cancelled,
    EngineerUnavailable,
    Event,
    JobArrived,
    NoShow,
    VisitOverrun,
    apply_event,
)
from dispatchopt.live.insert import FROZEN_MINUTES, Update, insert_job
from dispatchopt.live.replan import Disruption, replan
from dispatchopt.live.slots import SlotOffer, accept_offer, default_slots, offer_slots

__all__ = [
    "FROZEN_MINUTES",
    "Cancelled",
    "Disruption",
    "EngineerUnavailable",
    "Event",
    "JobArrived",
    "Moved",
    "NoShow",
    "PlanDiff",
    "Reassigned",
    "SlotOffer",
    "Update",
    "VisitOverrun",
    "accept_offer",
    "apply_event",
    "default_slots",
    "diff_plans",
    "insert_job",
    "offer_slots",
    "replan",
]
