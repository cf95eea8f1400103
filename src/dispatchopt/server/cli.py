"""``dispatchopt serve``: the HTTP service on uvicorn (FastAPI loads only when it runs)."""

from __future__ import annotations

from typing import Annotated

import typer

from dispatchopt.errors import require_extra
from dispatchopt.lifecycle.store.repository import DEFAULT_DB


def serve_cli(
    db: Annotated[
        str, typer.Option("--db", help="Where plans and tickets are stored (SQLite path or URL).")
    ] = DEFAULT_DB,
    host: Annotated[
        str, typer.Option(help="Interface to listen on (anything but localhost needs an API key).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Solves running at once.")] = 2,
    queue: Annotated[int, typer.Option(min=0, help="Solves waiting; one more gets 429.")] = 8,
    max_body_mb: Annotated[
        float, typer.Option("--max-body-mb", min=0.001, help="Largest request body (MiB).")
    ] = 16.0,
    max_jobs: Annotated[int, typer.Option(min=1, help="Most jobs per request.")] = 2_000,
    max_engineers: Annotated[int, typer.Option(min=1, help="Most engineers per request.")] = 200,
    max_time_limit: Annotated[
        float, typer.Option(min=0.01, help="Longest search a request may ask for (seconds).")
    ] = 60.0,
) -> None:
    """Serve plans, live dispatch, tickets and the board over HTTP (needs the "server" extra).

    Set DISPATCHOPT_API_KEY to require an X-API-Key header (required off localhost), and
    DISPATCHOPT_OSRM_HOSTS to the OSRM hosts (comma-separated) problems may name."""
    from dispatchopt.cli import _fail

    try:
        require_extra("dispatchopt serve", "fastapi", "server")
        require_extra("dispatchopt serve", "uvicorn", "server")
        from dispatchopt.server.settings import ServerSettings

        settings = ServerSettings.from_env(
            db=db,
            host=host,
            port=port,
            workers=workers,
            queue=queue,
            max_body_mb=max_body_mb,
            max_jobs=max_jobs,
            max_engineers=max_engineers,
            max_time_limit=max_time_limit,
        )
        local = host in ("127.0.0.1", "localhost", "::1")
        if settings.api_key is None and not local:
            typer.echo(
                f"warning: listening on {host} without an API key: anyone who can reach it can "
                "plan on this machine; set DISPATCHOPT_API_KEY",
                err=True,
            )
        import uvicorn

        from dispatchopt.server.app import create_app
    except Exception as exc:  # noqa: BLE001 - the CLI never shows a traceback
        raise _fail(exc) from None
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")
