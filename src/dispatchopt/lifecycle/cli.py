"""The ``dispatchopt tickets`` sub-commands and the plan-from-database entry point.

Building ``tickets_app`` imports nothing heavy: each command loads the SQL store (SQLAlchemy)
when it runs, so ``dispatchopt --help`` and unrelated commands never pay for it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from dispatchopt.errors import DispatchoptError, InputError
from dispatchopt.lifecycle.commands import parse_command
from dispatchopt.lifecycle.importing import import_batch, read_import
from dispatchopt.lifecycle.replan import Replan, replan_day
from dispatchopt.lifecycle.sla import sla_intervals
from dispatchopt.lifecycle.store.repository import DEFAULT_DB
from dispatchopt.lifecycle.ticket import TicketState
from dispatchopt.models import Plan, TravelSettings
from dispatchopt.models._bounds import check_text

if TYPE_CHECKING:
    from dispatchopt.live.replan import Disruption

Solve = Callable[..., Plan]
"""``solve(problem, *, time_limit) -> Plan``, like :func:`dispatchopt.solve`."""

tickets_app = typer.Typer(
    name="tickets",
    help="Import, list, show and move tickets in a ticket database.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Db = Annotated[
    str, typer.Option("--db", help="SQLite file path or database URL (postgresql://...).")
]
Actor = Annotated[str, typer.Option("--by", help="Who does this (recorded in the event log).")]


def _fail(exc: Exception) -> typer.Exit:
    """Print ``exc`` as a message (never a traceback), exiting with the main CLI's code for it
    (:func:`dispatchopt.cli.exit_code`)."""
    from dispatchopt.cli import _fail as fail

    return fail(exc)


def _when(moment: datetime | None) -> str:
    return "" if moment is None else moment.isoformat(timespec="minutes")


@tickets_app.command("import")
def import_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="JSON: a list of tickets, or an object with tickets, engineers and stock."
        ),
    ],
    db: Db = DEFAULT_DB,
    actor: Actor = "import",
) -> None:
    """Open the file's tickets (logging each intake step) and store its engineers and stock."""
    from dispatchopt.lifecycle.store.sql import open_store

    try:
        batch = read_import(file)
        with open_store(db) as store:
            opened = import_batch(store, batch, actor=actor)
    except DispatchoptError as exc:
        raise _fail(exc) from None
    Console(highlight=False).print(
        f"imported {len(opened)} ticket(s), {len(batch.engineers)} engineer(s), "
        f"{len(batch.stock)} stock line(s) into {db} (one transaction: all of it or, "
        "on any error, none of it)"
    )


@tickets_app.command("list")
def list_cmd(
    db: Db = DEFAULT_DB,
    state: Annotated[
        list[TicketState] | None, typer.Option("--state", help="Only these states (repeatable).")
    ] = None,
) -> None:
    """One line per ticket: state, version, engineer and start."""
    from dispatchopt.lifecycle.store.sql import open_store

    try:
        with open_store(db, create=False) as store:
            found = store.tickets(state or None)
    except DispatchoptError as exc:
        raise _fail(exc) from None
    table = Table("ticket", "state", "version", "engineer", "start", "customer")
    for t in found:
        table.add_row(
            t.id, t.state.value, str(t.version), t.engineer_id or "", _when(t.start), t.customer
        )
    Console(highlight=False).print(table)


