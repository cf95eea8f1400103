"""Errors of the travel models that are not the caller's input: a routing service that fails."""

from __future__ import annotations

from dispatchopt.errors import DispatchoptError


class TravelServiceError(DispatchoptError):
    """A travel-time service (e.g. OSRM) is unreachable, too slow, or answered with an error.

    ``url`` is the request that failed last (``None`` when none was sent) and ``code`` the
    service's error code or HTTP status, so an operator can tell "server down" from "bad query".
    """

    def __init__(self, message: str, *, url: str | None = None, code: str | None = None) -> None:
        self.url = url
        self.code = code
        super().__init__(message)


class TravelServiceWarning(UserWarning):
    """A travel-time service failed and the caller's chosen fallback model was used instead."""
