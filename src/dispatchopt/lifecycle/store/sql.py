"""The SQLAlchemy 2 ticket store: SQLite by default (a file, WAL mode), PostgreSQL by URL.

Every database failure (an unreachable server, an unknown driver, a missing file, a broken
connection mid-write) comes out as one :class:`~dispatchopt.errors.StoreError` sentence, never
as a SQLAlchemy traceback; a transaction that fails changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy import event as sa_event

from dispatchopt.errors import InputError, StoreError
from dispatchopt.lifecycle import machine
from dispatchopt.lifecycle.commands import Command, Reopen, Schedule
from dispatchopt.lifecycle.errors import Conflict, DuplicateTicket, TicketNotFound, VersionConflict
from dispatchopt.lifecycle.events import TicketEvent
from dispatchopt.lifecycle.planning import plan_to_commands
from dispatchopt.lifecycle.settings import PlanningSettings
from dispatchopt.lifecycle.store.migrations import migrate
from dispatchopt.lifecycle.store.repository import (
    DEFAULT_DB,
    UNFINISHED,
    SavedPlan,
    ServicePlan,
    ServicePlanStatus,
)
from dispatchopt.lifecycle.store.schema import (
    engineers,
    parts_stock,
    plans,
    service_plans,
    settings,
    ticket_events,
    tickets,
)
from dispatchopt.lifecycle.ticket import Ticket, TicketSpec, TicketState
from dispatchopt.models import Engineer, Plan
from dispatchopt.models._bounds import MAX_QUANTITY
from dispatchopt.models._errors import input_errors

_WRITE = "dispatchopt_write"


def database_url(db: str | Path) -> sa.URL:
    """A SQLAlchemy URL from a file path (SQLite) or a URL; ``postgresql://`` gets psycopg 3."""
    text = str(db)
    if "://" not in text:
        return sa.URL.create("sqlite", database=text)
    try:
        url = sa.make_url(text)
    except sa.exc.ArgumentError:
        raise StoreError(f"--db {text!r} is not a database URL or a file path") from None
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


def _describe(url: sa.URL) -> str:
    """The database as a person names it (no password)."""
    if url.get_backend_name() == "sqlite":
        return f"SQLite file {url.database!r}"
    return url.render_as_string(hide_password=True)


def _store_error(url: sa.URL, exc: Exception) -> StoreError:
    """One sentence for a database failure: the driver's first line, not its traceback."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [type(orig).__name__])[0]
    return StoreError(f"database error on {_describe(url)}: {first}")


_SETTINGS_KEY = "planning"


def _upsert(conn: sa.Connection, table: sa.TableClause, key: str, row: dict[str, Any]) -> None:
    """Insert ``row`` or, when its ``key`` exists, update it in place (one statement, so a
    crash can never leave the row deleted and not yet re-inserted)."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table).values(row)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        stmt = sqlite_insert(table).values(row)
    others = {c: stmt.excluded[c] for c in row if c != key}
    conn.execute(stmt.on_conflict_do_update(index_elements=[key], set_=others))


def _ticket(ticket_id: str, data: str) -> Ticket:
    """The stored ticket row ``data``, or a :class:`StoreError` naming it when it no longer
    reads (never a raw validation traceback)."""
    try:
        return Ticket.model_validate_json(data)
    except ValidationError as exc:
        first = input_errors(exc)[0]
        raise StoreError(
            f"stored ticket {ticket_id!r} does not read: {first[0]}: {first[2]}"
        ) from None


def _check_references(conn: sa.Connection, command: Command) -> None:
    """Refuse a command naming what the store does not hold (``schedule`` to a ghost)."""
    if isinstance(command, Schedule):
        known = conn.execute(
            sa.select(engineers.c.id).where(engineers.c.id == command.engineer_id)
        ).first()
        if known is None:
            raise InputError(
                [("engineer_id", command.engineer_id, "no such engineer in the store")]
            )


