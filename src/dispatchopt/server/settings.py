"""What ``dispatchopt serve`` runs with: where plans are stored, the solve pool, and the limits.

The limits keep one caller from taking the service down (a huge body, a 10 000-job day, an hour
of search) and the source rules keep it from reading the server's files or reaching its network
for whoever calls it. Plain data, no web framework: the CLI builds it before FastAPI loads.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dispatchopt.lifecycle.store.repository import DEFAULT_DB

API_KEY_ENV = "DISPATCHOPT_API_KEY"
"""The environment variable holding the API key callers must send as ``X-API-Key``."""
OSRM_HOSTS_ENV = "DISPATCHOPT_OSRM_HOSTS"
"""Comma-separated ``host`` or ``host:port`` entries a problem's ``osrm.base_url`` may name."""


class ServerSettings(BaseModel):
    """The service's settings; :meth:`from_env` adds the API key and the OSRM allow-list from
    the environment (secrets stay off the command line, where ``ps`` shows them)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    db: str = DEFAULT_DB
    """Where plans (and tickets) are stored: a SQLite file path or a database URL."""
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    workers: int = Field(default=2, ge=1, le=256)
    """Solves running at once."""
    queue: int = Field(default=8, ge=0, le=100_000)
    """Solves waiting for a worker; one more is answered 429."""
    max_body_mb: float = Field(default=16.0, gt=0)
    max_jobs: int = Field(default=2_000, ge=1)
    max_engineers: int = Field(default=200, ge=1)
    max_time_limit: float = Field(default=60.0, gt=0)
    """The longest search a request may ask for (seconds), for plans, re-plans and explanations."""
    default_time_limit: float = Field(default=10.0, gt=0)
    """The search time of a request that gives none (at most ``max_time_limit``)."""
    api_key: str | None = Field(default=None, repr=False)
    osrm_hosts: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _shared_store(self) -> ServerSettings:
        # The solve workers are other processes: they must reach the same database.
        if self.db.strip() in ("", ":memory:", "sqlite://", "sqlite:///:memory:"):
            raise ValueError(
                f"db {self.db!r}: the service needs a database file or server (its solve "
                "workers are separate processes), not an in-memory one"
            )
        return self

    @model_validator(mode="after")
    def _default_within_cap(self) -> ServerSettings:
        if self.default_time_limit > self.max_time_limit:
            object.__setattr__(self, "default_time_limit", self.max_time_limit)
        return self

    @property
    def max_body_bytes(self) -> int:
        """``max_body_mb`` in bytes."""
        return int(self.max_body_mb * 1024 * 1024)

    @classmethod
    def from_env(cls, **options: Any) -> ServerSettings:
        """Settings from ``options``, with :data:`API_KEY_ENV` and :data:`OSRM_HOSTS_ENV` read
        from the environment unless given; bad values raise
        :class:`~dispatchopt.errors.InputError` naming the setting."""
        from dispatchopt.models._errors import validate_or_raise

        key = os.environ.get(API_KEY_ENV) or None
        hosts = tuple(h.strip() for h in os.environ.get(OSRM_HOSTS_ENV, "").split(",") if h.strip())
        return validate_or_raise(cls, {"api_key": key, "osrm_hosts": hosts, **options})


__all__ = ["API_KEY_ENV", "OSRM_HOSTS_ENV", "ServerSettings"]
