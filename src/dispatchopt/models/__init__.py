"""The domain model: jobs, engineers, problems and plans (pydantic v2, no solver imports)."""

from dispatchopt.models.engineer import Break, Engineer, Shift
from dispatchopt.models.job import Job, Lock
from dispatchopt.models.location import Location
from dispatchopt.models.objective import Objective
from dispatchopt.models.plan import BreakTaken, Plan, Route, Stop, Summary, Unassigned
from dispatchopt.models.problem import Problem
from dispatchopt.models.rules import Rule, UnassignedReason
from dispatchopt.models.skills import SkillRequirement
from dispatchopt.models.time_window import SoftWindow, TimeWindow
from dispatchopt.models.travel import EuclideanTravel, HaversineTravel, MatrixTravel, TravelSettings
from dispatchopt.models.violation import Violation

__all__ = [
    "Break",
    "BreakTaken",
    "Engineer",
    "EuclideanTravel",
    "HaversineTravel",
    "Job",
    "Location",
    "Lock",
    "MatrixTravel",
    "Objective",
    "Plan",
    "Problem",
    "Route",
    "Rule",
    "Shift",
    "SkillRequirement",
    "SoftWindow",
    "Stop",
    "Summary",
    "TimeWindow",
    "TravelSettings",
    "Unassigned",
    "UnassignedReason",
    "Violation",
]
