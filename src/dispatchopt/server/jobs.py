"""What a solve-pool worker process runs: a stored plan request, solved and written back, or a
quick piece of live-dispatch work whose result goes back to the request.

Workers are separate processes because the engines do not all release the GIL (a VROOM or
OR-Tools search can hold it for its whole time limit), and a server whose event loop stalls
for a solve could not even answer 429. A plan request travels as its id alone: the worker
reads it from the store, marks it running, reports progress, and stores the plan or the error.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from dispatchopt.errors import DispatchoptError
from dispatchopt.lifecycle.store.sql import SqlStore, open_store
from dispatchopt.live import Update, accept_offer, insert_job, offer_slots, replan
from dispatchopt.live.replan import Disruption
from dispatchopt.live.slots import SlotOffer
from dispatchopt.models import Plan, Problem
from dispatchopt.server.schemas import (
    AcceptRequest,
    ExplanationOut,
    InsertRequest,
    SlotsRequest,
)
from dispatchopt.solvers import solve
from dispatchopt.solvers.progress import SolveProgress

log = logging.getLogger("dispatchopt.server")

PROGRESS_EVERY_S = 0.5
"""A worker writes a solve's progress to the store at most this often."""

_STORES: dict[str, SqlStore] = {}


def _store(db: str) -> SqlStore:
    """The worker's store for ``db`` (opened once per process)."""
    if db not in _STORES:
        _STORES[db] = open_store(db)
    return _STORES[db]


def _progress(started: datetime, limit: float, update: SolveProgress | None) -> dict[str, Any]:
    return {
        "started_at": started.isoformat(),
        "time_limit_s": limit,
        "solutions": None if update is None else update.solutions,
        "objective": None if update is None else update.objective,
    }


def run_plan_request(db: str, plan_id: str) -> None:
    """Solve the stored request ``plan_id`` (a ``solve`` of its problem, or a ``replan`` of its
    changed problem from its parent's plan) and store its plan, or why it failed."""
    store = _store(db)
    record = store.service_plan(plan_id)
    if record is None:
        return
    limit = float(record.params["time_limit"])
    seed = int(record.params.get("seed", 0))
    started = datetime.now(UTC)
    store.update_service_plan(plan_id, "running", progress=_progress(started, limit, None))
    last = time.perf_counter()
    latest: SolveProgress | None = None

    def on_progress(update: SolveProgress) -> None:
        nonlocal last, latest
        latest = update
        if time.perf_counter() - last >= PROGRESS_EVERY_S:
            last = time.perf_counter()
            store.update_service_plan(
                plan_id, "running", progress=_progress(started, limit, update)
            )

    try:
        problem = Problem.model_validate_json(record.problem)
        if record.kind == "replan":
            parent = store.service_plan(record.parent_id or "")
            if parent is None or parent.plan is None:
                raise DispatchoptError(f"the plan {record.parent_id!r} to re-plan is gone")
            disruption = record.params.get("disruption")
            plan = replan(
                problem,
                Plan.from_json(parent.plan),
                now=datetime.fromisoformat(record.params["now"]),
                time_limit=limit,
                disruption=None if disruption is None else Disruption.model_validate(disruption),
                seed=seed,
            )
        else:
            plan = solve(problem, time_limit=limit, seed=seed, progress=on_progress)
    except DispatchoptError as exc:
        store.update_service_plan(plan_id, "failed", error=str(exc))
        return
    except Exception as exc:  # noqa: BLE001 - recorded and logged, never lost
        log.exception("plan %s failed unexpectedly", plan_id)
        error = f"internal error ({type(exc).__name__}); this is a dispatchopt bug"
        store.update_service_plan(plan_id, "failed", error=error)
        return
    final = _progress(started, limit, latest) | {"finished_at": datetime.now(UTC).isoformat()}
    store.update_service_plan(plan_id, "done", progress=final, plan=plan.to_json(None))


def insert(problem: Problem, plan: Plan, body: InsertRequest, time_limit: float) -> Update:
    """:func:`dispatchopt.live.insert_job` for ``POST /v1/plans/{id}/insert``."""
    return insert_job(
        problem,
        plan,
        body.job,
        now=body.now,
        time_limit=time_limit,
        frozen_minutes=body.frozen_minutes,
        engineers=body.engineers,
    )


def slots(problem: Problem, plan: Plan, body: SlotsRequest, time_limit: float) -> list[SlotOffer]:
    """:func:`dispatchopt.live.offer_slots` for ``POST /v1/plans/{id}/slots``."""
    return offer_slots(
        problem,
        plan,
        body.job,
        now=body.now,
        slots=body.slots,
        days=body.days,
        limit=body.limit,
        time_limit=time_limit,
    )


def accept(problem: Problem, plan: Plan, body: AcceptRequest, time_limit: float) -> Update:
    """:func:`dispatchopt.live.accept_offer` for ``POST /v1/plans/{id}/slots/accept``."""
    return accept_offer(problem, plan, body.job, body.offer, now=body.now, time_limit=time_limit)


def explanation(problem: Problem, plan: Plan, budget_s: float) -> ExplanationOut:
    """:func:`dispatchopt.explain.explain` for ``GET /v1/plans/{id}/explain``."""
    from dispatchopt.explain import explain

    result = explain(problem, plan, budget_s=budget_s)
    b = result.breakdown
    return ExplanationOut(
        total=b.total,
        by_term=b.by_term,
        by_engineer=b.by_engineer,
        by_job=b.by_job,
        plan=result.plan,
    )


__all__ = ["accept", "explanation", "insert", "run_plan_request", "slots"]
