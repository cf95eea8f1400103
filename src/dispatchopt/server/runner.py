"""The bounded solve pool: at most ``workers`` solves run and ``queue`` wait; one more is refused
(:class:`QueueFull`, answered 429) before anything is stored, so an accepted request is never
lost and a refused one left nothing behind.

Solves run on a standard :class:`concurrent.futures.Executor` (a thread pool: OR-Tools, PyVRP
and VROOM release the GIL while they search). Each request's status lives in the store:
``queued`` when accepted, ``running``, then ``done`` with its plan or ``failed`` with the reason.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

from dispatchopt.errors import DispatchoptError
from dispatchopt.lifecycle.store.repository import ServicePlan
from dispatchopt.lifecycle.store.sql import SqlStore
from dispatchopt.models import Plan
from dispatchopt.solvers.progress import SolveProgress

log = logging.getLogger("dispatchopt.server")
T = TypeVar("T")

Work = Callable[[Callable[[SolveProgress], None]], Plan]
"""A solve to run: given a progress callback, returns the plan."""

STOPPED_REASON = "the server stopped before this plan was solved; send the request again"
"""The error of a request that was queued or running when the service stopped."""


class QueueFull(Exception):
    """Every worker is busy and the queue is full; try again in ``retry_after_s`` seconds."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"the solve queue is full; retry in {retry_after_s} s")
        self.retry_after_s = retry_after_s


class SolveRunner:
    """Runs plan requests on ``executor`` (default: a pool of ``workers`` threads), holding at
    most ``workers + queue`` at once, and records each one's status in ``store``."""

    def __init__(
        self, store: SqlStore, *, workers: int, queue: int, executor: Executor | None = None
    ) -> None:
        self.store = store
        self.capacity = workers + queue
        self._executor = executor or ThreadPoolExecutor(workers, thread_name_prefix="solve")
        self._lock = threading.Lock()
        self._held: dict[str, float] = {}  # id -> its time limit, for every accepted request
        self._started: dict[str, float] = {}  # id -> when its solve began (perf_counter)
        self._latest: dict[str, SolveProgress] = {}
        self._futures: dict[str, Future[None]] = {}

    @property
    def in_flight(self) -> int:
        """Requests accepted and not yet finished (running or waiting)."""
        with self._lock:
            return len(self._held)

    def submit(self, record: ServicePlan, time_limit: float, work: Work) -> None:
        """Store ``record`` as queued and hand ``work`` to the pool, or raise :class:`QueueFull`
        (nothing stored) when ``capacity`` requests are already held."""
        with self._lock:
            if len(self._held) >= self.capacity:
                raise QueueFull(self._retry_after())
            self._held[record.id] = time_limit
        try:
            self.store.add_service_plan(record)
            future = self._executor.submit(self._run, record.id, time_limit, work)
        except BaseException:
            self._release(record.id)
            raise
        with self._lock:
            if record.id in self._held:
                self._futures[record.id] = future

    def run_now(self, time_limit: float, work: Callable[[], T]) -> T:
        """Run ``work`` in the pool and wait for its result (an insert, slot offers, an
        explanation: quick answers, still bounded by the same pool); :class:`QueueFull` when
        the pool holds ``capacity`` requests already."""
        key = f"now-{uuid.uuid4().hex}"
        with self._lock:
            if len(self._held) >= self.capacity:
                raise QueueFull(self._retry_after())
            self._held[key] = time_limit
        try:
            future = self._executor.submit(self._timed, key, work)
            return future.result()
        finally:
            self._release(key)

    def _timed(self, key: str, work: Callable[[], T]) -> T:
        with self._lock:
            self._started[key] = time.perf_counter()
        return work()

    def _retry_after(self) -> int:
        """Seconds until a running solve should end (called with the lock held)."""
        now = time.perf_counter()
        left = [
            self._held[i] - (now - start) for i, start in self._started.items() if i in self._held
        ]
        return max(1, math.ceil(min(left, default=1.0)))

    def _release(self, plan_id: str) -> None:
        with self._lock:
            self._held.pop(plan_id, None)
            self._started.pop(plan_id, None)
            self._latest.pop(plan_id, None)
            self._futures.pop(plan_id, None)

    def progress(self, plan_id: str) -> dict[str, Any] | None:
        """How far the running solve ``plan_id`` is (``None`` when it is not running here)."""
        with self._lock:
            started = self._started.get(plan_id)
            limit = self._held.get(plan_id)
            latest = self._latest.get(plan_id)
        if started is None or limit is None:
            return None
        elapsed = time.perf_counter() - started
        return {
            "elapsed_s": round(elapsed, 3),
            "time_limit_s": limit,
            "fraction": round(min(1.0, elapsed / limit) if limit > 0 else 1.0, 3),
            "solutions": None if latest is None else latest.solutions,
            "objective": None if latest is None else latest.objective,
        }

    def _run(self, plan_id: str, time_limit: float, work: Work) -> None:
        try:
            with self._lock:
                self._started[plan_id] = time.perf_counter()
            self.store.update_service_plan(plan_id, "running")

            def on_progress(update: SolveProgress) -> None:
                with self._lock:
                    self._latest[plan_id] = update

            try:
                plan = work(on_progress)
            except DispatchoptError as exc:
                final = self.progress(plan_id)
                self.store.update_service_plan(plan_id, "failed", progress=final, error=str(exc))
                return
            except Exception as exc:  # noqa: BLE001 - recorded, logged, never lost
                log.exception("plan %s failed unexpectedly", plan_id)
                final = self.progress(plan_id)
                error = f"internal error ({type(exc).__name__}); this is a dispatchopt bug"
                self.store.update_service_plan(plan_id, "failed", progress=final, error=error)
                return
            final = self.progress(plan_id) or {}
            final["fraction"] = 1.0
            self.store.update_service_plan(plan_id, "done", progress=final, plan=plan.to_json(None))
        except Exception:  # noqa: BLE001 - the store itself failed: nothing more to record
            log.exception("plan %s: its status could not be stored", plan_id)
        finally:
            self._release(plan_id)

    def shutdown(self) -> list[str]:
        """Stop taking work: requests still waiting are marked failed (:data:`STOPPED_REASON`),
        running solves finish (each within its time limit). The ids marked failed."""
        with self._lock:
            waiting = [i for i, f in self._futures.items() if f.cancel()]
        for plan_id in waiting:
            self._release(plan_id)
        self._executor.shutdown(wait=True, cancel_futures=True)
        for plan_id in waiting:
            self.store.update_service_plan(plan_id, "failed", error=STOPPED_REASON)
        return sorted(waiting)


def now() -> datetime:
    """The time stamps of stored requests (UTC)."""
    return datetime.now(UTC)


__all__ = ["STOPPED_REASON", "QueueFull", "SolveRunner", "Work", "now"]
