"""The bounded solve pool: at most ``workers`` solves run and ``queue`` wait; one more is refused
(:class:`QueueFull`, answered 429) before anything is stored, so an accepted request is never
lost and a refused one leaves nothing behind.

Solves run on a standard :class:`concurrent.futures.Executor`: by default a process pool
(started from a fork server that has the solvers imported, so a worker starts at once), since
the engines do not all release the GIL. A plan request is stored ``queued`` before it is handed
over; the worker marks it ``running`` and stores ``done`` with its plan or ``failed`` with the
reason (:mod:`dispatchopt.server.jobs`).
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import os
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar

from dispatchopt.lifecycle.store.repository import ServicePlan
from dispatchopt.lifecycle.store.sql import SqlStore

log = logging.getLogger("dispatchopt.server")
T = TypeVar("T")

STOPPED_REASON = "the server stopped before this plan was solved; send the request again"
"""The error of a request that was queued or running when the service stopped."""
LOST_REASON = "the solve's worker process died (out of memory?); send the request again"
"""The error of a request whose worker process ended without storing a result."""


class QueueFull(Exception):
    """Every worker is busy and the queue is full; try again in ``retry_after_s`` seconds."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"the solve queue is full; retry in {retry_after_s} s")
        self.retry_after_s = retry_after_s


WORKER_NICENESS = 5
"""Solver processes run this much nicer than the server, so that a machine busy solving still
answers requests (a solve gets every cycle the server does not need)."""


def _lower_priority() -> None:
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)


def process_pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` solver processes at a lower priority, forked from a server that has imported
    the solvers (spawned where there is no fork server)."""
    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["dispatchopt.server.jobs"])
    return ProcessPoolExecutor(workers, mp_context=context, initializer=_lower_priority)


class SolveRunner:
    """Runs plan requests on ``executor(workers)`` (default: :func:`process_pool`), holding at
    most ``workers + queue`` at once; ``db`` is the store the workers write results into. A
    pool broken by a worker that died is replaced on the next request."""

    def __init__(
        self,
        store: SqlStore,
        db: str,
        *,
        workers: int,
        queue: int,
        executor: Callable[[int], Executor] = process_pool,
    ) -> None:
        self.store, self.db = store, db
        self.capacity = workers + queue
        self._workers, self._new_executor = workers, executor
        self._executor = executor(workers)
        self._lock = threading.Lock()
        self._held: dict[str, float] = {}  # id -> its time limit, for every accepted request
        self._futures: dict[str, Future[Any]] = {}
        self._stopping = False

    @property
    def in_flight(self) -> int:
        """Requests accepted and not yet finished (running or waiting)."""
        with self._lock:
            return len(self._held)

    def _hold(self, key: str, time_limit: float) -> None:
        with self._lock:
            if self._stopping or len(self._held) >= self.capacity:
                retry = max(1, math.ceil(min(self._held.values(), default=1.0)))
                raise QueueFull(retry)
            self._held[key] = time_limit

    def _release(self, key: str) -> None:
        with self._lock:
            self._held.pop(key, None)
            self._futures.pop(key, None)

    def warm(self) -> None:
        """Start the pool's workers now (and the fork server they come from, which imports the
        solvers), so that the first requests do not wait for that."""
        ready = [self._executor.submit(os.getpid) for _ in range(self._workers)]
        for future in ready:
            future.result()

    def _submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """``executor.submit``, on a fresh pool when a dead worker broke the current one."""
        try:
            return self._executor.submit(fn, *args)
        except BrokenExecutor:
            log.warning("the solve pool was broken by a worker that died; starting a new one")
            with self._lock:
                self._executor = self._new_executor(self._workers)
            return self._executor.submit(fn, *args)

    def submit(self, record: ServicePlan, time_limit: float) -> None:
        """Store ``record`` as queued and hand it to the pool, or raise :class:`QueueFull`
        (nothing stored) when ``capacity`` requests are already held."""
        from dispatchopt.server.jobs import run_plan_request

        self._hold(record.id, time_limit)
        try:
            self.store.add_service_plan(record)
            future = self._submit(run_plan_request, self.db, record.id)
        except BaseException:
            self._release(record.id)
            raise
        with self._lock:
            self._futures[record.id] = future
        future.add_done_callback(lambda f: self._finished(record.id, f))

    def _finished(self, plan_id: str, future: Future[Any]) -> None:
        """A worker returned: release the slot; a worker that died left the request
        unfinished, so say so in the store."""
        self._release(plan_id)
        if future.cancelled():
            return
        if future.exception() is not None:
            log.error("plan %s: worker failed", plan_id, exc_info=future.exception())
            try:
                found = self.store.service_plan(plan_id)
                if found is not None and found.status in ("queued", "running"):
                    self.store.update_service_plan(plan_id, "failed", error=LOST_REASON)
            except Exception:  # noqa: BLE001 - the store is down too: the next start fails it
                log.exception("plan %s: its failure could not be stored", plan_id)

    def run_now(self, time_limit: float, work: Callable[..., T], *args: Any) -> T:
        """Run ``work(*args)`` in the pool and wait for its result (an insert, slot offers, an
        explanation: quick answers, bounded by the same pool); :class:`QueueFull` when the
        pool holds ``capacity`` requests already."""
        key = f"now-{uuid.uuid4().hex}"
        self._hold(key, time_limit)
        try:
            return self._submit(work, *args).result()
        finally:
            self._release(key)

    def shutdown(self) -> list[str]:
        """Stop taking work: requests still waiting are marked failed (:data:`STOPPED_REASON`),
        running solves finish (each within its time limit). The ids marked failed."""
        with self._lock:
            self._stopping = True
            futures = list(self._futures.items())
        # Outside the lock: cancelling runs the future's done callback, which takes it.
        waiting = [plan_id for plan_id, future in futures if future.cancel()]
        self._executor.shutdown(wait=True, cancel_futures=True)
        for plan_id in waiting:
            self.store.update_service_plan(plan_id, "failed", error=STOPPED_REASON)
        return sorted(waiting)


def now() -> datetime:
    """The time stamps of stored requests (UTC)."""
    return datetime.now(UTC)


__all__ = ["LOST_REASON", "STOPPED_REASON", "QueueFull", "SolveRunner", "now", "process_pool"]
