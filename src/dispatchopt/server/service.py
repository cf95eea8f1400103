"""What every route works with: the settings, the store and the solve pool, plus the checks
each request goes through (body parsing, limits, sources) so that every route applies them
the same way."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel

from dispatchopt.errors import FormatError, InputError
from dispatchopt.io.json_files import parse_json_text
from dispatchopt.lifecycle.store.repository import ServicePlan
from dispatchopt.lifecycle.store.sql import SqlStore
from dispatchopt.models import Plan, Problem
from dispatchopt.models._errors import validate_or_raise
from dispatchopt.server.problems import ApiError
from dispatchopt.server.runner import SolveRunner
from dispatchopt.server.security import check_sources
from dispatchopt.server.settings import ServerSettings

M = TypeVar("M", bound=BaseModel)


def new_id() -> str:
    """A plan request's id: random, so ids say nothing of how many requests others made."""
    return uuid.uuid4().hex


def decode_json(raw: bytes) -> Any:
    """The request body as JSON, with the file reader's checks (UTF-8, finite numbers, bounded
    nesting); a :class:`FormatError` naming ``body`` otherwise."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FormatError([("body", None, f"not UTF-8 text (byte offset {exc.start})")]) from None
    if not text.strip():
        raise FormatError([("body", None, "empty: send a JSON object")])
    return parse_json_text(text, "body")


@dataclass
class Service:
    """The running service's parts."""

    settings: ServerSettings
    store: SqlStore
    runner: SolveRunner

    def parse(self, model: type[M], data: Any) -> M:
        """``data`` as ``model``: a problem in it is counted against the limits first, then
        read with the CLI's messages (fields named ``problem.jobs[0]...``) and its sources
        checked."""
        if not isinstance(data, dict):
            raise InputError([("body", type(data).__name__, "expected a JSON object")])
        raw_problem = data.get("problem")
        if "problem" in model.model_fields and isinstance(raw_problem, dict):
            self.check_counts(raw_problem)
            data = {**data, "problem": self.problem(raw_problem)}
        return validate_or_raise(model, data)

    def problem(self, data: dict[str, Any], where: str = "problem") -> Problem:
        """Read a problem (errors name ``where.field``) and check its travel sources."""
        try:
            problem = Problem.from_data(data)
        except InputError as exc:
            raise InputError(
                [(where if f == "(root)" else f"{where}.{f}", v, m) for f, v, m in exc.errors]
            ) from None
        check_sources(problem, self.settings, where)
        return problem

    def check_counts(self, data: dict[str, Any]) -> None:
        """413 for more jobs or engineers than this server plans per request."""
        limits = (("jobs", self.settings.max_jobs), ("engineers", self.settings.max_engineers))
        for key, most in limits:
            items = data.get(key)
            if isinstance(items, list) and len(items) > most:
                raise ApiError(
                    413,
                    "too-many-" + key,
                    f"Too many {key}",
                    f"problem.{key}: {len(items)} {key}; this server plans at most {most} per "
                    f"request (--max-{key})",
                    errors=[(f"problem.{key}", len(items), f"at most {most} on this server")],
                )

    def time_limit(self, requested: float | None, field: str = "time_limit") -> float:
        """The search time of a request: its own, or the default; over the cap is refused."""
        if requested is None:
            return self.settings.default_time_limit
        most = self.settings.max_time_limit
        if requested > most:
            raise ApiError(
                422,
                "time-limit-too-long",
                "Time limit too long",
                f"{field}: {requested} s is more than this server's {most} s (--max-time-limit)",
                errors=[(field, requested, f"at most {most} s on this server")],
            )
        return requested

    def record(self, plan_id: str) -> ServicePlan:
        """The stored request ``plan_id`` (404 when there is none)."""
        found = self.store.service_plan(plan_id)
        if found is None:
            raise ApiError(404, "not-found", "Not found", f"no plan {plan_id!r} on this server")
        return found

    def done(self, plan_id: str) -> tuple[ServicePlan, Problem, Plan]:
        """A finished plan with its problem (409 while it is queued or running, or failed)."""
        found = self.record(plan_id)
        if found.status != "done" or found.plan is None:
            raise ApiError(
                409,
                "plan-not-done",
                "Plan not done",
                f"plan {plan_id!r} is {found.status}; this needs a done plan",
            )
        return found, Problem.model_validate_json(found.problem), Plan.from_json(found.plan)


__all__ = ["Service", "decode_json", "new_id"]
