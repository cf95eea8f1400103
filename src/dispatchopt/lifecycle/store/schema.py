"""The current tables as the store's queries see them (the migrations create them)."""

from __future__ import annotations

import sqlalchemy as sa

tickets = sa.table(
    "tickets",
    sa.column("id", sa.String),
    sa.column("state", sa.String),
    sa.column("version", sa.Integer),
    sa.column("data", sa.Text),
    sa.column("updated_at", sa.String),
)

ticket_events = sa.table(
    "ticket_events",
    sa.column("ticket_id", sa.String),
    sa.column("sequence", sa.Integer),
    sa.column("actor", sa.String),
    sa.column("at", sa.String),
    sa.column("from_state", sa.String),
    sa.column("to_state", sa.String),
    sa.column("command", sa.String),
    sa.column("payload", sa.Text),
)

engineers = sa.table(
    "engineers",
    sa.column("id", sa.String),
    sa.column("data", sa.Text),
    sa.column("updated_at", sa.String),
)

parts_stock = sa.table(
    "parts_stock",
    sa.column("sku", sa.String),
    sa.column("quantity", sa.Integer),
    sa.column("updated_at", sa.String),
)

settings = sa.table(
    "settings",
    sa.column("key", sa.String),
    sa.column("data", sa.Text),
    sa.column("updated_at", sa.String),
)

plans = sa.table(
    "plans",
    sa.column("id", sa.Integer),
    sa.column("day", sa.String),
    sa.column("created_at", sa.String),
    sa.column("actor", sa.String),
    sa.column("data", sa.Text),
    sa.column("ticket_versions", sa.Text),
)

service_plans = sa.table(
    "service_plans",
    sa.column("id", sa.String),
    sa.column("kind", sa.String),
    sa.column("status", sa.String),
    sa.column("parent_id", sa.String),
    sa.column("problem", sa.Text),
    sa.column("params", sa.Text),
    sa.column("progress", sa.Text),
    sa.column("plan", sa.Text),
    sa.column("error", sa.Text),
    sa.column("created_at", sa.String),
    sa.column("updated_at", sa.String),
)
"""Plan requests of the HTTP service (``dispatchopt serve``): the problem, how it is solved, its
status and, once done, the plan (``problem``/``params``/``progress`` are JSON text)."""
