"""Ticket stores: the repository interface and its SQLAlchemy implementation with migrations.

The SQLAlchemy store loads on first use (``SqlStore``, ``open_store``, ``database_url``), so
importing the interface, or a CLI that only registers its commands, does not load SQLAlchemy.
"""

from typing import TYPE_CHECKING, Any

from dispatchopt.lifecycle.store.repository import DEFAULT_DB, SavedPlan, TicketRepository

if TYPE_CHECKING:
    from dispatchopt.lifecycle.store.sql import SqlStore, database_url, open_store

_LAZY = frozenset({"SqlStore", "database_url", "open_store"})


def __getattr__(name: str) -> Any:
    """Load the SQLAlchemy store only when one of its names is first asked for."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module("dispatchopt.lifecycle.store.sql"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'dispatchopt.lifecycle.store' has no attribute {name!r}")


__all__ = ["DEFAULT_DB", "SavedPlan", "SqlStore", "TicketRepository", "database_url", "open_store"]