@tickets_app.command("show")
def show_cmd(
    ticket_id: Annotated[str, typer.Argument(help="The ticket's id.")],
    db: Db = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead.")] = False,
) -> None:
    """A ticket's state, its event log and its SLA timeline."""
    from dispatchopt.lifecycle.store.sql import open_store

    try:
        with open_store(db, create=False) as store:
            ticket = store.get(ticket_id)
            log = store.events(ticket_id)
    except DispatchoptError as exc:
        raise _fail(exc) from None
    sla = sla_intervals(log)
    console = Console(highlight=False)
    if as_json:
        out = {
            "ticket": ticket.model_dump(mode="json"),
            "events": [e.model_dump(mode="json") for e in log],
            "sla": sla.model_dump(mode="json"),
        }
        console.print_json(json.dumps(out))
        return
    console.print(
        f"{ticket.id}  {ticket.state.value}  (version {ticket.version})  "
        f"engineer {ticket.engineer_id or '-'}  start {_when(ticket.start) or '-'}",
        markup=False,
    )
    # one plain line per event: stays readable in narrow terminals and in logs
    for e in log:
        shown = e.command != "create" and e.payload
        payload = json.dumps(e.payload, sort_keys=True) if shown else ""
        moved = f"{e.from_state.value if e.from_state else '-'} -> {e.to_state.value}"
        console.print(
            f"  #{e.sequence} {_when(e.at)} {e.actor}: {e.command} ({moved}) {payload}".rstrip(),
            markup=False,
            soft_wrap=True,
        )
    console.print(f"SLA clock started {_when(sla.started)}; stopped {_when(sla.stopped) or '-'}")
    for pause in sla.paused:
        console.print(
            f"  paused {_when(pause.start)} .. {_when(pause.end) or 'now'} ({pause.reason})"
        )


@tickets_app.command("do")
def do_cmd(
    ticket_id: Annotated[str, typer.Argument(help="The ticket's id.")],
    command: Annotated[
        str,
        typer.Argument(
            help="triage, schedule, dispatch, depart, arrive, resolve, close, cancel, reopen, ..."
        ),
    ],
    db: Db = DEFAULT_DB,
    arg: Annotated[
        list[str] | None,
        typer.Option("--set", help="A command argument as key=value (repeatable)."),
    ] = None,
    actor: Actor = "cli",
) -> None:
    """Run one lifecycle command on a ticket, e.g. ``do T1 dispatch`` or
    ``do T1 resolve --set first_time_fix=true``."""
    payload: dict[str, Any] = {}
    for item in arg or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise _fail(InputError([("--set", item, "expected key=value")]))
        try:
            payload[check_text(key)] = check_text(value)
        except ValueError as exc:
            raise _fail(InputError([("--set", item, str(exc))])) from None
    from dispatchopt.lifecycle.store.sql import open_store

    try:
        cmd = parse_command(command, payload)
        with open_store(db, create=False) as store:
            ticket = store.execute(ticket_id, cmd, actor=actor)
    except DispatchoptError as exc:
        raise _fail(exc) from None
    Console(highlight=False).print(
        f"{ticket.id}: {command} -> {ticket.state.value} (version {ticket.version})"
    )


Day = Annotated[
    datetime,
    typer.Option("--date", formats=["%Y-%m-%d"], help="The local day to book on (as plan --db)."),
]
Now = Annotated[
    str | None,
    typer.Option("--now", help="The moment of booking, ISO 8601 with offset (default: the clock)."),
]


@tickets_app.command("slots")
def slots_cmd(
    ticket_id: Annotated[str, typer.Argument(help="A ready ticket's id.")],
    day: Day,
    db: Db = DEFAULT_DB,
    now: Now = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Most slots listed.")] = 8,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead.")] = False,
) -> None:
    """The slots a ready ticket can be booked into on --date without moving any other visit,
    cheapest first, numbered for ``tickets book --slot K``."""
    from dispatchopt.lifecycle.booking import ticket_offers
    from dispatchopt.lifecycle.store.sql import open_store

    try:
        with open_store(db, create=False) as store:
            found = ticket_offers(store, ticket_id, day.date(), now=_moment(now), limit=limit)
    except DispatchoptError as exc:
        raise _fail(exc) from None
    if as_json:
        typer.echo(json.dumps([o.model_dump(mode="json") for o in found.offers], indent=2))
        return
    table = Table(title=f"Slots for {ticket_id} on {day.date()}")
    for column in ("slot", "window", "engineer", "start", "added cost"):
        table.add_column(column)
    for k, o in enumerate(found.offers, 1):
        table.add_row(
            str(k),
            f"{_when(o.window.start)} - {_when(o.window.end)}",
            o.engineer_id,
            _when(o.start),
            f"{o.added_cost:.2f}",
        )
    Console(highlight=False).print(table if found.offers else f"no slot for {ticket_id}")


