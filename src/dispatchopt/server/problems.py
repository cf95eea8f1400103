"""Errors as RFC 9457 ``application/problem+json``: ``type``, ``title``, ``status``, ``detail``,
``instance``, plus ``field`` (the first bad field) and ``errors`` (every ``field``/``value``/
``message``, the same triples the CLI prints from :class:`~dispatchopt.errors.InputError`).

Every exception a request can raise maps to one of these; none shows a traceback.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from dispatchopt.errors import (
    DispatchoptError,
    FormatError,
    InputError,
    MissingExtraError,
    SolverError,
    StoreError,
)
from dispatchopt.lifecycle.errors import (
    DuplicateTicket,
    IllegalTransition,
    LifecycleError,
    TicketNotFound,
    VersionConflict,
)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "urn:dispatchopt:problem:"
"""Problem ``type`` URIs are ``urn:dispatchopt:problem:<slug>`` (the README lists the slugs)."""

log = logging.getLogger("dispatchopt.server")


class ApiError(Exception):
    """An answer other than success, said as a problem document (raised by the routes and the
    middleware; ``headers`` such as ``Retry-After`` or ``WWW-Authenticate`` go with it)."""

    def __init__(
        self,
        status: int,
        slug: str,
        title: str,
        detail: str,
        *,
        errors: list[tuple[str, Any, str]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.errors = errors or []
        self.headers = headers or {}


def _json_value(value: Any) -> Any:
    """A value as JSON can carry it (anything else as its ``repr``, cut short)."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str):
        return value if len(value) <= 200 else value[:200] + "..."
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


def problem_response(error: ApiError, instance: str = "") -> JSONResponse:
    """The problem document of ``error``."""
    body: dict[str, Any] = {
        "type": TYPE_BASE + error.slug,
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
    }
    if instance:
        body["instance"] = instance
    if error.errors:
        body["field"] = error.errors[0][0]
        body["errors"] = [
            {"field": f, "value": _json_value(v), "message": m} for f, v, m in error.errors
        ]
    return JSONResponse(
        body, status_code=error.status, headers=error.headers, media_type=MEDIA_TYPE
    )


def as_api_error(exc: Exception) -> ApiError:
    """The problem an exception stands for (anything not ours is a 500 that says nothing of
    the server's insides)."""
    match exc:
        case ApiError():
            return exc
        case FormatError():
            return ApiError(
                400, "malformed-body", "Malformed request body", str(exc), errors=exc.errors
            )
        case InputError():
            return ApiError(422, "invalid-input", "Invalid input", str(exc), errors=exc.errors)
        case TicketNotFound():
            return ApiError(404, "not-found", "Not found", str(exc))
        case IllegalTransition() | VersionConflict() | DuplicateTicket():
            return ApiError(409, "conflict", "Conflict with the ticket's state", str(exc))
        case LifecycleError():
            return ApiError(409, "conflict", "Conflict", str(exc))
        case StoreError():
            return ApiError(503, "store-unavailable", "Store unavailable", str(exc))
        case SolverError():
            return ApiError(500, "no-plan", "No plan could be made", str(exc))
        case MissingExtraError():
            return ApiError(501, "missing-extra", "Not installed on this server", str(exc))
        case DispatchoptError():
            return ApiError(500, "dispatchopt-error", "Request failed", str(exc))
    return ApiError(
        500,
        "internal",
        "Internal server error",
        "an unexpected error occurred; it has been logged (this is a dispatchopt bug)",
    )


def install_handlers(app: FastAPI) -> None:
    """Route every exception a request can raise to its problem document."""

    async def on_error(request: Request, exc: Exception) -> JSONResponse:
        error = as_api_error(exc)
        if error.status >= 500 and not isinstance(exc, ApiError | DispatchoptError):
            log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
        return problem_response(error, request.url.path)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            (".".join(str(p) for p in e.get("loc", ())), e.get("input"), str(e.get("msg", "")))
            for e in exc.errors()
        ]
        text = InputError(errors)
        return problem_response(
            ApiError(422, "invalid-input", "Invalid input", str(text), errors=errors),
            request.url.path,
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        error = ApiError(
            exc.status_code,
            slug,
            str(exc.detail),
            f"{request.method} {request.url.path}: {exc.detail}",
        )
        return problem_response(error, request.url.path)

    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(ApiError, on_error)
    app.add_exception_handler(DispatchoptError, on_error)
    app.add_exception_handler(Exception, on_error)


__all__ = [
    "MEDIA_TYPE",
    "TYPE_BASE",
    "ApiError",
    "as_api_error",
    "install_handlers",
    "problem_response",
]
