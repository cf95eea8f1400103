"""Tickets -> Problem and Plan -> commands: what the solver may move, what it must keep."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from dispatchopt.errors import InputError
from dispatchopt.lifecycle import (
    Arrive,
    AwaitParts,
    Command,
    Depart,
    Dispatch,
    MarkReady,
    Resolve,
    Schedule,
    Ticket,
    Triage,
    Unschedule,
    apply,
    create,
    plan_to_commands,
    tickets_to_problem,
)
from dispatchopt.models import Lock, Plan, Route, Stop, Unassigned, UnassignedReason

from .conftest import DAY, at, engineer, spec


def ticket(ticket_id: str, *commands: Command, **extra: Any) -> Ticket:
    t, _ = create(spec(ticket_id, **extra), actor="desk", at=at("07:00"))
    for command in (Triage(), MarkReady(), *commands):
        t, _ = apply(t, command, actor="desk", at=at("07:30"))
    return t


def stop(job_id: str, start: datetime) -> Stop:
    return Stop(job_id=job_id, arrival=start, start=start, end=start + timedelta(minutes=45))


def route(engineer_id: str, *stops: Stop) -> Route:
    return Route(
        engineer_id=engineer_id, departure=at("08:00"), arrival=at("17:00"), stops=list(stops)
    )


@pytest.fixture
def board() -> list[Ticket]:
    """One ticket in each planning-relevant state."""
    return [
        ticket("ready"),
        ticket("scheduled", Schedule(engineer_id="e1", start=at("09:00"))),
        ticket("dispatched", Schedule(engineer_id="e2", start=at("10:00")), Dispatch()),
        ticket(
            "on-site", Schedule(engineer_id="e1", start=at("08:00")), Dispatch(), Depart(), Arrive()
        ),
        ticket("parts", AwaitParts(sku="PUMP-7")),
        ticket(
            "resolved",
            Schedule(engineer_id="e1", start=at("08:00")),
            Dispatch(),
            Depart(),
            Arrive(),
            Resolve(first_time_fix=True),
        ),  # fmt: skip
        ticket(
            "tomorrow",
            time_windows=[
                {"start": at("08:00") + timedelta(days=1), "end": at("17:00") + timedelta(days=1)}
            ],
        ),  # fmt: skip
    ]


def test_the_problem_frees_ready_and_scheduled_and_pins_dispatched_and_on_site(
    board: list[Ticket],
) -> None:
    problem = tickets_to_problem(board, [engineer("e1"), engineer("e2")], DAY.date)
    jobs = problem.job_by_id
    assert sorted(jobs) == ["dispatched", "on-site", "ready", "scheduled"]
    assert jobs["ready"].lock is None and jobs["scheduled"].lock is None
    assert jobs["dispatched"].lock == Lock(engineer_id="e2", start=at("10:00"))
    assert jobs["on-site"].lock == Lock(engineer_id="e1", start=at("08:00"))
    assert jobs["ready"].duration_minutes == 45
    assert jobs["ready"].time_windows[0].start == at("08:00")


def test_engineers_bring_only_the_days_shifts_and_off_duty_ones_stay_home(
    board: list[Ticket],
) -> None:
    two_days = engineer("e1").model_copy(
        update={"shifts": [*engineer("e1").shifts,
                           *[s.model_copy(update={"start": s.start + timedelta(days=1),
                                                  "end": s.end + timedelta(days=1)})
                             for s in engineer("e1").shifts]]}
    )  # fmt: skip
    problem = tickets_to_problem(
        [board[0]], [two_days, engineer("e2")], DAY.date + timedelta(days=1)
    )
    assert [e.id for e in problem.engineers] == ["e1"]
    assert problem.engineers[0].shifts[0].start == at("08:00") + timedelta(days=1)


def test_a_pinned_ticket_whose_engineer_is_off_that_day_is_an_input_error(
    board: list[Ticket],
) -> None:
    with pytest.raises(InputError, match="dispatched but its engineer has no shift"):
        tickets_to_problem(board, [engineer("e1")], DAY.date)


def test_the_plan_writes_back_as_schedule_and_unschedule_commands(board: list[Ticket]) -> None:
    plan = Plan(
        routes=[
            route("e1", stop("on-site", at("08:00")), stop("ready", at("11:00"))),
            route("e2", stop("dispatched", at("10:00"))),
        ],
        unassigned=[
            Unassigned(job_id="scheduled", reason=UnassignedReason.CAPACITY, detail="full")
        ],
    )
    assert plan_to_commands(plan, board) == [
        ("ready", Schedule(engineer_id="e1", start=at("11:00"))),
        ("scheduled", Unschedule()),
    ]


def test_a_scheduled_ticket_the_plan_leaves_in_place_gets_no_command(board: list[Ticket]) -> None:
    plan = Plan(routes=[route("e1", stop("scheduled", at("09:00")))])
    assert plan_to_commands(plan, board) == []
    moved = Plan(routes=[route("e2", stop("scheduled", at("09:00")))])
    assert plan_to_commands(moved, board) == [
        ("scheduled", Schedule(engineer_id="e2", start=at("09:00")))
    ]


def test_a_plan_that_moves_a_dispatched_ticket_is_refused(board: list[Ticket]) -> None:
    plan = Plan(routes=[route("e1", stop("dispatched", at("10:00")))])
    with pytest.raises(InputError, match="dispatched to e2 at 2026-03-02T10:00:00"):
        plan_to_commands(plan, board)


def test_a_plan_that_serves_a_ticket_waiting_for_parts_is_refused(board: list[Ticket]) -> None:
    plan = Plan(routes=[route("e1", stop("parts", at("10:00")))])
    with pytest.raises(InputError, match="awaiting_parts: not plannable"):
        plan_to_commands(plan, board)


def test_a_crew_job_is_scheduled_to_its_lead_only(board: list[Ticket]) -> None:
    crew = ["e2", "e1"]
    lead = stop("ready", at("11:00")).model_copy(update={"crew": crew})
    helper = stop("ready", at("11:00")).model_copy(update={"crew": crew})
    plan = Plan(routes=[route("e1", helper), route("e2", lead)])
    assert plan_to_commands(plan, board) == [
        ("ready", Schedule(engineer_id="e2", start=at("11:00")))
    ]
