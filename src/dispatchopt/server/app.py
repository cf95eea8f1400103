"""The FastAPI application: store and solve pool opened at start-up, closed at shutdown, the
security middleware around every request, errors as problem documents, and an OpenAPI
document that includes the request models the handlers read themselves.

A restart keeps every stored plan. Requests that were queued or running when the service
stopped are marked ``failed`` (:data:`~dispatchopt.server.runner.STOPPED_REASON`) rather than
re-run: a request that crashed the server would otherwise crash it again on every start.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from dispatchopt import __version__
from dispatchopt.lifecycle.store.sql import open_store
from dispatchopt.server.problems import install_handlers
from dispatchopt.server.routes import REQUEST_MODELS, router
from dispatchopt.server.runner import STOPPED_REASON, SolveRunner
from dispatchopt.server.security import ApiKeyMiddleware, BodyLimitMiddleware
from dispatchopt.server.service import Service
from dispatchopt.server.settings import ServerSettings

log = logging.getLogger("dispatchopt.server")


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document plus the schemas of the bodies read by hand."""
    if app.openapi_schema is None:
        doc = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        schemas = doc.setdefault("components", {}).setdefault("schemas", {})
        for model in REQUEST_MODELS:
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            for name, sub in schema.pop("$defs", {}).items():
                schemas.setdefault(name, sub)
            schemas[model.__name__] = schema
        app.openapi_schema = doc
    return app.openapi_schema


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """The service as an ASGI app (``uvicorn`` serves it; tests may too)."""
    settings = settings or ServerSettings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_store(settings.db)
        stopped = store.fail_unfinished_service_plans(STOPPED_REASON)
        if stopped:
            log.warning("%d plan(s) left unfinished by the last run marked failed", len(stopped))
        runner = SolveRunner(store, settings.db, workers=settings.workers, queue=settings.queue)
        runner.warm()
        app.state.service = Service(settings, store, runner)
        try:
            yield
        finally:
            runner.shutdown()
            store.close()

    app = FastAPI(
        title="dispatchopt",
        version=__version__,
        description="Field-service dispatch over HTTP: plan a day, follow the solve, validate, "
        "explain, insert a job, offer slots, re-plan after events, move tickets.",
        lifespan=lifespan,
    )
    app.include_router(router)
    install_handlers(app)
    # Added last runs first: the key is checked before any body is read.
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    app.add_middleware(ApiKeyMiddleware, key=settings.api_key)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


__all__ = ["create_app"]
