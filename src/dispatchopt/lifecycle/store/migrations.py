"""The store's schema history: a list of numbered migrations applied in order when a store opens.

Never edit a released migration; append a new one. ``schema_version`` records which have run.
Each migration builds its own tables (a snapshot), so later changes to the queries' table
descriptions cannot change what an old migration creates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

_LOCK_KEY = 0x6469_7370_6F70  # arbitrary constant: "dispop", the PostgreSQL advisory lock id


@dataclass(frozen=True)
class Migration:
    """One schema step: ``apply`` runs inside the migrating transaction."""

    version: int
    description: str
    apply: Callable[[sa.Connection], None]


def _v1_initial(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "tickets",
        md,
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("state", sa.String(40), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    sa.Table(
        "ticket_events",
        md,
        sa.Column("ticket_id", sa.String(200), sa.ForeignKey("tickets.id"), primary_key=True),
        sa.Column("sequence", sa.Integer, primary_key=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", sa.String(40), nullable=False),
        sa.Column("from_state", sa.String(40), nullable=True),
        sa.Column("to_state", sa.String(40), nullable=False),
        sa.Column("command", sa.String(40), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
    )
    sa.Table(
        "engineers",
        md,
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    sa.Table(
        "parts_stock",
        md,
        sa.Column("sku", sa.String(200), primary_key=True),
        sa.Column("quantity", sa.Integer, sa.CheckConstraint("quantity >= 0"), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    sa.Table(
        "plans",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("day", sa.String(10), nullable=False, index=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("ticket_versions", sa.Text, nullable=False),
    )
    md.create_all(conn)


def _v2_settings(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "settings",
        md,
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    md.create_all(conn)


def _v3_service_plans(conn: sa.Connection) -> None:
    md = sa.MetaData()
    sa.Table(
        "service_plans",
        md,
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("parent_id", sa.String(64), nullable=True),
        sa.Column("problem", sa.Text, nullable=False),
        sa.Column("params", sa.Text, nullable=False),
        sa.Column("progress", sa.Text, nullable=True),
        sa.Column("plan", sa.Text, nullable=True),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("created_at", sa.String(40), nullable=False),
        sa.Column("updated_at", sa.String(40), nullable=False),
    )
    md.create_all(conn)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "tickets, ticket_events, engineers, parts_stock, plans", _v1_initial),
    Migration(2, "settings (parts, depots, SLA policies, ...)", _v2_settings),
    Migration(3, "service_plans (the HTTP service's plan requests and results)", _v3_service_plans),
)
"""Every migration, oldest first; versions are 1, 2, 3, ..."""

_SCHEMA_VERSION = sa.Table(
    "schema_version",
    sa.MetaData(),
    sa.Column("version", sa.Integer, primary_key=True),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)


def current_version(conn: sa.Connection) -> int:
    """The highest migration applied (0 for an empty database)."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return int(conn.execute(sa.select(sa.func.max(_SCHEMA_VERSION.c.version))).scalar() or 0)


def migrate(conn: sa.Connection) -> list[int]:
    """Bring the schema up to date inside the caller's transaction; the versions applied.

    Concurrent openers are serialised (an advisory lock on PostgreSQL, the write lock that the
    store's ``BEGIN IMMEDIATE`` takes on SQLite) so each migration runs once.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    _SCHEMA_VERSION.create(conn, checkfirst=True)
    done = current_version(conn)
    applied = []
    for migration in MIGRATIONS:
        if migration.version <= done:
            continue
        migration.apply(conn)
        conn.execute(
            _SCHEMA_VERSION.insert().values(
                version=migration.version,
                description=migration.description,
                applied_at=datetime.now(UTC).isoformat(),
            )
        )
        applied.append(migration.version)
    return applied
