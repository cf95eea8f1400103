"""Ticket stores: the repository interface and its SQLAlchemy implementation with migrations.

The SQLAlchemy store loads on first use (``SqlStore``, ``open_store``, ``database_url``), so
importing the interface, or a CLI that only registers its commands, does not load SQLAlchemy.
"""

from typing import TYPE_CHECKING

from dispatchopt._lazy import lazy_getattr
from dispatchopt.lifecycle.store.repository import (
    DEFAULT_DB,
    SavedPlan,
    ServicePlan,
    TicketRepository,
)

if TYPE_CHECKING:
    from dispatchopt.lifecycle.store.sql import SqlStore, database_url, open_store

__getattr__ = lazy_getattr(
    "dispatchopt.lifecycle.store",
    {
        "SqlStore": "dispatchopt.lifecycle.store.sql",
        "database_url": "dispatchopt.lifecycle.store.sql",
        "open_store": "dispatchopt.lifecycle.store.sql",
    },
)


__all__ = [
    "DEFAULT_DB",
    "SavedPlan",
    "ServicePlan",
    "SqlStore",
    "TicketRepository",
    "database_url",
    "open_store",
]
