"""A regret insertion that plans depot restock visits, used to warm-start the OR-Tools search.

OR-Tools' own constructions insert one node at a time, so a job whose parts or tools only a
restock can supply stays out until a depot visit is already on the route: on days with restock
depots they leave jobs unplanned that a visit-plus-job insertion serves at once.
"""

from __future__ import annotations

import math
import random
import time as _time

from dispatchopt.solvers.compiled import CompiledProblem

_INF = math.inf
_Prefix = tuple[int, int, int, float, dict[str, int], frozenset[str]]
"""A route's state after some stops: clock, clock without waiting, waiting so far, slack to
the tightest window end, van stock, tools in the van."""
THRESHOLD = 0.02
"""Start of the record-to-record threshold: a plan up to 2 % dearer is accepted at first."""
REMOVE = (5, 25)
"""Fewest and most jobs one ruin step removes."""
ROUTE_SHARE = 0.2
"""Share of ruin steps that empty one or two whole routes."""
INSERTIONS_KEPT = 200_000
"""Most insertion answers remembered (up to about 80 MB: 132 MB peak for six TRSP runs in one
process against 52 MB without the memo); the memo starts afresh when full."""
NOISE = 0.25
"""Insertion costs are scaled by a random factor in [1 - NOISE, 1 + NOISE] when recreating."""


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
        self._times_memo: dict[
            int,
            tuple[list[int], list[int], list[float], int, dict[str, int], list[_Prefix]],
        ] = {}
        self._first_memo: dict[int, tuple[list[int], dict[int, list[_Prefix]]]] = {}
        self._insertions: dict[tuple[int, int, tuple[int, ...]], tuple[float, list[int] | None]]
        self._insertions = {}

    def set_route(self, v: int, nodes: list[int], cost: float | None = None) -> None:
        """Replace ``v``'s route, dropping depot visits it does not need; ``cost`` is the
        route's working time when the caller knows it already."""
        if cost is None:
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
        return self._run(v, self._initial(v), self.cp.vehicles[v].start_node, nodes)

    def _initial(self, v: int) -> _Prefix:
        veh = self.cp.vehicles[v]
        start = veh.shift_start
        return (start, start, 0, _INF, self.cp.van_stock[v], self.cp.van_tools[v])

    def _run(
        self,
        v: int,
        prefix: _Prefix,
        prev: int,
        nodes: list[int],
        record: list[_Prefix] | None = None,
    ) -> float:
        """Working time of the route that has done ``prefix`` at ``prev`` and goes on to
        ``nodes``; ``record`` receives the state after each node."""
        cp = self.cp
        veh = cp.vehicles[v]
        travel = self.travel[v]
        service = self.service[v]
        t, no_wait, waited, slack, van_in, tools_in = prefix
        van = dict(van_in)
        tools = set(tools_in)
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
            if record is not None:
                record.append((t, no_wait, waited, slack, dict(van), frozenset(tools)))
        leg = travel[prev][veh.end_node]
        end = t + leg
        if end > veh.hard_end:
            return _INF
        if veh.max_span is not None and end - veh.shift_start > veh.max_span:
            return _INF
        slack = min(slack, veh.hard_end - (no_wait + leg))
        return float(end - veh.shift_start - min(slack, waited))

    def _times(self, v: int) -> tuple[list[int], list[float], int, dict[str, int], list[_Prefix]]:
        """Per insertion position of ``v``'s route: the earliest departure from the node before
        it, and the latest start of the node after it (window ends only, so a relaxation)."""
        route = self.routes[v]
        memo = self._times_memo.get(v)
        if memo is not None and memo[0] == route:
            return memo[1], memo[2], memo[3], memo[4], memo[5]
        veh = self.cp.vehicles[v]
        travel = self.travel[v]
        on_site = [self._service(v, n) for n in route]
        depart = [veh.shift_start]
        prev = veh.start_node
        for node, serve in zip(route, on_site, strict=True):
            arrive = depart[-1] + travel[prev][node]
            start = next((max(arrive, a) for a, b in self.windows[node] if arrive <= b), None)
            depart.append(10**12 if start is None else start + serve)
            prev = node
        latest: list[float] = [0.0] * (len(route) + 1)
        latest[-1] = veh.hard_end
        nxt = veh.end_node
        for i in range(len(route) - 1, -1, -1):
            node = route[i]
            latest[i] = min(
                self.windows[node][-1][1], latest[i + 1] - travel[node][nxt] - on_site[i]
            )
            nxt = node
        # What the van still holds before its first restock (where a job's parts must come from).
        first_visit = next((i for i, n in enumerate(route) if n >= self.n_jobs), len(route))
        left = dict(self.cp.van_stock[v])
        for node in route[:first_visit]:
            for sku, q in self.parts[node].items():
                left[sku] = left.get(sku, 0) - q
        prefixes = [self._initial(v)]
        self._run(v, prefixes[0], veh.start_node, route, prefixes)
        self._times_memo[v] = (list(route), depart, latest, first_visit, left, prefixes)
        return depart, latest, first_visit, left, prefixes

    def _service(self, v: int, node: int) -> int:
        if node < self.n_jobs:
            return self.service[v][node]
        return self.visit_service[node - self.n_jobs]

    def best_insertion(self, job: int, v: int) -> tuple[float, list[int] | None]:
        """Cheapest extra working time of putting ``job`` on ``v`` (with a restock if needed).

        Memoised on the route as it stands: ruin steps that are not accepted put the routes back,
        so most questions come again (three in four on R101, one in two on C101)."""
        key = (job, v, tuple(self.routes[v]))
        known = self._insertions.get(key)
        if known is None:
            if len(self._insertions) >= INSERTIONS_KEPT:
                self._insertions.clear()
            known = self._insertions[key] = self._best_insertion(job, v)
        added, placed = known
        return added, None if placed is None else list(placed)

    def _best_insertion(self, job: int, v: int) -> tuple[float, list[int] | None]:
        route = self.routes[v]
        base = self.route_cost[v]
        best, best_route = _INF, None
        depart, latest, first_visit, left, prefixes = self._times(v)
        travel = self.travel[v]
        veh = self.cp.vehicles[v]
        wins = self.windows[job]
        after_job = self.service[v][job]
        from_van = self.tools[job] <= self.cp.van_tools[v] and all(
            left.get(sku, 0) >= q for sku, q in self.parts[job].items()
        )
        for pos in range(0 if from_van else first_visit + 1, len(route) + 1):
            # Necessary time check in O(1) before simulating the whole route.
            prev = veh.start_node if pos == 0 else route[pos - 1]
            arrive = depart[pos] + travel[prev][job]
            if arrive > wins[-1][1]:
                continue
            nxt = veh.end_node if pos == len(route) else route[pos]
            if max(arrive, wins[0][0]) + after_job + travel[job][nxt] > latest[pos]:
                continue
            # Only the part from the insertion on is simulated again.
            c = self._run(v, prefixes[pos], prev, [job, *route[pos:]])
            if c < best:
                best, best_route = c, route[:pos] + [job] + route[pos:]
        if best_route is None and not from_van:
            # A restock is worth trying only where the van cannot serve the job: with the van
            # able to, adding a depot visit only makes every later stop later.
            best, best_route = self._with_restock(v, job, depart, latest, prefixes)
        return best - base, best_route

    def _with_restock(
        self,
        v: int,
        job: int,
        depart: list[int],
        latest: list[float],
        prefixes: list[_Prefix],
    ) -> tuple[float, list[int] | None]:
        """Cheapest route putting ``job`` on ``v`` together with one of its depot visits, the
        visit just before the job or at the start of the day (``depart``, ``latest`` and
        ``prefixes``: the route's insertion data from ``_times``)."""
        best, best_route = _INF, None
        route = self.routes[v]
        veh = self.cp.vehicles[v]
        start, end = veh.start_node, veh.end_node
        travel = self.travel[v]
        wins = self.windows[job]
        open_at, close_at = wins[0][0], wins[-1][1]
        after_job = self.service[v][job]
        for visit in self.visits_of[v]:
            if visit in route:
                continue
            first = self._visit_first(v, visit)
            v_open, v_close = self.windows[visit][0][0], self.windows[visit][-1][1]
            v_service = self.visit_service[visit - self.n_jobs]
            for pos in range(len(route) + 1):
                prev = start if pos == 0 else route[pos - 1]
                nxt = end if pos == len(route) else route[pos]
                # Necessary time checks in O(1), as in best_insertion, before simulating.
                at_visit = depart[pos] + travel[prev][visit]
                if at_visit <= v_close:
                    arrive = max(at_visit, v_open) + v_service + travel[visit][job]
                    if (
                        arrive <= close_at
                        and max(arrive, open_at) + after_job + travel[job][nxt] <= latest[pos]
                    ):
                        c = self._run(v, prefixes[pos], prev, [visit, job, *route[pos:]])
                        if c < best:
                            best, best_route = c, route[:pos] + [visit, job] + route[pos:]
                if first:
                    after = visit if pos == 0 else route[pos - 1]
                    arrive = first[pos + 1][0] + travel[after][job]
                    if (
                        arrive <= close_at
                        and max(arrive, open_at) + after_job + travel[job][nxt] <= latest[pos]
                    ):
                        c = self._run(v, first[pos + 1], after, [job, *route[pos:]])
                        if c < best:
                            best, best_route = c, [visit] + route[:pos] + [job] + route[pos:]
        return best, best_route

    def _visit_first(self, v: int, visit: int) -> list[_Prefix]:
        """The states of ``v``'s route with ``visit`` put first, after it and after each stop;
        empty when that route breaks a rule (a job added to it would break it too)."""
        route = self.routes[v]
        memo = self._first_memo.get(v)
        if memo is None or memo[0] != route:
            memo = (list(route), {})
            self._first_memo[v] = memo
        states = memo[1].get(visit)
        if states is None:
            states = [self._initial(v)]
            start = self.cp.vehicles[v].start_node
            if self._run(v, states[0], start, [visit, *route], states) == _INF:
                states = []
            memo[1][visit] = states
        return states


