"""Errors of the ticket lifecycle and its store, all rooted at :class:`DispatchoptError`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dispatchopt.errors import DispatchoptError, StoreError


class LifecycleError(DispatchoptError):
    """Base class of the lifecycle's own errors."""


class IllegalTransition(LifecycleError):
    """A command that the ticket's current state does not allow (``dispatch`` on a ``ready``
    ticket, ``resolve`` before ``arrive``, ...)."""

    def __init__(
        self, ticket_id: str, state: str, command: str, allowed_from: tuple[str, ...]
    ) -> None:
        self.ticket_id = ticket_id
        self.state = state
        self.command = command
        self.allowed_from = allowed_from
        super().__init__(
            f"ticket {ticket_id!r} is {state}: command {command!r} is only allowed from "
            f"{', '.join(allowed_from)}"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.ticket_id, self.state, self.command, self.allowed_from))


class TicketNotFound(LifecycleError, KeyError):
    """No ticket with that id in the store."""

    def __init__(self, ticket_id: str) -> None:
        self.ticket_id = ticket_id
        super().__init__(f"no ticket {ticket_id!r} in the store")

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.ticket_id,))


class DuplicateTicket(LifecycleError):
    """A ticket id that the store already holds."""

    def __init__(self, ticket_id: str) -> None:
        self.ticket_id = ticket_id
        super().__init__(f"ticket {ticket_id!r} already exists in the store")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.ticket_id,))


@dataclass(frozen=True)
class Conflict:
    """One ticket whose stored version moved on since the caller read it."""

    ticket_id: str
    expected_version: int
    actual_version: int | None  # None: the ticket is gone

    def __str__(self) -> str:
        actual = "missing" if self.actual_version is None else f"version {self.actual_version}"
        return f"{self.ticket_id}: read at version {self.expected_version}, store has {actual}"


class VersionConflict(LifecycleError, StoreError):
    """Optimistic concurrency: someone else changed these tickets first; nothing was written.

    ``conflicts`` lists every stale ticket, so a planner can re-read exactly those and re-plan.
    Left unresolved it is a store error (exit code 6 on the command line).
    """

    def __init__(self, conflicts: list[Conflict]) -> None:
        self.conflicts = conflicts
        super().__init__(
            f"{len(conflicts)} ticket(s) changed since they were read; nothing was written:\n  "
            + "\n  ".join(str(c) for c in conflicts)
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.conflicts,))


class ReplayError(LifecycleError):
    """An event log that does not replay: gaps, wrong order, or a recorded move the rules forbid."""
