"""A compiled problem cut down to some jobs and vehicles: the sub-problems a decomposition
solves, without building, validating or measuring a new domain problem.

The part keeps the whole problem's travel matrices, its clock and its objective; nodes and
vehicles are renumbered, and :class:`Part` maps them back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from dispatchopt.solvers.compiled.data import CompiledProblem


@dataclass(frozen=True)
class Part:
    """A sub-problem and where its pieces come from in the whole."""

    cp: CompiledProblem
    job_nodes: tuple[int, ...]
    """The whole problem's node of each job of the part (the part's node ``i`` is
    ``job_nodes[i]``)."""
    vehicles: tuple[int, ...]
    """The whole problem's index of each vehicle of the part."""

    def routes_in(self, routes: Sequence[Sequence[int]]) -> list[list[int]]:
        """The whole problem's job nodes per vehicle, as the part's nodes per part vehicle
        (jobs the part does not hold are left out)."""
        local = {node: i for i, node in enumerate(self.job_nodes)}
        return [[local[n] for n in routes[v] if n in local] for v in self.vehicles]

    def routes_out(self, routes: Sequence[Sequence[int]]) -> dict[int, list[int]]:
        """The part's job nodes per part vehicle, as the whole problem's nodes per vehicle."""
        return {
            self.vehicles[k]: [self.job_nodes[n] for n in route if n < len(self.job_nodes)]
            for k, route in enumerate(routes)
        }


def restrict(cp: CompiledProblem, job_nodes: Sequence[int], vehicles: Sequence[int]) -> Part:
    """``cp`` with only ``job_nodes`` and ``vehicles``; a job keeps only the part's vehicles
    among those allowed to serve it. Depot visits come along with their vehicle."""
    keep_v = tuple(vehicles)
    new_v = {v: k for k, v in enumerate(keep_v)}
    keep_j = tuple(job_nodes)
    new_j = {n: i for i, n in enumerate(keep_j)}
    jobs = []
    for i, node in enumerate(keep_j):
        job = cp.jobs[node]
        jobs.append(
            replace(
                job,
                node=i,
                service=tuple(job.service[v] for v in keep_v),
                allowed=tuple(new_v[v] for v in job.allowed if v in new_v),
            )
        )
    visits = [
        replace(visit, node=len(jobs) + k, vehicle=new_v[visit.vehicle])
        for k, visit in enumerate(v for v in cp.visits if v.vehicle in new_v)
    ]
    old_visit_node = [v.node for v in cp.visits if v.vehicle in new_v]
    places = sorted(
        {cp.vehicles[v].start_node for v in keep_v} | {cp.vehicles[v].end_node for v in keep_v}
    )
    first_place = len(jobs) + len(visits)
    place_node = {p: first_place + i for i, p in enumerate(places)}
    node_point = np.concatenate(
        [
            cp.node_point[list(keep_j)] if keep_j else np.zeros(0, dtype=np.int64),
            cp.node_point[old_visit_node] if old_visit_node else np.zeros(0, dtype=np.int64),
            cp.node_point[places],
        ]
    ).astype(np.int64)
    vehs = [
        replace(
            cp.vehicles[v],
            start_node=place_node[cp.vehicles[v].start_node],
            end_node=place_node[cp.vehicles[v].end_node],
        )
        for v in keep_v
    ]
    precedences = [
        (new_j[a], new_j[b], s) for a, b, s in cp.precedences if a in new_j and b in new_j
    ]
    part = CompiledProblem(
        problem=cp.problem,
        clock=cp.clock,
        matrices=cp.matrices,
        node_point=node_point,
        jobs=jobs,
        vehicles=vehs,
        rejected=[],
        precedences=precedences,
        horizon=cp.horizon,
        visits=visits,
        pools=cp.pools,
        skus=cp.skus,
        van_stock=[cp.van_stock[v] for v in keep_v],
        tools=cp.tools,
        departures={new_j[n]: span for n, span in cp.departures.items() if n in new_j},
        van_tools=[cp.van_tools[v] for v in keep_v],
        seed=cp.seed,
    )
    return Part(part, keep_j, keep_v)


__all__ = ["Part", "restrict"]
