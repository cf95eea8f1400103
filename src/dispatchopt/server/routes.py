"""The service's endpoints: plans (solve, status, validate, explain), live dispatch on a plan
(insert, slots, events and re-plan), tickets (import, show, lifecycle commands), the board and
the health check. Thin: each parses, checks, calls the library, and says the result.

Handlers that read a body are ``async`` (the body is read once, by the size-limiting
middleware) and hand the work to a thread; solver work goes through the bounded pool.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from dispatchopt import __version__
from dispatchopt.lifecycle.commands import parse_command
from dispatchopt.lifecycle.importing import ImportBatch, import_batch
from dispatchopt.lifecycle.sla import sla_intervals
from dispatchopt.lifecycle.store.repository import ServicePlan
from dispatchopt.lifecycle.ticket import Ticket, TicketState
from dispatchopt.models import Plan, Problem
from dispatchopt.server import jobs
from dispatchopt.server.problems import ApiError
from dispatchopt.server.runner import QueueFull, now
from dispatchopt.server.schemas import (
    Accepted,
    AcceptRequest,
    CommandRequest,
    EventsRequest,
    ExplanationOut,
    Health,
    Imported,
    InsertRequest,
    Offers,
    PlanRequest,
    PlanStatus,
    Progress,
    SlotsRequest,
    TicketView,
    ValidateRequest,
    Violations,
)
from dispatchopt.server.service import Service, decode_json, new_id

router = APIRouter()
T = TypeVar("T")
REQUEST_MODELS: tuple[type[BaseModel], ...] = (
    PlanRequest,
    ValidateRequest,
    InsertRequest,
    SlotsRequest,
    AcceptRequest,
    EventsRequest,
    ImportBatch,
    CommandRequest,
)
"""Bodies read by hand (for the CLI's messages): their schemas are added to ``/openapi.json``."""


def _body(model: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI for a body a handler reads itself."""
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def _read(request: Request) -> tuple[Service, Any]:
    return _service(request), decode_json(await request.body())


def _queue_full(exc: QueueFull) -> ApiError:
    return ApiError(
        429,
        "queue-full",
        "Too many solves",
        f"every worker is busy and the queue is full; retry in {exc.retry_after_s} s "
        "(nothing was stored for this request)",
        headers={"Retry-After": str(exc.retry_after_s)},
    )


def _now_pool(service: Service, time_limit: float, work: Callable[..., T], *args: Any) -> T:
    try:
        return service.runner.run_now(time_limit, work, *args)
    except QueueFull as exc:
        raise _queue_full(exc) from None


def _progress(found: ServicePlan) -> Progress | None:
    """How far the solve is: seconds since its worker started it, of its time limit."""
    raw = found.progress
    if raw is None or "started_at" not in raw:
        return None
    limit = float(raw.get("time_limit_s") or 0.0)
    end = now() if found.status == "running" else found.updated_at
    elapsed = max(0.0, (end - datetime.fromisoformat(raw["started_at"])).total_seconds())
    fraction = 1.0 if found.status == "done" else min(0.99, elapsed / limit if limit else 0.0)
    return Progress(
        elapsed_s=round(elapsed, 3),
        time_limit_s=limit,
        fraction=round(fraction, 3),
        solutions=raw.get("solutions"),
        objective=raw.get("objective"),
    )


def _status(found: ServicePlan) -> PlanStatus:
    """The answer of ``GET /v1/plans/{id}`` for a stored request."""
    return PlanStatus(
        id=found.id,
        kind=found.kind,
        status=found.status,
        parent_id=found.parent_id,
        created_at=found.created_at,
        updated_at=found.updated_at,
        progress=_progress(found),
        plan=None if found.plan is None else Plan.from_json(found.plan),
        error=found.error,
        links={
            "self": f"/v1/plans/{found.id}",
            "board": f"/board/{found.id}",
            "explain": f"/v1/plans/{found.id}/explain",
        },
    )


def _enqueue(
    service: Service,
    response: Response,
    *,
    kind: str,
    problem: Problem,
    time_limit: float,
    params: dict[str, Any],
    parent_id: str | None = None,
) -> Accepted:
    moment = now()
    record = ServicePlan(
        id=new_id(),
        kind=kind,
        status="queued",
        parent_id=parent_id,
        problem=problem.model_dump_json(),
        params={"time_limit": time_limit, **params},
        created_at=moment,
        updated_at=moment,
    )
    try:
        service.runner.submit(record, time_limit)
    except QueueFull as exc:
        raise _queue_full(exc) from None
    location = f"/v1/plans/{record.id}"
    response.headers["Location"] = location
    return Accepted(id=record.id, status="queued", location=location)


def _store_done(
    service: Service, response: Response, kind: str, parent: str, problem: Problem, plan: Plan
) -> PlanStatus:
    """Store a plan made at once (an insert, a booked slot) as a new done plan."""
    moment = now()
    record = ServicePlan(
        id=new_id(),
        kind=kind,
        status="done",
        parent_id=parent,
        problem=problem.model_dump_json(),
        plan=plan.to_json(None),
        created_at=moment,
        updated_at=moment,
    )
    service.store.add_service_plan(record)
    response.headers["Location"] = f"/v1/plans/{record.id}"
    return _status(record)


# -- plans -------------------------------------------------------------------------------


@router.post(
    "/v1/plans",
    status_code=202,
    response_model=Accepted,
    openapi_extra=_body(PlanRequest),
    tags=["plans"],
)
async def create_plan(request: Request, response: Response) -> Accepted:
    """Queue a solve of ``problem``; 202 with the id (and ``Location``), 429 when full."""
    service, data = await _read(request)

    def run() -> Accepted:
        body = service.parse(PlanRequest, data)
        limit = service.time_limit(body.time_limit)
        return _enqueue(
            service,
            response,
            kind="solve",
            problem=body.problem,
            time_limit=limit,
            params={"seed": body.seed},
        )

    return await run_in_threadpool(run)


@router.get("/v1/plans/{plan_id}", response_model=PlanStatus, tags=["plans"])
def get_plan(plan_id: str, request: Request) -> PlanStatus:
    """A plan request's status, progress, and its plan once done (or error once failed)."""
    service = _service(request)
    return _status(service.record(plan_id))


@router.post(
    "/v1/validate", response_model=Violations, openapi_extra=_body(ValidateRequest), tags=["plans"]
)
async def validate_plan(request: Request) -> Violations:
    """Check ``plan`` against every hard rule of ``problem`` (the independent validator)."""
    service, data = await _read(request)

    def run() -> Violations:
        from dispatchopt.validate import validate

        body = service.parse(ValidateRequest, data)
        found = validate(body.problem, body.plan)
        return Violations(valid=not found, violations=found)

    return await run_in_threadpool(run)


@router.get("/v1/plans/{plan_id}/explain", response_model=ExplanationOut, tags=["plans"])
def explain_plan(
    plan_id: str,
    request: Request,
    budget: Annotated[float, Query(gt=0, description="Seconds for counterfactuals.")] = 2.0,
) -> ExplanationOut:
    """The plan's objective by term and engineer, and for each job left out the cheapest
    single changes that would let it in."""
    service = _service(request)
    budget = service.time_limit(budget, "budget")
    _, problem, plan = service.done(plan_id)
    return _now_pool(service, budget, jobs.explanation, problem, plan, budget)


# -- live dispatch on a done plan ---------------------------------------------------------


@router.post(
    "/v1/plans/{plan_id}/insert",
    status_code=201,
    response_model=PlanStatus,
    openapi_extra=_body(InsertRequest),
    tags=["live"],
)
async def insert(plan_id: str, request: Request, response: Response) -> PlanStatus:
    """Add a job to a done plan now; the new plan (every other appointment kept, validated)
    is stored under a new id."""
    service, data = await _read(request)

    def run() -> PlanStatus:
        body = service.parse(InsertRequest, data)
        limit = service.time_limit(body.time_limit)
        _, problem, plan = service.done(plan_id)
        update = _now_pool(service, limit, jobs.insert, problem, plan, body, limit)
        return _store_done(service, response, "insert", plan_id, update.problem, update.plan)

    return await run_in_threadpool(run)


@router.post(
    "/v1/plans/{plan_id}/slots",
    response_model=Offers,
    openapi_extra=_body(SlotsRequest),
    tags=["live"],
)
async def slots(plan_id: str, request: Request) -> Offers:
    """The appointment slots a job could be booked in on a done plan, cheapest first."""
    service, data = await _read(request)

    def run() -> Offers:
        body = service.parse(SlotsRequest, data)
        limit = service.time_limit(body.time_limit)
        _, problem, plan = service.done(plan_id)
        offers = _now_pool(service, limit, jobs.slots, problem, plan, body, limit)
        return Offers(offers=offers)

    return await run_in_threadpool(run)


@router.post(
    "/v1/plans/{plan_id}/slots/accept",
    status_code=201,
    response_model=PlanStatus,
    openapi_extra=_body(AcceptRequest),
    tags=["live"],
)
async def accept(plan_id: str, request: Request, response: Response) -> PlanStatus:
    """Book a job in one of the offered slots; the new plan is stored under a new id."""
    service, data = await _read(request)

    def run() -> PlanStatus:
        body = service.parse(AcceptRequest, data)
        limit = service.time_limit(body.time_limit)
        _, problem, plan = service.done(plan_id)
        update = _now_pool(service, limit, jobs.accept, problem, plan, body, limit)
        return _store_done(service, response, "accept", plan_id, update.problem, update.plan)

    return await run_in_threadpool(run)


@router.post(
    "/v1/plans/{plan_id}/events",
    status_code=202,
    response_model=Accepted,
    openapi_extra=_body(EventsRequest),
    tags=["live"],
)
async def events(plan_id: str, request: Request, response: Response) -> Accepted:
    """Apply events to a done plan's day and queue its re-plan (202 with the new plan's id)."""
    service, data = await _read(request)

    def run() -> Accepted:
        from dispatchopt.live import apply_event

        body = service.parse(EventsRequest, data)
        limit = service.time_limit(body.time_limit)
        _, problem, plan = service.done(plan_id)
        changed = problem
        for event in body.events:
            changed = apply_event(changed, plan, event, now=body.now)
        service.check_counts({"jobs": changed.jobs, "engineers": changed.engineers})

        return _enqueue(
            service,
            response,
            kind="replan",
            problem=changed,
            time_limit=limit,
            params={
                "seed": body.seed,
                "now": body.now.isoformat(),
                "events": [e.model_dump(mode="json") for e in body.events],
                "disruption": None
                if body.disruption is None
                else body.disruption.model_dump(mode="json"),
            },
            parent_id=plan_id,
        )

    return await run_in_threadpool(run)


# -- tickets -----------------------------------------------------------------------------


@router.post(
    "/v1/tickets/import",
    status_code=201,
    response_model=Imported,
    openapi_extra=_body(ImportBatch),
    tags=["tickets"],
)
async def import_tickets(request: Request) -> Imported:
    """Open tickets (with their intake steps) and store engineers, stock and planning settings,
    all in one transaction; a bare list is read as tickets."""
    service, data = await _read(request)

    def run() -> Imported:
        batch = service.parse(ImportBatch, {"tickets": data} if isinstance(data, list) else data)
        opened = import_batch(service.store, batch, actor="api")
        return Imported(
            tickets=[t.id for t in opened],
            engineers=len(batch.engineers),
            stock_lines=len(batch.stock),
        )

    return await run_in_threadpool(run)


@router.get("/v1/tickets", response_model=list[Ticket], tags=["tickets"])
def list_tickets(
    request: Request, state: Annotated[list[TicketState] | None, Query()] = None
) -> list[Ticket]:
    """Every ticket (or those in ``state``, repeatable), sorted by id."""
    return _service(request).store.tickets(state or None)


@router.get("/v1/tickets/{ticket_id}", response_model=TicketView, tags=["tickets"])
def get_ticket(ticket_id: str, request: Request) -> TicketView:
    """A ticket, its event log and its SLA timeline."""
    store = _service(request).store
    ticket = store.get(ticket_id)
    log = store.events(ticket_id)
    return TicketView(ticket=ticket, events=log, sla=sla_intervals(log))


@router.post(
    "/v1/tickets/{ticket_id}/commands",
    response_model=Ticket,
    openapi_extra=_body(CommandRequest),
    tags=["tickets"],
)
async def ticket_command(ticket_id: str, request: Request) -> Ticket:
    """Run one lifecycle command on a ticket (409 when its state does not allow it)."""
    service, data = await _read(request)

    def run() -> Ticket:
        body = service.parse(CommandRequest, data)
        command = parse_command(body.command, body.args)
        return service.store.execute(
            ticket_id, command, actor=body.actor, expected_version=body.expected_version
        )

    return await run_in_threadpool(run)


# -- the board and the health check -------------------------------------------------------


_WAITING_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">{refresh}<title>{title}</title></head>
<body style="font-family: system-ui, sans-serif; margin: 2rem"><h1>{title}</h1><p>{text}</p>
</body></html>
"""


@router.get("/board/{plan_id}", response_class=HTMLResponse, tags=["board"])
def board(plan_id: str, request: Request) -> HTMLResponse:
    """The dispatcher's board of a plan: a Gantt per engineer, the route map, the unassigned
    jobs and the KPIs, in one self-contained page (a page that refreshes while it solves)."""
    from dispatchopt.board import render_board

    service = _service(request)
    found = service.record(plan_id)
    if found.status == "done" and found.plan is not None:
        problem = Problem.model_validate_json(found.problem)
        return HTMLResponse(render_board(problem, Plan.from_json(found.plan)))
    title = html.escape(f"plan {plan_id}: {found.status}")
    if found.status == "failed":
        text, refresh = html.escape(found.error or "failed"), ""
    else:
        text, refresh = (
            "Still solving; this page refreshes itself.",
            ('<meta http-equiv="refresh" content="2">'),
        )
    page = _WAITING_PAGE.format(title=title, text=text, refresh=refresh)
    return HTMLResponse(page, status_code=200 if found.status == "failed" else 202)


@router.get("/healthz", response_model=Health, tags=["health"])
def healthz(request: Request) -> Health:
    """The service is up (open without the API key, for load balancers)."""
    runner = _service(request).runner
    return Health(
        status="ok", version=__version__, in_flight=runner.in_flight, capacity=runner.capacity
    )


__all__ = ["REQUEST_MODELS", "router"]
