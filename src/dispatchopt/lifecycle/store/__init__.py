"""Ticket stores: the repository interface and its SQLAlchemy implementation with migrations."""

from dispatchopt.lifecycle.store.repository import SavedPlan, TicketRepository
from dispatchopt.lifecycle.store.sql import DEFAULT_DB, SqlStore, database_url, open_store

__all__ = ["DEFAULT_DB", "SavedPlan", "SqlStore", "TicketRepository", "database_url", "open_store"]
