"""The street network a problem travels on, as line segments to draw (road-graph travel only)."""

from __future__ import annotations

from dispatchopt.models import Problem
from dispatchopt.models.travel import RoadGraphTravel

Segment = tuple[tuple[float, float], tuple[float, float]]
"""A street between two junctions: ``((lat, lon), (lat, lon))``."""


def street_segments(problem: Problem) -> list[Segment]:
    """Every street of the problem's road network once (both directions of a two-way street are
    one segment); empty when the problem does not travel on a road graph."""
    travel = problem.travel
    if not isinstance(travel, RoadGraphTravel):
        return []
    from dispatchopt.geo.road_graph import load_road_graph  # networkx loads only here

    graph = load_road_graph(
        travel.path, access_speed_kmh=travel.access_speed_kmh, max_snap_m=travel.max_snap_m
    ).graph
    seen: set[tuple[tuple[float, float], tuple[float, float]]] = set()
    out: list[Segment] = []
    for u, v in graph.edges():
        key = (u, v) if u <= v else (v, u)
        if key in seen:
            continue
        seen.add(key)
        a, b = graph.nodes[u], graph.nodes[v]
        out.append(((float(a["lat"]), float(a["lon"])), (float(b["lat"]), float(b["lon"]))))
    return out


__all__ = ["Segment", "street_segments"]
