"""The SQLAlchemy 2 ticket store: SQLite by default (a file, WAL mode), PostgreSQL by URL."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event as sa_event

from dispatchopt.errors import InputError
from dispatchopt.lifecycle import machine
from dispatchopt.lifecycle.commands import Command, Reopen
from dispatchopt.lifecycle.errors import Conflict, DuplicateTicket, TicketNotFound, VersionConflict
from dispatchopt.lifecycle.events import TicketEvent
from dispatchopt.lifecycle.planning import plan_to_commands
from dispatchopt.lifecycle.store.migrations import migrate
from dispatchopt.lifecycle.store.repository import DEFAULT_DB, SavedPlan
from dispatchopt.lifecycle.store.schema import engineers, parts_stock, plans, ticket_events, tickets
from dispatchopt.lifecycle.ticket import Ticket, TicketSpec, TicketState
from dispatchopt.models import Engineer, Plan

_WRITE = "dispatchopt_write"


def database_url(db: str | Path) -> sa.URL:
    """A SQLAlchemy URL from a file path (SQLite) or a URL; ``postgresql://`` gets psycopg 3."""
    text = str(db)
    if "://" not in text:
        return sa.URL.create("sqlite", database=text)
    try:
        url = sa.make_url(text)
    except sa.exc.ArgumentError:
        raise InputError([("db", text, "not a database URL or file path")]) from None
    if url.drivername in {"postgresql", "postgres"}:
        url = url.set(drivername="postgresql+psycopg")
    return url


def _tune_sqlite(engine: sa.Engine) -> None:
    """WAL (readers never block the writer), foreign keys on, and transactions we start
    ourselves so that writes can take the write lock up front (``BEGIN IMMEDIATE``): a
    read-then-write transaction can then never fail half-way on a lock upgrade."""

    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the driver must not issue its own BEGIN
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa_event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _now() -> datetime:
    return datetime.now(UTC)


def _event_row(event: TicketEvent) -> dict[str, Any]:
    return {
        "ticket_id": event.ticket_id,
        "sequence": event.sequence,
        "actor": event.actor,
        "at": event.at.isoformat(),
        "from_state": None if event.from_state is None else event.from_state.value,
        "to_state": event.to_state.value,
        "command": event.command,
        "payload": json.dumps(event.payload, sort_keys=True),
    }


def _ticket_row(ticket: Ticket, at: datetime) -> dict[str, Any]:
    return {
        "id": ticket.id,
        "state": ticket.state.value,
        "version": ticket.version,
        "data": ticket.model_dump_json(),
        "updated_at": at.isoformat(),
    }


