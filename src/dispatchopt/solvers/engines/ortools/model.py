"""Builds the OR-Tools routing model from a :class:`CompiledProblem` (no domain objects here).

Transit and cost matrices are registered on the C++ side (``RegisterTransitMatrix``), so the
search never calls back into Python for an arc.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.constraint_solver import pywrapcp

from dispatchopt.models.eligibility import in_territory
from dispatchopt.models.first_time_fix import first_time_fix
from dispatchopt.solvers.compiled import OBJECTIVE_UNITS, CompiledProblem
from dispatchopt.solvers.objective import balance_targets

TIME = "Time"
LOAD = "Load"
COUNT = "Jobs"
WORK = "Work"
SURCHARGE = "Surcharge"
MATRIX_BUDGET = 50_000_000
"""Most entries of per-engineer cost matrices (each a distance matrix plus that engineer's
surcharges) the model registers; past it the surcharges go on a dimension of their own, one
short vector per engineer. A re-plan prices every job off its engineer, so each engineer has
its own surcharges: at 2 000 jobs and 160 engineers the matrices took 40 s to build."""


@dataclass
class RoutingBuild:
    """The OR-Tools objects for one compiled problem."""

    manager: pywrapcp.RoutingIndexManager
    routing: pywrapcp.RoutingModel
    time: pywrapcp.RoutingDimension
    breaks: list[list[pywrapcp.IntervalVar]]


def _register_matrix(routing: pywrapcp.RoutingModel, matrix: np.ndarray) -> int:
    return int(routing.RegisterTransitMatrix(matrix.astype(np.int64).tolist()))


def build_routing_model(cp: CompiledProblem) -> RoutingBuild:
    """Create manager, model, dimensions, windows, breaks, skills and disjunctions.

    Providers are extra vehicles after the engineers' shifts: no travel and no time on site
    (the provider's own crew does the job), a start no earlier than the provider's lead time,
    the fee as the cost of each job they take, and a job count capped by their quota.
    """
    vehicles = cp.vehicles
    first_provider = len(vehicles)
    n_vehicles = first_provider + len(cp.providers)
    anchor = vehicles[0].start_node if vehicles else 0
    manager = pywrapcp.RoutingIndexManager(
        cp.num_nodes,
        n_vehicles,
        [v.start_node for v in vehicles] + [anchor] * len(cp.providers),
        [v.end_node for v in vehicles] + [anchor] * len(cp.providers),
    )
    routing = pywrapcp.RoutingModel(manager)
    distance = cp.distance()
    kind = cp.problem.objective.kind

    # Time: one transit matrix per distinct (travel, service) pair: vehicle profiles and rush
    # hours change the drive, skill levels the time on site.
    time_eval: dict[tuple[object, bytes], int] = {}
    vehicle_time_eval = []
    services = []
    for v in range(len(vehicles)):
        service = cp.service_vector(v)
        services.append(service)
        time_key = (cp.travel_key(v), service.tobytes())
        if time_key not in time_eval:
            time_eval[time_key] = _register_matrix(routing, cp.travel(v) + service[:, None])
        vehicle_time_eval.append(time_eval[time_key])
    no_transit = routing.RegisterUnaryTransitVector([0] * cp.num_nodes)
    routing.AddDimensionWithVehicleTransits(
        vehicle_time_eval + [no_transit] * len(cp.providers), cp.horizon, cp.horizon, False, TIME
    )
    time = routing.GetDimensionOrDie(TIME)

    # Arc costs: distance, money per km, or driving time; plus a charge for non-preferred engineers.
    preferred = _preferred_surcharge(cp)
    by_time = kind in ("travel_time", "working_time")
    bases: list[object] = [
        "distance" if kind == "distance" else cp.travel_key(v) if by_time else veh.cost_per_m
        for v, veh in enumerate(vehicles)
    ]
    distinct = {
        (bases[v], preferred[veh.engineer_id].tobytes())
        for v, veh in enumerate(vehicles)
        if veh.engineer_id in preferred
    }
    on_dimension = len(distinct) * cp.num_nodes**2 > MATRIX_BUDGET
    if on_dimension:
        _add_surcharge_dimension(cp, routing, preferred, len(cp.providers))
    cost_eval: dict[tuple[object, bytes], int] = {}
    matrix: np.ndarray
    for v, veh in enumerate(vehicles):
        surcharge = None if on_dimension else preferred.get(veh.engineer_id)
        basis = bases[v]
        key = (basis, b"" if surcharge is None else surcharge.tobytes())
        if key not in cost_eval:
            if kind == "distance":
                matrix = distance
            elif by_time:
                matrix = cp.travel(v)
            else:
                matrix = np.rint(distance * veh.cost_per_m)
            if surcharge is not None:
                matrix = matrix + surcharge[None, :]
            cost_eval[key] = _register_matrix(routing, matrix)
        routing.SetArcCostEvaluatorOfVehicle(cost_eval[key], v)
        routing.SetFixedCostOfVehicle(veh.fixed_cost, v)
        if veh.span_cost_per_s:
            time.SetSpanCostCoefficientForVehicle(veh.span_cost_per_s, v)
        if kind == "working_time":
            # Working time = travel (the arc cost) + on-site time (fixed) + waiting (the slack).
            time.SetSlackCostCoefficientForVehicle(1, v)
        if veh.max_span is not None:
            time.SetSpanUpperBoundForVehicle(veh.max_span, v)
        start, end = routing.Start(v), routing.End(v)
        time.CumulVar(start).SetRange(veh.shift_start, veh.hard_end)
        time.CumulVar(end).SetRange(veh.shift_start, veh.hard_end)
        if veh.hard_end > veh.shift_end and veh.overtime_cost_per_s:
            time.SetCumulVarSoftUpperBound(end, veh.shift_end, veh.overtime_cost_per_s)
        routing.AddVariableMinimizedByFinalizer(time.CumulVar(end))
        routing.AddVariableMaximizedByFinalizer(time.CumulVar(start))
    undone = _balance_undone_cost(cp)
    _add_providers(cp, routing, time, undone)

    # Jobs: windows, allowed vehicles, optionality.
    solver = routing.solver()
    for job in cp.jobs:
        index = manager.NodeToIndex(job.node)
        cumul = time.CumulVar(index)
        lo, hi = job.windows[0][0], job.windows[-1][1]
        cumul.SetRange(lo, min(hi, cp.horizon))
        for (_, b), (a, _) in zip(job.windows, job.windows[1:], strict=False):
            if a > b + 1:
                cumul.RemoveInterval(b + 1, a - 1)
        if len(job.allowed) < len(vehicles) or cp.providers:
            # SetAllowedVehiclesForIndex's absl::Span argument is not wrapped in OR-Tools 9.15's
            # Python API; restricting the vehicle variable is equivalent (-1 = unperformed).
            takers = [first_provider + k for k in job.providers]
            routing.VehicleVar(index).SetValues([-1, *job.allowed, *takers])
        routing.AddDisjunction([index], job.penalty + undone[job.node])
        if job.sla_due is not None and job.sla_late_cost_per_s:
            # One soft upper bound per node in OR-Tools: the SLA promise outranks a soft window.
            time.SetCumulVarSoftUpperBound(index, max(job.sla_due, 0), job.sla_late_cost_per_s)
        elif job.soft_window is not None and job.soft_window[3]:
            time.SetCumulVarSoftUpperBound(index, max(job.soft_window[1], 0), job.soft_window[3])
        if job.soft_window is not None:
            s, _, early, _ = job.soft_window
            if early and s > 0:
                time.SetCumulVarSoftLowerBound(index, s, early)

    for visit in cp.visits:
        index = manager.NodeToIndex(visit.node)
        cumul = time.CumulVar(index)
        latest = min(visit.windows[-1][1], cp.horizon)
        if visit.windows[0][0] > latest:
            # The depot opens (or the part arrives) only after the planning horizon: a visit
            # nobody can make. It stays in the model, switched off.
            routing.AddDisjunction([index], 0)
            routing.ActiveVar(index).SetValue(0)
            continue
        cumul.SetRange(visit.windows[0][0], latest)
        for (_, b), (a, _) in zip(visit.windows, visit.windows[1:], strict=False):
            if a > b + 1:
                cumul.RemoveInterval(b + 1, a - 1)
        routing.VehicleVar(index).SetValues([-1, visit.vehicle])
        routing.AddDisjunction([index], 0)
    _add_stock_dimensions(cp, manager, routing)
    _add_crews(cp, manager, routing, time)
    _add_job_counts(cp, routing)
    _add_balance(cp, routing, vehicle_time_eval, no_transit)

    for before, after, before_service in cp.precedences:
        b, a = manager.NodeToIndex(before), manager.NodeToIndex(after)
        solver.Add(routing.ActiveVar(a) <= routing.ActiveVar(b))
        # Only a served successor waits for its predecessor: when it is left out, its start
        # (a locked one, say) must not make the whole model infeasible.
        slack = cp.horizon + before_service
        solver.Add(
            time.CumulVar(a) + slack * (1 - routing.ActiveVar(a))
            >= time.CumulVar(b) + before_service
        )

    # Load.
    if any(v.capacity is not None for v in vehicles) and any(j.demand for j in cp.jobs):
        demand = np.zeros(cp.num_nodes, dtype=np.int64)
        for job in cp.jobs:
            demand[job.node] = job.demand
        big = int(demand.sum()) + 1
        routing.AddDimensionWithVehicleCapacity(
            routing.RegisterUnaryTransitVector(demand.tolist()),
            0,
            [big if v.capacity is None else v.capacity for v in vehicles]
            + [big] * len(cp.providers),
            True,
            LOAD,
        )

    # Breaks: fixed-duration intervals the engine keeps clear of on-site work.
    breaks: list[list[pywrapcp.IntervalVar]] = []
    for v, veh in enumerate(vehicles):
        intervals = [
            solver.FixedDurationIntervalVar(a, b, d, False, f"break {v}.{k}")
            for k, (a, b, d) in enumerate(veh.breaks)
        ]
        breaks.append(intervals)
        if intervals:
            on_site = [int(services[v][manager.IndexToNode(i)]) for i in range(routing.Size())]
            time.SetBreakIntervalsOfVehicle(intervals, v, on_site)
    return RoutingBuild(manager=manager, routing=routing, time=time, breaks=breaks)


def _add_surcharge_dimension(
    cp: CompiledProblem,
    routing: pywrapcp.RoutingModel,
    preferred: dict[str, np.ndarray],
    providers: int,
) -> None:
    """Charge each engineer's surcharges through a dimension: leaving a node adds its
    surcharge (every visited job is left exactly once, so the route pays what entering it
    would), and the route's span is its cost."""
    zero = routing.RegisterUnaryTransitVector([0] * cp.num_nodes)
    evaluators = []
    for veh in cp.vehicles:
        vec = preferred.get(veh.engineer_id)
        evaluators.append(zero if vec is None else routing.RegisterUnaryTransitVector(vec.tolist()))
    total = int(max((int(v.sum()) for v in preferred.values()), default=0)) + 1
    routing.AddDimensionWithVehicleTransits(
        evaluators + [zero] * providers, 0, total, True, SURCHARGE
    )
    routing.GetDimensionOrDie(SURCHARGE).SetSpanCostCoefficientForAllVehicles(1)


def _preferred_surcharge(cp: CompiledProblem) -> dict[str, np.ndarray]:
    """Per engineer, the extra cost of entering each job: a job that prefers someone else,
    the expected cost of not fixing it at the first visit (when the objective weighs that),
    the continuity bonus forgone when someone else leads a job with a last engineer, and a
    job outside a soft territory (for every crew member; the others for the lead only)."""
    objective = cp.problem.objective
    scale = OBJECTIVE_UNITS[objective.kind]
    jobs = [(j.node, cp.problem.job_by_id[j.job_id], j.is_copy) for j in cp.jobs]
    prefers = any(job.preferred_engineers for _, job, _ in jobs)
    penalty = objective.non_preferred_penalty if prefers else 0.0
    ftf_weight = objective.first_time_fix_weight
    continuity = objective.continuity_bonus
    soft = [
        e for e in cp.problem.engineers if e.territory is not None and e.territory_mode == "soft"
    ]
    if not penalty and not ftf_weight and not continuity and not soft:
        return {}
    out: dict[str, np.ndarray] = {}
    for eng in cp.problem.engineers:
        vec = np.zeros(cp.num_nodes, dtype=np.int64)
        outside_cost = (
            round(objective.out_of_territory_cost * scale)
            if eng.territory is not None and eng.territory_mode == "soft"
            else 0
        )
        for node, job, copy in jobs:
            if outside_cost and not in_territory(job, eng):
                vec[node] += outside_cost
            if copy:
                continue
            if penalty and job.preferred_engineers and eng.id not in job.preferred_engineers:
                vec[node] += round(penalty * scale)
            if continuity and job.last_engineer_id is not None and job.last_engineer_id != eng.id:
                vec[node] += round(continuity * scale)
            if ftf_weight:
                # A feasible plan has every part on hand, so only the skill match matters here.
                on_hand = {p.sku: p.quantity for p in job.parts}
                p = first_time_fix(job.skills, job.parts, eng.skills, on_hand)
                vec[node] += round(ftf_weight * (1.0 - p) * scale)
        if vec.any():
            out[eng.id] = vec
    return out


def _add_providers(
    cp: CompiledProblem,
    routing: pywrapcp.RoutingModel,
    time: pywrapcp.RoutingDimension,
    undone: list[int],
) -> None:
    """Each provider's vehicle: the job's fee (and forgone continuity, and the balance term's
    price of work our engineers do not do, ``undone``) as the cost of leaving it, and a start
    no earlier than the provider's lead time (with no travel, every job it takes then starts
    after it too)."""
    first = len(cp.vehicles)
    for k, provider in enumerate(cp.providers):
        fee = [0] * cp.num_nodes
        for job in cp.jobs:
            if k in job.providers:
                fee[job.node] = job.fees[job.providers.index(k)] + undone[job.node]
        v = first + k
        routing.SetArcCostEvaluatorOfVehicle(routing.RegisterUnaryTransitVector(fee), v)
        ready = min(provider.ready, cp.horizon)
        time.CumulVar(routing.Start(v)).SetRange(ready, cp.horizon)
        time.CumulVar(routing.End(v)).SetRange(ready, cp.horizon)


def _add_crews(
    cp: CompiledProblem,
    manager: pywrapcp.RoutingIndexManager,
    routing: pywrapcp.RoutingModel,
    time: pywrapcp.RoutingDimension,
) -> None:
    """A crew job's copies are served exactly when its lead is served by one of our engineers
    (not a provider), each by a different vehicle, all starting at the lead's start."""
    solver = routing.solver()
    first_provider = len(cp.vehicles)
    for job in cp.jobs:
        if not job.crew:
            continue
        lead = manager.NodeToIndex(job.node)
        on_provider = (
            solver.IsGreaterOrEqualCstVar(routing.VehicleVar(lead), first_provider)
            if job.providers
            else None
        )
        members = [routing.VehicleVar(lead)]
        for node in job.crew:
            copy = manager.NodeToIndex(node)
            if on_provider is None:
                solver.Add(routing.ActiveVar(copy) == routing.ActiveVar(lead))
            else:
                solver.Add(routing.ActiveVar(copy) == routing.ActiveVar(lead) - on_provider)
            solver.Add(time.CumulVar(copy) == time.CumulVar(lead))
            members.append(routing.VehicleVar(copy))
        solver.Add(solver.AllDifferentExcept(members, -1))


def _add_job_counts(cp: CompiledProblem, routing: pywrapcp.RoutingModel) -> None:
    """A count of jobs per vehicle, capped by the engineer's ``max_jobs`` (over all their
    shifts; a crew stop counts for each member) and by each provider's quota."""
    caps = {e.id: e.max_jobs for e in cp.problem.engineers if e.max_jobs is not None}
    if not caps and not cp.providers:
        return
    one = [0] * cp.num_nodes
    for job in cp.jobs:
        one[job.node] = 1
    big = len(cp.jobs) + 1
    capacity = [min(caps.get(v.engineer_id, big), big) for v in cp.vehicles]
    capacity += [min(p.max_jobs, big) for p in cp.providers]
    routing.AddDimensionWithVehicleCapacity(
        routing.RegisterUnaryTransitVector(one), 0, capacity, True, COUNT
    )
    count = routing.GetDimensionOrDie(COUNT)
    solver = routing.solver()
    for eid, cap in caps.items():
        shifts = [v for v, veh in enumerate(cp.vehicles) if veh.engineer_id == eid]
        if len(shifts) > 1:
            solver.Add(solver.Sum([count.CumulVar(routing.End(v)) for v in shifts]) <= cap)


def _balance_work(cp: CompiledProblem) -> list[int]:
    """What each node adds to an engineer's balance measure
    (:func:`~dispatchopt.solvers.objective.balance_measure`): a job's nominal seconds on site
    (every crew member's node its own), or one visit for ``on="jobs"``; 0 elsewhere."""
    balance = cp.problem.objective.balance
    work = [0] * cp.num_nodes
    for job in cp.jobs:
        if balance is not None and balance.on == "jobs":
            work[job.node] = 1
        else:
            work[job.node] = round(cp.problem.job_by_id[job.job_id].duration_minutes * 60)
    return work


def _balance_coefficient(cp: CompiledProblem) -> int:
    """The balance weight per unit of :func:`_balance_work`, in the engine's integer cost."""
    balance = cp.problem.objective.balance
    assert balance is not None
    scale = OBJECTIVE_UNITS[cp.problem.objective.kind]
    if balance.on == "jobs":
        return round(balance.weight * scale)
    return max(1, round(balance.weight * scale / 3600))


def _balance_undone_cost(cp: CompiledProblem) -> list[int]:
    """The lower side of the balance term, as a price per node on work our engineers do not
    do (a node left out, or a job given to a provider): see :func:`_add_balance`."""
    if cp.problem.objective.balance is None:
        return [0] * cp.num_nodes
    coefficient = _balance_coefficient(cp)
    return [coefficient * w for w in _balance_work(cp)]


def _add_balance(
    cp: CompiledProblem,
    routing: pywrapcp.RoutingModel,
    vehicle_time_eval: list[int],
    no_transit: int,
) -> None:
    """The balance term (``plan_terms`` prices it from the plan): each engineer's shift pays
    ``c`` per unit below its band's lower end ``l``, on its work (:func:`_balance_work`), and
    per unit above its upper end ``h``, on its busy time (driving plus on site) for
    ``on="working_time"`` or its work for ``"jobs"`` (``balance_targets``).

    OR-Tools charges no soft bound on a route left empty, so a soft lower bound would let an
    engineer's shortfall vanish by taking all their work away. The engine prices the lower
    side in an equivalent form with no cost on an empty route: ``c * max(0, l - x)`` equals
    ``c * (l - x) + c * max(0, x - l)``, and summed over the shifts ``-c * x`` is, up to a
    constant, ``c`` per unit of work our engineers do not do (a node's drop penalty and a
    provider's cost carry it, :func:`_balance_undone_cost`). What is left are soft upper
    bounds per route: at ``l`` on the work and at ``h`` on the busy time (or the work)."""
    balance = cp.problem.objective.balance
    if balance is None:
        return
    coefficient = _balance_coefficient(cp)
    work = _balance_work(cp)
    capacity = sum(work) + 1
    per_node = routing.RegisterUnaryTransitVector(work)
    own = [per_node] * len(cp.vehicles)
    if balance.on == "jobs":
        upper_transits, upper_capacity = own, capacity
    else:
        upper_transits, upper_capacity = list(vehicle_time_eval), max(cp.horizon, 1)
    rest = [no_transit] * len(cp.providers)
    routing.AddDimensionWithVehicleTransits(own + rest, 0, capacity, True, WORK)
    routing.AddDimensionWithVehicleTransits(
        upper_transits + rest, 0, upper_capacity, True, f"{WORK}:upper"
    )
    lower = routing.GetDimensionOrDie(WORK)
    upper = routing.GetDimensionOrDie(f"{WORK}:upper")
    targets = balance_targets(cp.problem)
    for v, vehicle in enumerate(cp.vehicles):
        low, high = targets[(vehicle.engineer_id, vehicle.shift_index)]
        end = routing.End(v)
        lower.SetCumulVarSoftUpperBound(end, min(low, capacity), coefficient)
        upper.SetCumulVarSoftUpperBound(end, min(high, upper_capacity), coefficient)


def _add_stock_dimensions(
    cp: CompiledProblem, manager: pywrapcp.RoutingIndexManager, routing: pywrapcp.RoutingModel
) -> None:
    """One dimension per SKU whose cumul is the units in the van.

    The van starts with its stock, each job takes its units (the cumul may never go below
    zero), and only a depot visit has slack: the units picked up there. The slack of all visits
    to one shelf is bounded by the shelf's stock, so no two jobs get the same last unit.
    """
    if not cp.skus and not cp.tools:
        return
    solver = routing.solver()
    visit_index = {manager.NodeToIndex(v.node): v for v in cp.visits}
    for sku in cp.skus:
        use = np.zeros(cp.num_nodes, dtype=np.int64)
        for job in cp.jobs:
            use[job.node] = dict(job.parts).get(sku, 0)
        cap = int(use.sum()) + max((van.get(sku, 0) for van in cp.van_stock), default=0) + 1
        evaluator = routing.RegisterUnaryTransitVector((-use).tolist())
        name = f"Stock:{sku}"
        routing.AddDimensionWithVehicleCapacity(
            evaluator, cap, [cap] * (len(cp.vehicles) + len(cp.providers)), False, name
        )
        dim = routing.GetDimensionOrDie(name)
        for v in range(len(cp.vehicles)):
            dim.CumulVar(routing.Start(v)).SetValue(cp.van_stock[v].get(sku, 0))
        by_pool: dict[int, list[pywrapcp.IntVar]] = {}
        for index in range(routing.Size()):
            if routing.IsEnd(index):
                continue
            visit = visit_index.get(index)
            supply = None if visit is None else cp.pools[visit.pool].supply.get(sku, 0)
            slack = dim.SlackVar(index)
            if visit is None or supply == 0:
                slack.SetValue(0)
                continue
            solver.Add(slack <= cap * routing.ActiveVar(index))
            routing.AddToAssignment(slack)
            by_pool.setdefault(visit.pool, []).append(slack)
        for pool, slacks in by_pool.items():
            supply = cp.pools[pool].supply.get(sku)
            if supply is not None:
                solver.Add(solver.Sum(slacks) <= supply)
    for tool in cp.tools:
        # A tool is in the van (cumul 1) from the start or from a depot visit that lends it.
        name = f"Tool:{tool}"
        routing.AddConstantDimensionWithSlack(0, 1, 1, False, name)
        dim = routing.GetDimensionOrDie(name)
        for v in range(len(cp.vehicles)):
            dim.CumulVar(routing.Start(v)).SetValue(int(tool in cp.van_tools[v]))
        for job in cp.jobs:
            if tool in job.tools:
                dim.CumulVar(manager.NodeToIndex(job.node)).SetValue(1)
        for index in range(routing.Size()):
            if routing.IsEnd(index):
                continue
            visit = visit_index.get(index)
            if visit is None or tool not in cp.pools[visit.pool].tools:
                dim.SlackVar(index).SetValue(0)
            else:
                routing.AddToAssignment(dim.SlackVar(index))
