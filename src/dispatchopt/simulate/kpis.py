"""KPIs of a simulated day, and the comparison table across policies (CSV, Markdown, rich)."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

import numpy as np

from dispatchopt.models import Job, Problem
from dispatchopt.simulate.promises import keeping
from dispatchopt.simulate.simulator import SimulationResult

SLA_HOURS = {"emergency": 4.0, "urgent": 8.0}
"""Response promise per tier when the model has no SLA: hours from the call (or the day's open)."""


def sla_tier(job: Job) -> str:
    """The job's SLA tier: ``Job.sla_tier`` when the model has it, else from the priority
    (8-10 emergency, 4-7 urgent, 0-3 standard)."""
    tier = getattr(job, "sla_tier", None)
    if isinstance(tier, str) and tier:
        return tier
    if job.priority >= 8:
        return "emergency"
    return "urgent" if job.priority >= 4 else "standard"


def due_time(job: Job, known: datetime, problem: Problem | None = None) -> datetime | None:
    """When the visit must start: the job's SLA deadline when ``problem`` gives it one
    (``Problem.sla_deadline``), else tier hours after ``known`` for emergency/urgent, else the end
    of the appointment slot (``None``: no promise)."""
    if problem is not None:
        deadline = problem.sla_deadline(job)
        if deadline is not None:
            return deadline
    tier = sla_tier(job)
    if tier in SLA_HOURS:
        return known + timedelta(hours=SLA_HOURS[tier])
    return max((w.end for w in job.time_windows), default=None)


@dataclass
class Kpis:
    """One policy's day in numbers; times in minutes or hours as named."""

    policy: str
    jobs: int
    served: int
    unserved: int
    cancelled: int
    weighted_service: int = 0
    """The sum of 1 + priority over served jobs (outsourced ones included): the weight the
    solvers' objective gives the day's work, so that policies serving different mixes of
    emergencies and standard calls compare."""
    sla_compliance: dict[str, float] = field(default_factory=dict)
    response_mean_min: float = math.nan
    response_p95_min: float = math.nan
    travel_km: float = 0.0
    travel_hours: float = 0.0
    overtime_hours: float = 0.0
    utilisation: float = 0.0
    first_time_fix: float = math.nan
    workload_std_hours: float = 0.0
    cost: float = 0.0
    """Engineers' time, km, fixed and overtime costs, plus the providers' fees."""
    outsourced: int = 0
    """Jobs given to providers (counted in ``served``)."""
    contractor_fees: float = 0.0
    crew_jobs_served: int = 0
    """Jobs done by a crew of two or more, all starting together."""
    appointments: int = 0
    """Jobs (not cancelled) whose customer was promised a window (see ``simulate.promises``)."""
    appointments_moved: int = 0
    """Served inside the window, but ``MOVED_MINUTES`` or more from the time first planned."""
    appointments_reassigned: int = 0
    """Served by another engineer than the one first planned."""
    appointments_broken: int = 0
    """Served outside the promised window, or not served at all."""
    solve_seconds: float = 0.0

    def row(self) -> dict[str, float | int | str]:
        """Flat columns for tables: SLA per tier as ``sla_<tier>``."""
        data = asdict(self)
        sla = data.pop("sla_compliance")
        out: dict[str, float | int | str] = {}
        for key, value in data.items():
            out[key] = round(value, 3) if isinstance(value, float) else value
            if key == "cancelled":
                for tier in sorted(sla):
                    out[f"sla_{tier}"] = round(sla[tier], 3)
        return out


def compute_kpis(result: SimulationResult) -> Kpis:
    """Score a simulated day. SLA: a job meets it when served and started by its due time
    (:func:`due_time`; unserved jobs miss it; an outsourced job meets it when the window its
    provider was given opens by then, and counts as served); response = start - max(call,
    first shift start).
    First-time fix: the share of visits whose ``Stop.first_time_fix`` is 1 (see :func:`simulate`).
    Appointments: :func:`dispatchopt.simulate.promises.keeping` of the day's promises.
    """
    sc = result.scenario
    problem = sc.problem
    day_open = min(e.shifts[0].start for e in problem.engineers)
    stops = {s.job_id: s for r in result.plan.routes for s in r.stops}
    given = {o.job_id: o for o in result.plan.outsourced}
    live = [j for j in problem.jobs if j.id not in result.cancelled]
    met: dict[str, list[bool]] = {}
    responses = []
    for job in live:
        known = max(result.known_at.get(job.id, day_open), day_open)
        stop = stops.get(job.id)
        due = due_time(job, known, problem)
        ok = stop is not None and (due is None or stop.start <= due)
        if job.id in given:
            # A provider is held to the window it was given: on time when that opens by the due.
            window = given[job.id].window
            ok = due is None or window is None or window.start <= due
        met.setdefault(sla_tier(job), []).append(ok)
        if stop is not None:
            responses.append((stop.start - known).total_seconds() / 60)
    ftf = [
        s.first_time_fix
        for r in result.plan.routes
        for s in r.stops
        if s.first_time_fix is not None
    ]
    available = [e for e in problem.engineers if e.id not in result.off_engineers]
    shift_h = sum((e.shifts[0].end - e.shifts[0].start).total_seconds() for e in available) / 3600
    work_h = sum((s.end - s.start).total_seconds() for s in stops.values()) / 3600
    hours = {e.id: 0.0 for e in available}
    cost = overtime = 0.0
    for r in result.plan.routes:
        eng = problem.engineer_by_id[r.engineer_id]
        h = (r.arrival - r.departure).total_seconds() / 3600
        hours[eng.id] = h
        over = max(0.0, (r.arrival - eng.shifts[0].end).total_seconds() / 3600)
        overtime += over
        cost += (
            eng.cost_per_hour * h
            + eng.cost_per_km * r.distance_m / 1000
            + eng.fixed_cost
            + eng.overtime_cost_per_hour * over
        )
    fees = sum(o.fee for o in result.plan.outsourced)
    cost += fees
    arr = np.array(responses, dtype=float)
    kept = keeping(result.promises, result.plan, result.cancelled)
    return Kpis(
        policy=result.policy,
        jobs=len(problem.jobs),
        served=len(stops) + len(given),
        weighted_service=sum(1 + j.priority for j in live if j.id in stops or j.id in given),
        unserved=len(live) - len(stops) - len(given),
        cancelled=len(result.cancelled),
        sla_compliance={t: sum(v) / len(v) for t, v in sorted(met.items())},
        response_mean_min=float(arr.mean()) if arr.size else math.nan,
        response_p95_min=float(np.percentile(arr, 95)) if arr.size else math.nan,
        travel_km=sum(r.distance_m for r in result.plan.routes) / 1000,
        travel_hours=sum(r.travel_s for r in result.plan.routes) / 3600,
        overtime_hours=overtime,
        utilisation=work_h / shift_h if shift_h else 0.0,
        first_time_fix=sum(ftf) / len(ftf) if ftf else math.nan,
        workload_std_hours=float(np.std(list(hours.values()))) if hours else 0.0,
        cost=cost,
        outsourced=len(given),
        contractor_fees=fees,
        crew_jobs_served=sum(1 for s in stops.values() if len(s.crew) > 1),
        appointments=kept.promised,
        appointments_moved=kept.moved,
        appointments_reassigned=kept.reassigned,
        appointments_broken=kept.broken,
        solve_seconds=result.solve_seconds,
    )


def to_csv(table: list[Kpis]) -> str:
    """The KPI table as CSV text, one row per policy."""
    rows = [k.row() for k in table]
    columns = list(dict.fromkeys(c for r in rows for c in r))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def to_markdown(table: list[Kpis]) -> str:
    """The KPI table as Markdown: one row per KPI, one column per policy (read side by side)."""
    rows = [k.row() for k in table]
    columns = list(dict.fromkeys(c for r in rows for c in r if c != "policy"))
    lines = [
        "| KPI | " + " | ".join(str(r["policy"]) for r in rows) + " |",
        "|---|" + "---:|" * len(rows),
    ]
    for c in columns:
        lines.append(f"| {c} | " + " | ".join(_fmt(r.get(c, "")) for r in rows) + " |")
    return "\n".join(lines) + "\n"


def _fmt(value: object) -> str:
    if isinstance(value, float):
        return "-" if math.isnan(value) else f"{value:.3g}" if abs(value) < 1 else f"{value:,.1f}"
    return str(value)


def rich_table(table: list[Kpis]) -> object:
    """A :class:`rich.table.Table` with one row per KPI and one column per policy."""
    from rich.table import Table

    rows = [k.row() for k in table]
    out = Table(title="Policy comparison")
    out.add_column("KPI")
    for r in rows:
        out.add_column(str(r["policy"]), justify="right")
    for c in dict.fromkeys(c for r in rows for c in r if c != "policy"):
        out.add_row(c, *(_fmt(r.get(c, "")) for r in rows))
    return out