class SqlStore:
    """A :class:`~dispatchopt.lifecycle.store.repository.TicketRepository` on SQLAlchemy.

    Opening applies any pending migration. Each public method is one transaction; ticket
    writes are checked against the version read (optimistic concurrency) and rows are locked
    while a transaction reads-then-writes them (``FOR UPDATE`` on PostgreSQL, the database
    write lock on SQLite). With ``create=False`` a SQLite file that does not exist is a
    :class:`StoreError` instead of a new empty database (a typo must not plan an empty day).
    """

    def __init__(self, db: str | Path = DEFAULT_DB, *, create: bool = True) -> None:
        self.url = database_url(db)
        sqlite = self.url.get_backend_name() == "sqlite"
        path = self.url.database
        if (
            sqlite
            and not create
            and path not in (None, "", ":memory:")
            and not Path(path).is_file()
        ):
            raise StoreError(f"no database file {path!r} (only `tickets import` creates one)")
        try:
            if sqlite:
                self._engine = sa.create_engine(self.url, connect_args={"timeout": 30})
                _tune_sqlite(self._engine)
            else:
                self._engine = sa.create_engine(self.url, pool_pre_ping=True)
        except sa.exc.NoSuchModuleError:
            raise StoreError(
                f"unknown database driver {self.url.drivername!r} in {_describe(self.url)} "
                "(use a file path, sqlite:///... or postgresql://...)"
            ) from None
        except (sa.exc.ArgumentError, ModuleNotFoundError) as exc:
            raise StoreError(f"cannot open {_describe(self.url)}: {exc}") from None
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
        try:
            with self._engine.connect() as conn:
                conn.execution_options(**{_WRITE: True})
                with conn.begin():
                    yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise _store_error(self.url, exc) from None

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        try:
            with self._engine.connect() as conn, conn.begin():
                yield conn
        except sa.exc.SQLAlchemyError as exc:
            raise _store_error(self.url, exc) from None

    def _load_for_update(self, conn: sa.Connection, ticket_id: str) -> Ticket:
        row = conn.execute(
            sa.select(tickets.c.data).where(tickets.c.id == ticket_id).with_for_update()
        ).first()
        if row is None:
            raise TicketNotFound(ticket_id)
        return _ticket(ticket_id, row.data)

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
        _check_references(conn, command)
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
        with self._write() as conn:
            return self._create(conn, spec, actor=actor, at=at or _now(), then=then)

    def _create(
        self,
        conn: sa.Connection,
        spec: TicketSpec,
        *,
        actor: str,
        at: datetime,
        then: Sequence[Command],
    ) -> Ticket:
        unknown = sorted({p.sku for p in spec.parts} - self._skus(conn))
        if unknown:
            raise InputError(
                [(f"tickets[{spec.id}].parts", unknown, "unknown SKU(s): not in the store's parts")]
            )
        ticket, created = machine.create(spec, actor=actor, at=at)
        log = [created]
        for command in then:
            _check_references(conn, command)
            ticket, event = machine.apply(ticket, command, actor=actor, at=at)
            log.append(event)
        self._insert(conn, ticket, log)
        return ticket

    def import_batch(
        self,
        items: Sequence[tuple[TicketSpec, Sequence[Command]]],
        *,
        engineers: Iterable[Engineer] = (),
        stock: dict[str, int] | None = None,
        planning: PlanningSettings | None = None,
        actor: str,
        at: datetime | None = None,
    ) -> list[Ticket]:
        """Store planning settings, stock and engineers, then open each ticket and run its
        intake steps, all in one transaction: a failure (a bad reference, a duplicate id, a
        crash) leaves nothing of the import behind, so it can simply be run again."""
        at = at or _now()
        with self._write() as conn:
            if planning is not None:
                self._put_settings(conn, planning)
            for sku, quantity in sorted((stock or {}).items()):
                self._set_stock(conn, sku, quantity)
            self._put_engineers(conn, engineers)
            return [self._create(conn, s, actor=actor, at=at, then=then) for s, then in items]

    def get(self, ticket_id: str) -> Ticket:
        """The ticket as stored now."""
        with self._read() as conn:
            row = conn.execute(sa.select(tickets.c.data).where(tickets.c.id == ticket_id)).first()
        if row is None:
            raise TicketNotFound(ticket_id)
        return _ticket(ticket_id, row.data)

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

    def tickets(
        self,
        states: Iterable[TicketState] | None = None,
        *,
        unreadable: dict[str, str] | None = None,
    ) -> list[Ticket]:
        """All tickets (or those in ``states``), sorted by id.

        A stored row that no longer reads as a ticket (written before a bound was tightened,
        or edited by hand) raises :class:`StoreError` naming it; with ``unreadable`` given it
        is recorded there (id -> why) and skipped instead, so the other tickets still plan."""
        query = sa.select(tickets.c.id, tickets.c.data).order_by(tickets.c.id)
        if states is not None:
            query = query.where(tickets.c.state.in_(sorted(TicketState(s).value for s in states)))
        with self._read() as conn:
            rows = conn.execute(query).all()
        out = []
        for r in rows:
            try:
                out.append(_ticket(r.id, r.data))
            except StoreError as exc:
                if unreadable is None:
                    raise
                unreadable[r.id] = str(exc)
        return out

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
        """Insert or replace engineers by id (an upsert); a van holding a SKU the store does
        not know is refused."""
        with self._write() as conn:
            self._put_engineers(conn, items)

    def _put_engineers(self, conn: sa.Connection, items: Iterable[Engineer]) -> None:
        now = _now().isoformat()
        items = list(items)
        known = self._skus(conn) if any(e.van_stock for e in items) else set()
        errors = [
            (f"engineers[{eng.id}].van_stock.{sku}", sku, "unknown SKU: not in the store's parts")
            for eng in items
            for sku in sorted(set(eng.van_stock) - known)
        ]
        if errors:
            raise InputError(errors)
        for eng in items:
            row = {"id": eng.id, "data": eng.model_dump_json(), "updated_at": now}
            _upsert(conn, engineers, "id", row)

    def _skus(self, conn: sa.Connection) -> set[str]:
        """Every SKU the store knows (see :class:`PlanningSettings`)."""
        stock = {r.sku: int(r.quantity) for r in conn.execute(sa.select(parts_stock))}
        return self._settings(conn).skus(stock)

    def put_settings(self, planning: PlanningSettings) -> None:
        """Replace the planning settings (parts, depots, SLA policies, calendar, objective)."""
        with self._write() as conn:
            self._put_settings(conn, planning)

    def _put_settings(self, conn: sa.Connection, planning: PlanningSettings) -> None:
        row = {
            "key": _SETTINGS_KEY,
            "data": planning.model_dump_json(),
            "updated_at": _now().isoformat(),
        }
        _upsert(conn, settings, "key", row)

    def settings(self) -> PlanningSettings:
        """The planning settings (empty ones when never imported)."""
        with self._read() as conn:
            return self._settings(conn)

    def _settings(self, conn: sa.Connection) -> PlanningSettings:
        data = conn.execute(
            sa.select(settings.c.data).where(settings.c.key == _SETTINGS_KEY)
        ).scalar()
        return PlanningSettings() if data is None else PlanningSettings.model_validate_json(data)

    def all_stock(self) -> dict[str, int]:
        """Every SKU on the store's shelf with its quantity."""
        with self._read() as conn:
            rows = conn.execute(sa.select(parts_stock).order_by(parts_stock.c.sku))
            return {r.sku: int(r.quantity) for r in rows}

    def engineers(self) -> list[Engineer]:
        """All engineers, sorted by id."""
        with self._read() as conn:
            rows = conn.execute(sa.select(engineers.c.data).order_by(engineers.c.id))
            return [Engineer.model_validate_json(r.data) for r in rows]

    def set_stock(self, sku: str, quantity: int) -> None:
        """Set the quantity on hand of ``sku`` (an upsert)."""
        with self._write() as conn:
            self._set_stock(conn, sku, quantity)

    def _set_stock(self, conn: sa.Connection, sku: str, quantity: int) -> None:
        if not 0 <= quantity <= MAX_QUANTITY:
            raise InputError(
                [(f"stock[{sku}]", quantity, f"quantity must be between 0 and {MAX_QUANTITY}")]
            )
        row = {"sku": sku, "quantity": quantity, "updated_at": _now().isoformat()}
        _upsert(conn, parts_stock, "sku", row)

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
            if have + delta > MAX_QUANTITY:
                raise InputError([(f"stock[{sku}]", delta, f"more than {MAX_QUANTITY} on hand")])
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
            current = {r.id: _ticket(r.id, r.data) for r in rows}
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

    # -- the HTTP service's plan requests ---------------------------------------------------

    def add_service_plan(self, record: ServicePlan) -> None:
        """Store a new plan request (its id must be new)."""
        row = {
            "id": record.id,
            "kind": record.kind,
            "status": record.status,
            "parent_id": record.parent_id,
            "problem": record.problem,
            "params": json.dumps(record.params, sort_keys=True),
            "progress": None if record.progress is None else json.dumps(record.progress),
            "plan": record.plan,
            "error": record.error,
            "created_at": record.created_at.isoformat(),
            "updated_at": record.updated_at.isoformat(),
        }
        with self._write() as conn:
            conn.execute(service_plans.insert().values(row))

    def service_plan(self, plan_id: str) -> ServicePlan | None:
        """The stored plan request ``plan_id`` (``None`` when there is none)."""
        with self._read() as conn:
            row = conn.execute(
                sa.select(service_plans).where(service_plans.c.id == plan_id)
            ).first()
        if row is None:
            return None
        return ServicePlan(
            id=row.id,
            kind=row.kind,
            status=row.status,
            parent_id=row.parent_id,
            problem=row.problem,
            params=json.loads(row.params),
            progress=None if row.progress is None else json.loads(row.progress),
            plan=row.plan,
            error=row.error,
            created_at=datetime.fromisoformat(row.created_at),
            updated_at=datetime.fromisoformat(row.updated_at),
        )

    def update_service_plan(
        self,
        plan_id: str,
        status: ServicePlanStatus,
        *,
        progress: dict[str, Any] | None = None,
        plan: str | None = None,
        error: str | None = None,
    ) -> None:
        """Move a plan request to ``status``, recording its progress, plan or error."""
        values: dict[str, Any] = {"status": status, "updated_at": _now().isoformat()}
        if progress is not None:
            values["progress"] = json.dumps(progress)
        if plan is not None:
            values["plan"] = plan
        if error is not None:
            values["error"] = error
        with self._write() as conn:
            conn.execute(service_plans.update().where(service_plans.c.id == plan_id).values(values))

    def fail_unfinished_service_plans(self, reason: str) -> list[str]:
        """Mark every queued or running plan request failed with ``reason`` (the service
        stopped before solving it); the ids marked, sorted."""
        with self._write() as conn:
            ids = sorted(
                r.id
                for r in conn.execute(
                    sa.select(service_plans.c.id).where(service_plans.c.status.in_(UNFINISHED))
                )
            )
            if ids:
                conn.execute(
                    service_plans.update()
                    .where(service_plans.c.id.in_(ids))
                    .values(status="failed", error=reason, updated_at=_now().isoformat())
                )
        return ids


def open_store(db: str | Path = DEFAULT_DB, *, create: bool = True) -> SqlStore:
    """Open (and migrate) the store at ``db``: a SQLite file path or a database URL;
    ``create=False`` refuses a SQLite file that does not exist yet."""
    return SqlStore(db, create=create)