class SqlStore:
    """A :class:`~dispatchopt.lifecycle.store.repository.TicketRepository` on SQLAlchemy.

    Opening applies any pending migration. Each public method is one transaction; ticket
    writes are checked against the version read (optimistic concurrency) and rows are locked
    while a transaction reads-then-writes them (``FOR UPDATE`` on PostgreSQL, the database
    write lock on SQLite).
    """

    def __init__(self, db: str | Path = DEFAULT_DB) -> None:
        self.url = database_url(db)
        if self.url.get_backend_name() == "sqlite":
            self._engine = sa.create_engine(self.url, connect_args={"timeout": 30})
            _tune_sqlite(self._engine)
        else:
            self._engine = sa.create_engine(self.url, pool_pre_ping=True)
        with self._write() as conn:
            migrate(conn)

    # -- plumbing ----------------------------------------------------------------------

    def close(self) -> None:
        """Release every pooled connection."""
        self._engine.dispose()

    def __enter__(self) -> SqlStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with self._engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self._engine.connect() as conn, conn.begin():
            yield conn

    def _load_for_update(self, conn: sa.Connection, ticket_id: str) -> Ticket:
        row = conn.execute(
            sa.select(tickets.c.data).where(tickets.c.id == ticket_id).with_for_update()
        ).first()
        if row is None:
            raise TicketNotFound(ticket_id)
        return Ticket.model_validate_json(row.data)

    def _insert(self, conn: sa.Connection, ticket: Ticket, events: list[TicketEvent]) -> None:
        exists = conn.execute(sa.select(tickets.c.id).where(tickets.c.id == ticket.id)).first()
        if exists is not None:
            raise DuplicateTicket(ticket.id)
        conn.execute(tickets.insert().values(_ticket_row(ticket, events[-1].at)))
        conn.execute(ticket_events.insert(), [_event_row(e) for e in events])

    def _update(
        self, conn: sa.Connection, read_version: int, ticket: Ticket, event: TicketEvent
    ) -> None:
        """Write ``ticket`` only if the row still has ``read_version`` (compare-and-set)."""
        result = conn.execute(
            tickets.update()
            .where(tickets.c.id == ticket.id, tickets.c.version == read_version)
            .values(_ticket_row(ticket, event.at))
        )
        if result.rowcount != 1:
            actual = conn.execute(
                sa.select(tickets.c.version).where(tickets.c.id == ticket.id)
            ).scalar()
            raise VersionConflict([Conflict(ticket.id, read_version, actual)])
        conn.execute(ticket_events.insert().values(_event_row(event)))

    def _run(
        self, conn: sa.Connection, ticket: Ticket, command: Command, actor: str, at: datetime
    ) -> Ticket:
        after, event = machine.apply(ticket, command, actor=actor, at=at)
        self._update(conn, ticket.version, after, event)
        if isinstance(command, Reopen):
            visit, created = machine.repeat_visit(after, actor=actor, at=at)
            self._insert(conn, visit, [created])
        return after

    # -- tickets -----------------------------------------------------------------------

    def create_ticket(
        self,
        spec: TicketSpec,
        *,
        actor: str,
        at: datetime | None = None,
        then: Sequence[Command] = (),
    ) -> Ticket:
        """Open a ticket and run ``then`` on it (e.g. ``[Triage(), MarkReady()]``), atomically."""
        at = at or _now()
        ticket, created = machine.create(spec, actor=actor, at=at)
        log = [created]
        for command in then:
            ticket, event = machine.apply(ticket, command, actor=actor, at=at)
            log.append(event)
        with self._write() as conn:
            self._insert(conn, ticket, log)
        return ticket

    def get(self, ticket_id: str) -> Ticket:
        """The ticket as stored now."""
        with self._read() as conn:
            row = conn.execute(sa.select(tickets.c.data).where(tickets.c.id == ticket_id)).first()
        if row is None:
            raise TicketNotFound(ticket_id)
        return Ticket.model_validate_json(row.data)

    def events(self, ticket_id: str) -> list[TicketEvent]:
        """The ticket's log, oldest first."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(ticket_events)
                .where(ticket_events.c.ticket_id == ticket_id)
                .order_by(ticket_events.c.sequence)
            ).all()
        if not rows:
            raise TicketNotFound(ticket_id)
        return [
            TicketEvent(
                ticket_id=r.ticket_id,
                sequence=r.sequence,
                actor=r.actor,
                at=datetime.fromisoformat(r.at),
                from_state=None if r.from_state is None else TicketState(r.from_state),
                to_state=TicketState(r.to_state),
                command=r.command,
                payload=json.loads(r.payload),
            )
            for r in rows
        ]

    def tickets(self, states: Iterable[TicketState] | None = None) -> list[Ticket]:
        """All tickets (or those in ``states``), sorted by id."""
        query = sa.select(tickets.c.data).order_by(tickets.c.id)
        if states is not None:
            query = query.where(tickets.c.state.in_(sorted(TicketState(s).value for s in states)))
        with self._read() as conn:
            return [Ticket.model_validate_json(r.data) for r in conn.execute(query)]

    def execute(
        self,
        ticket_id: str,
        command: Command,
        *,
        actor: str,
        at: datetime | None = None,
        expected_version: int | None = None,
    ) -> Ticket:
        """Run one command on a stored ticket and append its event, atomically.

        With ``expected_version`` (the version the caller's decision was based on) a ticket
        that has moved on raises :class:`VersionConflict` instead; a ``reopen`` also stores the
        repeat visit it opens.
        """
        with self._write() as conn:
            ticket = self._load_for_update(conn, ticket_id)
            if expected_version is not None and ticket.version != expected_version:
                raise VersionConflict([Conflict(ticket_id, expected_version, ticket.version)])
            return self._run(conn, ticket, command, actor, at or _now())

    # -- engineers and parts -----------------------------------------------------------

    def put_engineers(self, items: Iterable[Engineer]) -> None:
        """Insert or replace engineers by id."""
        now = _now().isoformat()
        with self._write() as conn:
            for eng in items:
                conn.execute(engineers.delete().where(engineers.c.id == eng.id))
                conn.execute(
                    engineers.insert().values(id=eng.id, data=eng.model_dump_json(), updated_at=now)
                )

    def engineers(self) -> list[Engineer]:
        """All engineers, sorted by id."""
        with self._read() as conn:
            rows = conn.execute(sa.select(engineers.c.data).order_by(engineers.c.id))
            return [Engineer.model_validate_json(r.data) for r in rows]

    def set_stock(self, sku: str, quantity: int) -> None:
        """Set the quantity on hand of ``sku``."""
        if quantity < 0:
            raise InputError([(f"stock[{sku}]", quantity, "quantity cannot be negative")])
        with self._write() as conn:
            conn.execute(parts_stock.delete().where(parts_stock.c.sku == sku))
            conn.execute(
                parts_stock.insert().values(
                    sku=sku, quantity=quantity, updated_at=_now().isoformat()
                )
            )

    def adjust_stock(self, sku: str, delta: int) -> int:
        """Add ``delta`` (negative: take parts) in one statement, so concurrent pickers never
        lose a count; raises :class:`InputError` when the stock would go below zero."""
        with self._write() as conn:
            row = conn.execute(
                sa.select(parts_stock.c.quantity).where(parts_stock.c.sku == sku).with_for_update()
            ).first()
            have = 0 if row is None else int(row.quantity)
            if have + delta < 0:
                raise InputError([(f"stock[{sku}]", delta, f"only {have} on hand")])
            if row is None:
                conn.execute(
                    parts_stock.insert().values(
                        sku=sku, quantity=delta, updated_at=_now().isoformat()
                    )
                )
            else:
                conn.execute(
                    parts_stock.update()
                    .where(parts_stock.c.sku == sku)
                    .values(quantity=parts_stock.c.quantity + delta, updated_at=_now().isoformat())
                )
            return have + delta

    def stock(self, sku: str) -> int:
        """Quantity on hand of ``sku`` (0 when never stocked)."""
        with self._read() as conn:
            value = conn.execute(
                sa.select(parts_stock.c.quantity).where(parts_stock.c.sku == sku)
            ).scalar()
        return int(value or 0)

    # -- plans -------------------------------------------------------------------------

    def save_plan(
        self,
        plan: Plan,
        tickets_read: Sequence[Ticket],
        *,
        day: date,
        actor: str,
        at: datetime | None = None,
    ) -> SavedPlan:
        """Write ``plan`` back as ``schedule``/``unschedule`` commands and store the plan, all in
        one transaction. ``tickets_read`` are the tickets the plan was built from; if any of them
        changed since (another dispatcher, a technician's app), :class:`VersionConflict` lists
        every stale one and nothing is written."""
        at = at or _now()
        ids = sorted({t.id for t in tickets_read})
        with self._write() as conn:
            rows = conn.execute(
                sa.select(tickets.c.id, tickets.c.data)
                .where(tickets.c.id.in_(ids))
                .order_by(tickets.c.id)
                .with_for_update()
            ).all()
            current = {r.id: Ticket.model_validate_json(r.data) for r in rows}
            conflicts = [
                Conflict(t.id, t.version, current[t.id].version if t.id in current else None)
                for t in sorted(tickets_read, key=lambda t: t.id)
                if t.id not in current or current[t.id].version != t.version
            ]
            if conflicts:
                raise VersionConflict(conflicts)
            commands = plan_to_commands(plan, tickets_read)
            for ticket_id, command in commands:
                current[ticket_id] = self._run(conn, current[ticket_id], command, actor, at)
            plan_id = conn.execute(
                plans.insert()
                .values(
                    day=day.isoformat(),
                    created_at=at.isoformat(),
                    actor=actor,
                    data=plan.to_json(indent=None),
                    ticket_versions=json.dumps(
                        {i: current[i].version for i in ids}, sort_keys=True
                    ),
                )
                .returning(plans.c.id)
            ).scalar_one()
        return SavedPlan(
            plan_id=int(plan_id),
            day=day,
            commands=[(tid, c.kind) for tid, c in commands],
            tickets=[current[i] for i in ids],
        )

    def plans(self, day: date) -> list[tuple[int, Plan]]:
        """The plans stored for ``day``, oldest first, with their row ids."""
        with self._read() as conn:
            rows = conn.execute(
                sa.select(plans.c.id, plans.c.data)
                .where(plans.c.day == day.isoformat())
                .order_by(plans.c.id)
            ).all()
        return [(int(r.id), Plan.from_json(r.data)) for r in rows]


def open_store(db: str | Path = DEFAULT_DB) -> SqlStore:
    """Open (and migrate) the store at ``db``: a SQLite file path or a database URL."""
    return SqlStore(db)
