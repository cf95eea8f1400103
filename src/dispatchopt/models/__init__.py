"""The domain model: jobs, engineers, problems and plans (pydantic v2, no solver imports)."""

from dispatchopt.models.appointment import BrokenAppointment
from dispatchopt.models.calendar import (
    BusinessCalendar,
    DailyHours,
    add_business_time,
    business_time_between,
)
from dispatchopt.models.engineer import Break, Engineer, Shift
from dispatchopt.models.first_time_fix import FirstTimeFixModel, first_time_fix
from dispatchopt.models.job import Job, Lock
from dispatchopt.models.location import Location
from dispatchopt.models.objective import Balance, CostTerm, Objective
from dispatchopt.models.parts import (
    Depot,
    Part,
    PartArrival,
    PartRequirement,
    PartsReadiness,
    Shortfall,
    SkuReadiness,
    Stock,
    StockHolder,
    Withdrawal,
    parts_readiness,
    stock_shortfalls,
)
from dispatchopt.models.plan import (
    BreakTaken,
    Counterfactual,
    Outsourced,
    Plan,
    Route,
    SlaStageOutcome,
    Stop,
    Summary,
    Unassigned,
)
from dispatchopt.models.problem import Problem
from dispatchopt.models.providers import NotOutsourceable, Provider, provider_why_not
from dispatchopt.models.rules import Rule, UnassignedReason
from dispatchopt.models.skills import SkillRequirement
from dispatchopt.models.sla import (
    PauseReason,
    SlaClock,
    SlaMode,
    SlaPause,
    SlaPolicy,
    SlaStage,
    SlaState,
    compliance_by_tier,
    sla_due,
    sla_slack,
)
from dispatchopt.models.territory import MultiPolygon, Polygon, Territory
from dispatchopt.models.time_window import SoftWindow, TimeWindow
from dispatchopt.models.travel import EuclideanTravel, HaversineTravel, MatrixTravel, TravelSettings
from dispatchopt.models.violation import Violation

__all__ = [
    "Territory",
    "Polygon",
    "MultiPolygon",
    "Provider",
    "NotOutsourceable",
    "Outsourced",
    "Balance",
    "Break",
    "BreakTaken",
    "BrokenAppointment",
    "BusinessCalendar",
    "DailyHours",
    "Depot",
    "Engineer",
    "EuclideanTravel",
    "FirstTimeFixModel",
    "HaversineTravel",
    "Job",
    "Location",
    "Lock",
    "MatrixTravel",
    "CostTerm",
    "Counterfactual",
    "Objective",
    "Part",
    "PartArrival",
    "PartRequirement",
    "PartsReadiness",
    "PauseReason",
    "Plan",
    "Problem",
    "Route",
    "Rule",
    "Shift",
    "Shortfall",
    "SkillRequirement",
    "SkuReadiness",
    "SlaClock",
    "SlaMode",
    "SlaPause",
    "SlaPolicy",
    "SlaStage",
    "SlaState",
    "SoftWindow",
    "Stock",
    "StockHolder",
    "SlaStageOutcome",
    "Stop",
    "Summary",
    "TimeWindow",
    "TravelSettings",
    "Unassigned",
    "UnassignedReason",
    "Violation",
    "Withdrawal",
    "add_business_time",
    "business_time_between",
    "compliance_by_tier",
    "first_time_fix",
    "parts_readiness",
    "provider_why_not",
    "sla_due",
    "sla_slack",
    "stock_shortfalls",
]