@tickets_app.command("book")
def book_cmd(
    ticket_id: Annotated[str, typer.Argument(help="A ready ticket's id.")],
    day: Day,
    slot: Annotated[int, typer.Option("--slot", min=1, help="The slot number tickets slots gave.")],
    db: Db = DEFAULT_DB,
    now: Now = None,
    actor: Actor = "cli",
) -> None:
    """Book a ready ticket into slot K of ``tickets slots`` (same --date and --now): one
    schedule command with the slot's window as the customer's appointment; no other ticket
    changes and the day is not re-planned."""
    from dispatchopt.lifecycle.booking import book_ticket
    from dispatchopt.lifecycle.store.sql import open_store

    try:
        with open_store(db, create=False) as store:
            ticket, offer = book_ticket(
                store, ticket_id, day.date(), slot, now=_moment(now), actor=actor
            )
    except DispatchoptError as exc:
        raise _fail(exc) from None
    Console(highlight=False).print(
        f"{ticket.id}: booked {_when(offer.window.start)} - {_when(offer.window.end)} with "
        f"{ticket.engineer_id}, start {_when(ticket.start)} (version {ticket.version})"
    )


def _moment(now: str | None) -> datetime:
    """``--now`` as an aware moment (the clock when not given)."""
    if now is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(now)
    except ValueError:
        raise _fail(InputError([("--now", now, "not an ISO 8601 moment")])) from None
    if moment.tzinfo is None:
        raise _fail(InputError([("--now", now, "give a UTC offset, e.g. +01:00")]))
    return moment


def replan_from_db(
    db_url: str,
    date: date,
    time_limit: float,
    solve: Solve | None = None,
    *,
    actor: str = "planner",
    travel: TravelSettings | None = None,
    seed: int = 0,
    allow_worse: bool = False,
    tz: tzinfo | None = None,
    disruption: Disruption | None = None,
    now: datetime | None = None,
) -> Replan:
    """Plan ``date``'s ready and scheduled tickets (dispatched / en-route / on-site ones pinned)
    from the database and write the kept plan back as ``schedule``/``unschedule`` commands
    (:func:`~dispatchopt.lifecycle.replan.replan_day`: validated, never worse than the current
    schedule or the greedy baseline unless ``allow_worse``, rebased when tickets changed
    meanwhile). ``date`` is a local day in ``tz`` (default: the store's calendar zone, else its
    shifts' offset, else UTC). The database must exist (:class:`StoreError` otherwise).
    ``disruption``: re-plan from the current schedule at ``now``, keeping its appointments
    (see :func:`~dispatchopt.lifecycle.replan.replan_day`)."""
    from dispatchopt.lifecycle.store.sql import open_store

    if solve is None:
        from dispatchopt.solvers.front_door import solve as front_door

        solve = front_door
    with open_store(db_url, create=False) as store:
        return replan_day(
            store,
            date,
            solve,
            time_limit=time_limit,
            actor=actor,
            travel=travel,
            seed=seed,
            allow_worse=allow_worse,
            tz=tz,
            disruption=disruption,
            now=now,
        )


def plan_from_db(
    db_url: str,
    date: date,
    time_limit: float,
    solve: Solve | None = None,
    *,
    actor: str = "planner",
    travel: TravelSettings | None = None,
) -> Plan:
    """:func:`replan_from_db`, returning the plan kept."""
    return replan_from_db(db_url, date, time_limit, solve, actor=actor, travel=travel).plan


def plan_command(
    db: Db = DEFAULT_DB,
    day: Annotated[
        datetime | None,
        typer.Option(
            "--date",
            formats=["%Y-%m-%d"],
            help="The day to plan, local to the store's calendar or shifts (default today).",
        ),
    ] = None,
    time_limit: Annotated[float, typer.Option("--time-limit", help="Solver seconds.")] = 10.0,
) -> None:
    """Plan a day from the ticket database and write the schedule back (for ``dispatchopt plan
    --db``; the main CLI registers it)."""
    from dispatchopt.io.report import print_plan

    when = day.date() if day is not None else datetime.now(UTC).date()
    try:
        result = replan_from_db(db, when, time_limit)
    except DispatchoptError as exc:
        raise _fail(exc) from None
    console = Console(highlight=False)
    print_plan(result.plan, console)
    for line in result.log:
        console.print(line, markup=False)
