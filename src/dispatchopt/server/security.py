"""What keeps the service safe to expose: the API key, the body size limit, and the rule that a
problem may name neither files on the server nor hosts outside an allow-list.

Without these, anyone who can reach the port could read the server's files (``road_graph.path``,
``matrix_file``), write into its folders (``cache_dir``) or make it call internal hosts
(``osrm.base_url``).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from dispatchopt.models import Problem
from dispatchopt.models.travel import MatrixFileTravel, OsrmTravel, RoadGraphTravel
from dispatchopt.server.problems import ApiError, problem_response
from dispatchopt.server.settings import ServerSettings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

API_KEY_HEADER = "x-api-key"
OPEN_PATHS = frozenset({"/healthz"})
"""Paths answered without the API key (a load balancer's health check)."""


def key_matches(given: str | None, expected: str) -> bool:
    """Whether ``given`` is the API key, compared in constant time (no timing oracle)."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


class ApiKeyMiddleware:
    """401 for every request without the right ``X-API-Key`` (when a key is set), before any
    body is read."""

    def __init__(self, app: ASGIApp, key: str | None) -> None:
        self.app, self.key = app, key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.key is None or scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        if key_matches(headers.get(API_KEY_HEADER), self.key):
            await self.app(scope, receive, send)
            return
        error = ApiError(
            401,
            "unauthorized",
            "Unauthorized",
            "send the service's API key in the X-API-Key header",
            headers={"WWW-Authenticate": "ApiKey"},
        )
        await problem_response(error, scope["path"])(scope, receive, send)


class BodyLimitMiddleware:
    """413 for a request body over ``limit`` bytes: refused by its ``Content-Length`` up front,
    or as soon as a streamed body passes the limit (it is never read whole)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    def _too_large(self, size: str) -> ApiError:
        return ApiError(
            413,
            "body-too-large",
            "Request body too large",
            f"the body is {size} bytes; this server takes at most {self.limit} (--max-body-mb)",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await problem_response(self._too_large(declared.decode()), scope["path"])(
                scope, receive, send
            )
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                error = self._too_large(f"more than {self.limit}")
                await problem_response(error, scope["path"])(scope, receive, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _forbidden(field: str, value: Any, why: str) -> ApiError:
    return ApiError(
        422,
        "forbidden-source",
        "The problem names something this server does not serve",
        f"{field}: {why}",
        errors=[(field, value, why)],
    )


def _host_allowed(url: str, allowed: tuple[str, ...]) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    with_port = f"{host}:{parts.port}" if parts.port is not None else host
    return any(entry.lower() in (host, with_port) for entry in allowed)


def check_sources(problem: Problem, settings: ServerSettings, where: str = "problem") -> None:
    """Refuse travel settings that read the server's files, write into its folders, or call a
    host outside ``settings.osrm_hosts`` (:class:`ApiError` 422 naming the field)."""
    travel = problem.travel
    field = f"{where}.travel"
    if isinstance(travel, RoadGraphTravel | MatrixFileTravel):
        raise _forbidden(
            f"{field}.path",
            travel.path,
            f"{travel.kind} travel reads a file on the server, which the HTTP service does not "
            "allow; send the matrix inline (kind 'matrix') or use haversine/OSRM travel",
        )
    cache_dir = getattr(travel, "cache_dir", None)
    if cache_dir is not None:
        raise _forbidden(
            f"{field}.cache_dir", cache_dir, "the HTTP service does not write into folders you name"
        )
    if isinstance(travel, OsrmTravel) and not _host_allowed(travel.base_url, settings.osrm_hosts):
        allowed = ", ".join(settings.osrm_hosts) or "none"
        raise _forbidden(
            f"{field}.base_url",
            travel.base_url,
            f"host not in this server's OSRM allow-list ({allowed}; set DISPATCHOPT_OSRM_HOSTS)",
        )


__all__ = [
    "API_KEY_HEADER",
    "OPEN_PATHS",
    "ApiKeyMiddleware",
    "BodyLimitMiddleware",
    "check_sources",
    "key_matches",
]
