"""Where independent solves run: a Dask cluster (started here, or one already running) seen
through the standard ``concurrent.futures.Executor`` interface.

``dispatchopt plan --workers N`` / ``--scheduler tcp://HOST:PORT`` and ``dispatchopt simulate
--workers`` come through :func:`dask_cluster`; the region planner and the scenario sweep only
see its executor and scatter, so a thread pool serves them just as well in tests. Dask loads
only when a cluster is asked for (the ``dask`` extra).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from dispatchopt.errors import ClusterError, InputError, require_extra
from dispatchopt.models import Plan, Problem
from dispatchopt.solvers.stop import Deadline

RETRIES = 2
"""A task whose worker dies (killed, out of memory) is run again elsewhere this many times."""
REPLICAS = 2
"""Workers that hold each scattered item: data that lived only on a dead worker is lost to the
cluster (its tasks are cancelled, not retried), so every item is kept on two."""
CONNECT_TIMEOUT_S = 10.0
"""How long to wait for an existing scheduler to answer before saying it cannot be reached."""


@dataclass(frozen=True)
class Cluster:
    """A running cluster as the planners use it."""

    executor: Executor
    """Submits picklable calls; each task retried :data:`RETRIES` times if its worker dies."""
    client: Any
    """The ``distributed.Client`` (for ``scatter`` and for anyone who wants more)."""
    slots: int
    """Tasks the cluster runs at once (its worker threads)."""
    address: str

    def scatter(self, items: list[Any]) -> list[Any]:
        """Send ``items`` to the workers once (each kept on :data:`REPLICAS` of them, so a
        worker's death loses none); the returned futures stand for them in tasks."""
        futures = list(self.client.scatter(items, hash=False))
        if futures and len(self.client.nthreads()) > 1:
            self.client.replicate(futures, n=REPLICAS)
        return futures


@contextmanager
def dask_cluster(
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    retries: int = RETRIES,
    timeout_s: float | None = None,
    feature: str = "--workers",
) -> Iterator[Cluster]:
    """A :class:`Cluster`: a ``LocalCluster`` of ``workers`` processes (one thread each, on
    127.0.0.1, no dashboard), or the cluster whose scheduler is at ``scheduler``; closed (and a
    local one stopped) on exit. Raises :class:`~dispatchopt.errors.ClusterError` when the
    scheduler cannot be reached within ``timeout_s`` (default :data:`CONNECT_TIMEOUT_S`),
    :class:`~dispatchopt.errors.MissingExtraError` without Dask."""
    if (workers is None) == (scheduler is None):
        raise InputError(
            [("--workers/--scheduler", None, "give a number of workers or a scheduler address")]
        )
    if workers is not None and workers < 1:
        raise InputError([("--workers", workers, "must be at least 1")])
    require_extra(feature, "distributed", "dask")
    import distributed

    # Dask's own annotations are partial; the client is handled as ``Any`` here.
    dask: Any = distributed

    timeout_s = CONNECT_TIMEOUT_S if timeout_s is None else timeout_s
    local: Any = None
    try:
        if scheduler is not None:
            client: Any = dask.Client(scheduler, timeout=timeout_s)
        else:
            local = dask.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = dask.Client(local, timeout=timeout_s)
    except (OSError, TimeoutError) as exc:
        if local is not None:
            local.close()
        where = scheduler or "a local cluster"
        raise ClusterError(f"cannot reach the Dask scheduler at {where}: {exc}") from None
    try:
        slots = max(1, sum(client.nthreads().values()))
        yield Cluster(
            executor=client.get_executor(retries=retries, pure=False),
            client=client,
            slots=slots,
            address=str(client.scheduler.address),
        )
    finally:
        client.close()
        if local is not None:
            local.close()


def plan_on_cluster(
    problem: Problem,
    deadline: Deadline,
    *,
    seed: int = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    regions: int | None = None,
) -> Plan:
    """What ``dispatchopt plan DAY --workers N`` (or ``--scheduler``) does: the day planned by
    regions on the cluster, the cluster's start-up counted in ``deadline``."""
    from dispatchopt.solvers import solve_regions

    with dask_cluster(workers, scheduler) as cluster:
        return solve_regions(
            problem,
            deadline=deadline,
            seed=seed,
            regions=regions,
            executor=cluster.executor,
            scatter=cluster.scatter,
            slots=cluster.slots,
        )


__all__ = ["CONNECT_TIMEOUT_S", "REPLICAS", "RETRIES", "Cluster", "dask_cluster", "plan_on_cluster"]
