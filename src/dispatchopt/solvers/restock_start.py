"""A regret insertion that plans depot restock visits, used to warm-start the OR-Tools search.

OR-Tools' own constructions insert one node at a time, so a job whose parts or tools only a
restock can supply stays out until a depot visit is already on the route: on days with restock
depots they leave jobs unplanned that a visit-plus-job insertion serves at once.
"""

from __future__ import annotations

import math
import random
import time as _time

from dispatchopt.solvers.compile import CompiledProblem

_INF = math.inf


class _Routes:
    """Per-vehicle node lists with memoised route costs (working time in seconds)."""

    def __init__(self, cp: CompiledProblem) -> None:
        self.cp = cp
        n_jobs = len(cp.jobs)
        self.n_jobs = n_jobs
        travel_memo: dict[object, list[list[int]]] = {}
        self.travel: list[list[list[int]]] = []
        for v in range(len(cp.vehicles)):
            key = cp.travel_key(v)
            if key not in travel_memo:
                travel_memo[key] = cp.travel(v).tolist()
            self.travel.append(travel_memo[key])
        self.windows = [j.windows for j in cp.jobs] + [v.windows for v in cp.visits]
        self.service = [[j.service[v] for j in cp.jobs] for v in range(len(cp.vehicles))]
        self.visit_service = [v.service for v in cp.visits]
        self.parts = [dict(j.parts) for j in cp.jobs]
        self.tools = [frozenset(j.tools) for j in cp.jobs]
        self.visits_of: list[list[int]] = [[] for _ in cp.vehicles]
        for visit in cp.visits:
            self.visits_of[visit.vehicle].append(visit.node)
        self.routes: list[list[int]] = [[] for _ in cp.vehicles]
        self.route_cost: list[float] = [0.0 for _ in cp.vehicles]

    def set_route(self, v: int, nodes: list[int]) -> None:
        """Replace ``v``'s route, dropping depot visits it does not need."""
        cost = self.cost(v, nodes)
        for visit in [n for n in nodes if n >= self.n_jobs]:
            without = [n for n in nodes if n != visit]
            c = self.cost(v, without)
            if c <= cost:
                nodes, cost = without, c
        self.routes[v] = nodes
        self.route_cost[v] = cost

    def cost(self, v: int, nodes: list[int]) -> float:
        """Working time of ``nodes`` on ``v`` (start delayed to cut waiting); inf if infeasible."""
        if not nodes:
            return 0.0
        cp = self.cp
        veh = cp.vehicles[v]
        travel = self.travel[v]
        service = self.service[v]
        van = dict(cp.van_stock[v])
        tools = set(cp.van_tools[v])
        t = veh.shift_start
        no_wait = t
        waited = 0
        slack: float = _INF
        prev = veh.start_node
        for node in nodes:
            leg = travel[prev][node]
            arrive = t + leg
            no_wait += leg
            for a, b in self.windows[node]:
                if arrive <= b:
                    start = max(arrive, a)
                    break
            else:
                return _INF
            slack = min(slack, self.windows[node][-1][1] - no_wait)
            waited += start - arrive
            if node < self.n_jobs:
                for sku, q in self.parts[node].items():
                    left = van.get(sku, 0) - q
                    if left < 0:
                        return _INF
                    van[sku] = left
                if not self.tools[node] <= tools:
                    return _INF
                on_site = service[node]
            else:
                visit = cp.visits[node - self.n_jobs]
                pool = cp.pools[visit.pool]
                for sku, supply in pool.supply.items():
                    van[sku] = 10**12 if supply is None else van.get(sku, 0) + supply
                tools |= pool.tools
                on_site = visit.service
            t = start + on_site
            no_wait += on_site
            prev = node
        leg = travel[prev][veh.end_node]
        end = t + leg
        if end > veh.hard_end:
            return _INF
        if veh.max_span is not None and end - veh.shift_start > veh.max_span:
            return _INF
        slack = min(slack, veh.hard_end - (no_wait + leg))
        return float(end - veh.shift_start - min(slack, waited))

    def best_insertion(self, job: int, v: int) -> tuple[float, list[int] | None]:
        """Cheapest extra working time of putting ``job`` on ``v`` (with a restock if needed)."""
        route = self.routes[v]
        base = self.route_cost[v]
        best, best_route = _INF, None
        for pos in range(len(route) + 1):
            cand = route[:pos] + [job] + route[pos:]
            c = self.cost(v, cand)
            if c < best:
                best, best_route = c, cand
        if best_route is None:
            for visit in self.visits_of[v]:
                if visit in route:
                    continue
                for pos in range(len(route) + 1):
                    for cand in (
                        route[:pos] + [visit, job] + route[pos:],
                        [visit] + route[:pos] + [job] + route[pos:],
                    ):
                        c = self.cost(v, cand)
                        if c < best:
                            best, best_route = c, cand
        return best - base, best_route