def _recreate(state: _Routes, jobs: list[int], rng: random.Random | None = None) -> list[int]:
    """Regret-2 insertion of ``jobs`` into ``state``; returns the jobs that fit nowhere.

    Each step inserts the job whose second-best vehicle is dearest compared with its best one
    (jobs only one vehicle can take go first), at the position that adds the least working time;
    where the van lacks a part or tool the job needs, a restock visit goes in with it. ``rng``
    adds noise to the costs so that repeated calls explore different plans.
    """
    cp = state.cp
    open_jobs = list(jobs)

    def noise(c: float) -> float:
        return c if rng is None else c * (1 - NOISE + 2 * NOISE * rng.random())

    table: dict[int, dict[int, tuple[float, list[int] | None, float]]] = {}
    for j in open_jobs:
        table[j] = {}
        for v in cp.jobs[j].allowed:
            c, r = state.best_insertion(j, v)
            table[j][v] = (noise(c) if r is not None else _INF, r, c)
    # Per open job: its cheapest cost, the runner-up and the vehicle of the cheapest, kept up
    # to date as single entries change (a full rescan only where the changed entry ranked).
    ranks = {j: _ranked(table[j]) for j in open_jobs}
    while open_jobs:
        pick, pick_key, pick_v = None, None, -1
        for j in open_jobs:
            best, second, best_v = ranks[j]
            if best == _INF:
                continue
            key = (-(second - best) if second < _INF else -_INF, best, j)
            if pick_key is None or key < pick_key:
                pick, pick_key, pick_v = j, key, best_v
        if pick is None:
            break
        added, route = table[pick][pick_v][2], table[pick][pick_v][1]
        assert route is not None
        state.set_route(pick_v, route, state.route_cost[pick_v] + added)
        open_jobs.remove(pick)
        del table[pick], ranks[pick]
        for j in open_jobs:
            entries = table[j]
            old = entries.get(pick_v)
            if old is None:
                continue
            c, r = state.best_insertion(j, pick_v)
            new = noise(c) if r is not None else _INF
            entries[pick_v] = (new, r, c)
            best, second, best_v = ranks[j]
            if best_v == pick_v or old[0] <= second or new <= second:
                ranks[j] = _ranked(entries)
    return open_jobs