def _recreate(state: _Routes, jobs: list[int], rng: random.Random | None = None) -> list[int]:
    """Regret-2 insertion of ``jobs`` into ``state``; returns the jobs that fit nowhere.

    Each step inserts the job whose second-best vehicle is dearest compared with its best one
    (jobs only one vehicle can take go first), at the position that adds the least working time;
    where the van lacks a part or tool the job needs, a restock visit goes in with it. ``rng``
    adds noise to the costs so that repeated calls explore different plans.
    """
    cp = state.cp
    open_jobs = list(jobs)
    noise = (lambda c: c * (0.9 + 0.2 * rng.random())) if rng is not None else (lambda c: c)
    table: dict[int, dict[int, tuple[float, list[int] | None]]] = {}
    for j in open_jobs:
        table[j] = {}
        for v in cp.jobs[j].allowed:
            c, r = state.best_insertion(j, v)
            table[j][v] = (noise(c) if r is not None else _INF, r)
    while open_jobs:
        pick, pick_key, pick_v = None, None, -1
        for j in open_jobs:
            best = second = _INF
            best_v = -1
            for v, (c, _) in table[j].items():
                if c < best:
                    best, second, best_v = c, best, v
                elif c < second:
                    second = c
            if best == _INF:
                continue
            key = (-(second - best) if second < _INF else -_INF, best, j)
            if pick_key is None or key < pick_key:
                pick, pick_key, pick_v = j, key, best_v
        if pick is None:
            break
        route = table[pick][pick_v][1]
        assert route is not None
        state.set_route(pick_v, route)
        open_jobs.remove(pick)
        del table[pick]
        for j in open_jobs:
            if pick_v in table[j]:
                c, r = state.best_insertion(j, pick_v)
                table[j][pick_v] = (noise(c) if r is not None else _INF, r)
    return open_jobs


def restock_routes(cp: CompiledProblem) -> list[list[int]]:
    """Routes (job and depot-visit nodes per vehicle) built by regret-2 insertion.

    Jobs that fit nowhere are left out (the search may still place them).
    """
    state = _Routes(cp)
    _recreate(state, list(range(len(cp.jobs))))
    return state.routes


def can_ruin_and_recreate(cp: CompiledProblem) -> bool:
    """Whether :func:`ruin_and_recreate`'s route cost is the engine's objective and its rules
    all of the engine's rules: working time, windows, shifts, van stock, tools, depot visits
    (no breaks, loads, precedences, soft windows, SLA costs or preferred engineers)."""
    problem = cp.problem
    return (
        problem.objective.kind == "working_time"
        and not any(j.preferred_engineers for j in problem.jobs)
        and not cp.precedences
        and all(not v.breaks and v.capacity is None for v in cp.vehicles)
        and all(j.soft_window is None and not j.sla_late_cost_per_s for j in cp.jobs)
        and all(p.supply and all(q is None for q in p.supply.values()) for p in cp.pools)
    )


def ruin_and_recreate(
    cp: CompiledProblem, routes: list[list[int]], time_limit: float, seed: int = 0
) -> list[list[int]]:
    """Improve ``routes`` by removing 5-25 jobs (at random, or a job and its nearest
    neighbours) and re-inserting them with noisy regret insertion, until ``time_limit`` seconds
    have passed; a worse plan is accepted within a threshold that shrinks to zero (record-to-
    record travel), and the best plan seen (most jobs, then least working time) is returned."""
    deadline = _time.perf_counter() + time_limit
    rng = random.Random(seed)
    state = _Routes(cp)
    for v, nodes in enumerate(routes):
        state.set_route(v, list(nodes))
    n_jobs = len(cp.jobs)
    unserved = sorted(set(range(n_jobs)) - {n for r in state.routes for n in r})
    travel = state.travel[0]
    near = [
        sorted(range(n_jobs), key=lambda k, j=j: travel[j][k] + travel[k][j]) for j in range(n_jobs)
    ]

    def score(unplanned: list[int]) -> tuple[int, float]:
        return len(unplanned), sum(state.route_cost)

    current = best = score(unserved)
    best_routes = [list(r) for r in state.routes]
    begin = _time.perf_counter()
    while (now := _time.perf_counter()) < deadline:
        threshold = 0.02 * (1 - (now - begin) / max(time_limit, 1e-9))
        saved = ([list(r) for r in state.routes], list(state.route_cost), list(unserved))
        k = min(n_jobs, rng.randint(5, 25))
        if rng.random() < 0.5:
            seed_job = rng.randrange(n_jobs)
            removed = near[seed_job][: k + rng.randint(0, k)]
            removed = rng.sample(removed, min(k, len(removed)))
        else:
            removed = rng.sample(range(n_jobs), k)
        gone = set(removed)
        for v, nodes in enumerate(state.routes):
            if gone.intersection(nodes):
                state.set_route(v, [n for n in nodes if n not in gone])
        todo = sorted(gone.union(unserved) - set(unserved)) + list(unserved)
        unserved = _recreate(state, todo, rng)
        new = score(unserved)
        if new[0] < current[0] or (new[0] == current[0] and new[1] <= current[1] * (1 + threshold)):
            current = new
            if new < best:
                best, best_routes = new, [list(r) for r in state.routes]
        else:
            state.routes, state.route_cost, unserved = saved
    return best_routes