def _ranked(entries: dict[int, tuple[float, list[int] | None, float]]) -> tuple[float, float, int]:
    """The cheapest (noisy) cost among ``entries``, the runner-up, and the cheapest's vehicle
    (the first one met on a tie)."""
    best = second = _INF
    best_v = -1
    for v, (c, _, _) in entries.items():
        if c < best:
            best, second, best_v = c, best, v
        elif c < second:
            second = c
    return best, second, best_v


def restock_routes(cp: CompiledProblem) -> list[list[int]]:
    """Routes (job and depot-visit nodes per vehicle) built by regret-2 insertion.

    Jobs that fit nowhere are left out (the search may still place them).
    """
    state = _Routes(cp)
    _recreate(state, list(range(len(cp.jobs))))
    return state.routes


def routes_working_time(cp: CompiledProblem, routes: list[list[int]]) -> float:
    """Total working time in seconds of ``routes`` (inf when one of them breaks a rule)."""
    state = _Routes(cp)
    return sum(state.cost(v, nodes) for v, nodes in enumerate(routes))


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
    cp: CompiledProblem,
    routes: list[list[int]],
    time_limit: float,
    seed: int = 0,
    max_steps: int | None = None,
) -> list[list[int]]:
    """Improve ``routes`` by removing ``REMOVE`` jobs (at random, a job and its nearest
    neighbours, or one or two whole routes) and re-inserting them with noisy regret insertion
    (:func:`_recreate`; a depot visit goes when no job needs it any more), until
    ``time_limit`` seconds have passed (or ``max_steps`` steps are done: then the result is
    repeatable); a plan up to
    a threshold dearer than the current one is accepted, the threshold shrinking to zero, and
    the best plan seen (most jobs, then least working time) is returned."""
    deadline = _time.perf_counter() + time_limit
    rng = random.Random(seed)
    state = _Routes(cp)
    for v, nodes in enumerate(routes):
        state.set_route(v, list(nodes))
    n_jobs = len(cp.jobs)
    unserved = sorted(set(range(n_jobs)) - {n for r in state.routes for n in r})
    travel = state.travel[0]

    def round_trip(j: int) -> list[int]:
        return [travel[j][k] + travel[k][j] for k in range(n_jobs)]

    near = [sorted(range(n_jobs), key=round_trip(j).__getitem__) for j in range(n_jobs)]

    def score(unplanned: list[int]) -> tuple[int, float]:
        return len(unplanned), sum(state.route_cost)

    current = best = score(unserved)
    best_routes = [list(r) for r in state.routes]
    begin = _time.perf_counter()
    step = 0
    while (now := _time.perf_counter()) < deadline and (max_steps is None or step < max_steps):
        step += 1
        # With a step limit the schedule follows the steps, so the result does not depend on
        # the machine's speed.
        frac = (
            (now - begin) / max(time_limit, 1e-9) if max_steps is None else (step - 1) / max_steps
        )
        threshold = THRESHOLD * (1 - frac)
        saved = ([list(r) for r in state.routes], list(state.route_cost), list(unserved))
        k = min(n_jobs, rng.randint(*REMOVE))
        pick = rng.random()
        used = [r for r in state.routes if any(n < n_jobs for n in r)]
        if pick < ROUTE_SHARE and used:
            removed = [n for r in rng.sample(used, min(len(used), rng.randint(1, 2))) for n in r]
            removed = [n for n in removed if n < n_jobs]
        elif pick < 0.5 + ROUTE_SHARE / 2:
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
        # Record-to-record travel against the current plan (simulated annealing and a threshold
        # against the best plan did no better: benchmarks/results/trsp_experiments.md, E2).
        ok = new[0] == current[0] and new[1] <= current[1] * (1 + threshold)
        if new[0] < current[0] or ok:
            current = new
            if new < best:
                best, best_routes = new, [list(r) for r in state.routes]
        else:
            state.routes, state.route_cost, unserved = saved
    return best_routes
