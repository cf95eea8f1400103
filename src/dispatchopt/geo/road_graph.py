"""Road-network travel: load a street graph (GeoJSON or CSV), snap points to it, shortest paths.

Durations follow the fastest path; distances are the length of that same path. Shortest paths
use scipy's C Dijkstra when scipy is installed and a pure-Python Dijkstra otherwise.
"""

from __future__ import annotations

import csv
import hashlib
import heapq
import importlib.util
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt

from dispatchopt.errors import FormatError, InputError
from dispatchopt.geo.distance import EARTH_RADIUS_KM, row_blocks
from dispatchopt.geo.matrix import TravelMatrices, to_int32

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

ROAD_CLASS_SPEEDS_KMH: dict[str, float] = {
    "motorway": 90.0,
    "trunk": 70.0,
    "primary": 50.0,
    "secondary": 40.0,
    "tertiary": 35.0,
    "residential": 25.0,
    "service": 15.0,
}
"""Free-flow speed of a road class when an edge gives no ``speed_kmh`` of its own."""

_NODE_DECIMALS = 7
"""Coordinates equal to this many decimals (about 1 cm) are the same junction."""


@dataclass(frozen=True)
class _Edge:
    u: tuple[float, float]
    v: tuple[float, float]
    length_m: float
    speed_kmh: float
    oneway: bool


class RoadGraph:
    """A directed street graph whose nodes carry ``lat``/``lon`` and whose edges carry
    ``length_m`` and ``duration_s``; a :class:`~dispatchopt.geo.TravelModel` over lat/lon points.

    A point reaches the network at its nearest junction of the largest strongly connected part
    (so every pair of points has a route), driving the straight line there at
    ``access_speed_kmh``. Points further than ``max_snap_m`` from any junction are refused.
    """

    def __init__(
        self,
        graph: nx.DiGraph,
        *,
        access_speed_kmh: float = 20.0,
        max_snap_m: float = 2_000.0,
        source_digest: str | None = None,
    ) -> None:
        if graph.number_of_nodes() == 0:
            raise InputError([("road_graph", 0, "has no junctions")])
        if not access_speed_kmh > 0:
            raise InputError([("access_speed_kmh", access_speed_kmh, "must be > 0")])
        if not max_snap_m > 0:
            raise InputError([("max_snap_m", max_snap_m, "must be > 0")])
        self.graph = graph
        self.access_speed_kmh = float(access_speed_kmh)
        self.max_snap_m = float(max_snap_m)
        self._nodes = list(graph.nodes)
        index = {node: i for i, node in enumerate(self._nodes)}
        self._coords = np.array(
            [(graph.nodes[n]["lat"], graph.nodes[n]["lon"]) for n in self._nodes], dtype=np.float64
        )
        edges = [(index[u], index[v], d) for u, v, d in graph.edges(data=True)]
        self._eu = np.array([e[0] for e in edges], dtype=np.int64)
        self._ev = np.array([e[1] for e in edges], dtype=np.int64)
        self._edur = np.array([e[2]["duration_s"] for e in edges], dtype=np.float64)
        self._elen = np.array([e[2]["length_m"] for e in edges], dtype=np.float64)
        self._snappable = self._largest_component(index)
        self._digest = source_digest or self._edges_digest()

    # -- loading ----------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | Path, **options: Any) -> RoadGraph:
        """Read a ``.geojson``/``.json`` FeatureCollection of LineStrings or a ``.csv`` edge list.

        GeoJSON properties: ``road_class``, ``speed_kmh`` (overrides the class speed),
        ``length_m`` (default: along the geometry), ``oneway`` (default false). CSV columns:
        ``from_lat,from_lon,to_lat,to_lon`` and the same optional properties.
        """
        p = Path(path)
        if not p.is_file():
            raise InputError([("road_graph.path", str(p), "road network file not found")])
        raw = p.read_bytes()
        suffix = p.suffix.lower()
        if suffix in (".geojson", ".json"):
            edges = _geojson_edges(raw, str(p))
        elif suffix == ".csv":
            edges = _csv_edges(raw, str(p))
        else:
            raise FormatError([("road_graph.path", str(p), "expected .geojson, .json or .csv")])
        digest = hashlib.sha256(raw).hexdigest()
        return cls(build_graph(edges), source_digest=digest, **options)

    def cache_key(self) -> str:
        """Names the network and options, for :class:`~dispatchopt.geo.CachedTravelModel`."""
        return f"{self._digest}|{self.access_speed_kmh}|{self.max_snap_m}"

    def _edges_digest(self) -> str:
        h = hashlib.sha256()
        for arr in (self._coords, self._eu, self._ev, self._edur, self._elen):
            h.update(np.ascontiguousarray(arr).tobytes())
        return h.hexdigest()

    def _largest_component(self, index: dict[Any, int]) -> IntArray:
        parts = [sorted(index[n] for n in c) for c in nx.strongly_connected_components(self.graph)]
        # Largest first; ties go to the part holding the earliest node, so the choice is stable.
        best = min(parts, key=lambda c: (-len(c), c[0]))
        return np.array(best, dtype=np.int64)

    # -- snapping ---------------------------------------------------------------------------

    def snap(self, points: npt.ArrayLike) -> tuple[IntArray, FloatArray]:
        """Nearest snappable junction (index into the node list) and its distance in metres,
        for every ``(lat, lon)`` point."""
        pts = np.asarray(points, dtype=np.float64)
        if pts.ndim != 2 or pts.shape[1] != 2 or not np.isfinite(pts).all():
            raise InputError([("points", pts.shape, "must be an (n, 2) array of finite lat/lon")])
        cand = self._coords[self._snappable]
        # Local flat projection: nearest by plane distance is nearest by great circle at city scale.
        lat0 = math.radians(float(cand[:, 0].mean()))
        scale = np.array([1.0, math.cos(lat0)])
        cxy = np.radians(cand) * scale
        nearest = np.empty(len(pts), dtype=np.int64)
        for rows in row_blocks(len(pts), len(cand)):
            pxy = np.radians(pts[rows]) * scale
            d2 = (pxy[:, None, 0] - cxy[None, :, 0]) ** 2
            d2 += (pxy[:, None, 1] - cxy[None, :, 1]) ** 2
            nearest[rows] = np.argmin(d2, axis=1)
        node = self._snappable[nearest]
        dist_m = _pairwise_m(pts, self._coords[node])
        far = np.flatnonzero(dist_m > self.max_snap_m)
        if far.size:
            i = int(far[0])
            raise InputError(
                [
                    (
                        f"points[{i}]",
                        (float(pts[i, 0]), float(pts[i, 1])),
                        f"lies {dist_m[i]:.0f} m from the roads (max {self.max_snap_m:.0f} m)",
                    )
                ]
            )
        return node, dist_m

    # -- matrices ---------------------------------------------------------------------------

    def matrices(self, points: FloatArray) -> TravelMatrices:
        """Durations and distances between all pairs of lat/lon ``points`` over the roads."""
        pts = np.asarray(points, dtype=np.float64)
        node, access_m = self.snap(pts)
        access_s = access_m / (self.access_speed_kmh / 3.6)
        sources, pos = np.unique(node, return_inverse=True)
        time_k, len_k = self.node_matrices(sources)
        _, same = np.unique(pts, axis=0, return_inverse=True)
        same = same.reshape(-1)
        n = len(pts)
        duration = np.empty((n, n), dtype=np.int32)
        distance = np.empty((n, n), dtype=np.int32)
        for rows in row_blocks(n, n):
            ident = same[rows, None] == same[None, :]
            t = time_k[pos[rows]][:, pos] + access_s[rows, None] + access_s[None, :]
            t[ident] = 0.0
            duration[rows] = to_int32(t, name="duration_s")
            d = len_k[pos[rows]][:, pos] + access_m[rows, None] + access_m[None, :]
            d[ident] = 0.0
            distance[rows] = to_int32(d, name="distance_m")
        return TravelMatrices(duration_s=duration, distance_m=distance)

    def node_matrices(self, nodes: IntArray) -> tuple[FloatArray, FloatArray]:
        """Seconds of the fastest path between every pair of ``nodes`` (indices into the node
        list), and the metres of that same path."""
        if importlib.util.find_spec("scipy") is None:
            return self._node_matrices_python(nodes)
        return self._node_matrices_scipy(nodes)

    def _node_matrices_scipy(self, nodes: IntArray) -> tuple[FloatArray, FloatArray]:
        from scipy.sparse import csr_matrix
        from scipy.sparse.csgraph import dijkstra

        m = len(self._nodes)
        graph = csr_matrix((self._edur, (self._eu, self._ev)), shape=(m, m))
        keys = self._eu * m + self._ev
        order = np.argsort(keys)
        sorted_keys, sorted_len = keys[order], self._elen[order]
        k = len(nodes)
        time_k = np.empty((k, k), dtype=np.float64)
        len_k = np.empty((k, k), dtype=np.float64)
        for rows in row_blocks(k, m):
            src = nodes[rows]
            times, pred = dijkstra(graph, indices=src, return_predecessors=True)
            time_k[rows] = times[:, nodes]
            len_k[rows] = _tree_lengths(pred, src, m, sorted_keys, sorted_len)[:, nodes]
        return time_k, len_k

    def _node_matrices_python(self, nodes: IntArray) -> tuple[FloatArray, FloatArray]:
        m = len(self._nodes)
        adj: list[list[tuple[int, float, float]]] = [[] for _ in range(m)]
        for u, v, t, length in zip(self._eu, self._ev, self._edur, self._elen, strict=True):
            adj[int(u)].append((int(v), float(t), float(length)))
        k = len(nodes)
        time_k = np.empty((k, k), dtype=np.float64)
        len_k = np.empty((k, k), dtype=np.float64)
        for r, s in enumerate(nodes):
            best_t, best_l = _dijkstra(adj, int(s), m)
            time_k[r] = best_t[nodes]
            len_k[r] = best_l[nodes]
        return time_k, len_k


def _dijkstra(
    adj: list[list[tuple[int, float, float]]], source: int, m: int
) -> tuple[FloatArray, FloatArray]:
    """Fastest times from ``source`` and the lengths of those paths (ties: shorter wins)."""
    best_t = np.full(m, np.inf)
    best_l = np.full(m, np.inf)
    best_t[source] = best_l[source] = 0.0
    heap: list[tuple[float, float, int]] = [(0.0, 0.0, source)]
    done = np.zeros(m, dtype=bool)
    while heap:
        t, length, u = heapq.heappop(heap)
        if done[u]:
            continue
        done[u] = True
        for v, dt, dl in adj[u]:
            nt, nl = t + dt, length + dl
            if nt < best_t[v] or (nt == best_t[v] and nl < best_l[v]):
                best_t[v], best_l[v] = nt, nl
                heapq.heappush(heap, (nt, nl, v))
    return best_t, best_l


def _tree_lengths(
    pred: npt.NDArray[np.int32],
    sources: IntArray,
    m: int,
    sorted_keys: IntArray,
    sorted_len: FloatArray,
) -> FloatArray:
    """Metres from each source along its shortest-path tree, by pointer doubling (vectorised)."""
    rows = np.arange(len(sources))[:, None]
    parent = pred.astype(np.int64)
    reached = parent >= 0
    node = np.broadcast_to(np.arange(m), parent.shape)
    # Roots and unreached nodes point at themselves with length 0.
    parent = np.where(reached, parent, node)
    lengths = np.zeros(parent.shape, dtype=np.float64)
    if reached.any():
        keys = parent[reached] * m + node[reached]
        lengths[reached] = sorted_len[np.searchsorted(sorted_keys, keys)]
    while True:
        up = parent[rows, parent]
        if np.array_equal(up, parent):
            break
        lengths += lengths[rows, parent]
        parent = up
    unreached = ~reached
    unreached[np.arange(len(sources)), sources] = False
    lengths[unreached] = np.inf
    return lengths


def _pairwise_m(a: FloatArray, b: FloatArray) -> FloatArray:
    """Great-circle metres from ``a[i]`` to ``b[i]`` for every i (not all pairs)."""
    ra, rb = np.radians(a), np.radians(b)
    h = (
        np.sin((rb[:, 0] - ra[:, 0]) / 2) ** 2
        + np.cos(ra[:, 0]) * np.cos(rb[:, 0]) * np.sin((rb[:, 1] - ra[:, 1]) / 2) ** 2
    )
    out: FloatArray = 2 * EARTH_RADIUS_KM * 1000.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return out


def _line_length_m(coords: list[tuple[float, float]]) -> float:
    pts = np.asarray(coords, dtype=np.float64)
    return float(_pairwise_m(pts[:-1], pts[1:]).sum())


def _speed(props: dict[str, Any], where: str) -> float:
    speed = props.get("speed_kmh")
    if speed is None:
        road_class = props.get("road_class")
        if road_class not in ROAD_CLASS_SPEEDS_KMH:
            raise FormatError(
                [(f"{where}.road_class", road_class, "unknown road class and no speed_kmh given")]
            )
        return ROAD_CLASS_SPEEDS_KMH[road_class]
    try:
        value = float(speed)
    except (TypeError, ValueError) as exc:
        raise FormatError([(f"{where}.speed_kmh", speed, "must be a number")]) from exc
    if not (math.isfinite(value) and value > 0):
        raise FormatError([(f"{where}.speed_kmh", speed, "must be > 0")])
    return value


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return bool(value)


def _geojson_edges(raw: bytes, name: str) -> list[_Edge]:
    try:
        data = json.loads(raw)
        features = data["features"]
    except (ValueError, KeyError, TypeError) as exc:
        raise FormatError(
            [("road_graph.path", name, f"not a GeoJSON FeatureCollection: {exc}")]
        ) from exc
    edges = []
    for i, feat in enumerate(features):
        where = f"features[{i}]"
        geom = feat.get("geometry") or {}
        if geom.get("type") != "LineString":
            continue
        try:
            coords = [(float(lat), float(lon)) for lon, lat, *_ in geom["coordinates"]]
        except (KeyError, TypeError, ValueError) as exc:
            raise FormatError([(f"{where}.geometry", geom, f"bad coordinates: {exc}")]) from exc
        if len(coords) < 2:
            raise FormatError([(f"{where}.geometry", len(coords), "needs at least 2 points")])
        props = feat.get("properties") or {}
        length = props.get("length_m")
        edges.append(
            _Edge(
                u=coords[0],
                v=coords[-1],
                length_m=_line_length_m(coords) if length is None else float(length),
                speed_kmh=_speed(props, where),
                oneway=_flag(props.get("oneway", False)),
            )
        )
    if not edges:
        raise FormatError([("road_graph.path", name, "holds no LineString features")])
    return edges


def _csv_edges(raw: bytes, name: str) -> list[_Edge]:
    rows = list(csv.DictReader(raw.decode("utf-8").splitlines()))
    if not rows:
        raise FormatError([("road_graph.path", name, "holds no edges")])
    edges = []
    for i, row in enumerate(rows):
        where = f"rows[{i}]"
        try:
            u = (float(row["from_lat"]), float(row["from_lon"]))
            v = (float(row["to_lat"]), float(row["to_lon"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise FormatError(
                [(where, row, f"needs from_lat,from_lon,to_lat,to_lon: {exc}")]
            ) from exc
        props = {k: val for k, val in row.items() if val not in (None, "")}
        length = props.get("length_m")
        edges.append(
            _Edge(
                u=u,
                v=v,
                length_m=_line_length_m([u, v]) if length is None else float(length),
                speed_kmh=_speed(props, where),
                oneway=_flag(props.get("oneway", False)),
            )
        )
    return edges


def build_graph(edges: list[_Edge]) -> nx.DiGraph:
    """A directed graph from edges (two-way ones in both directions); between two junctions only
    the fastest edge is kept."""
    graph = nx.DiGraph()

    def node(p: tuple[float, float]) -> tuple[float, float]:
        key = (round(p[0], _NODE_DECIMALS), round(p[1], _NODE_DECIMALS))
        if key not in graph:
            graph.add_node(key, lat=key[0], lon=key[1])
        return key

    for e in edges:
        if not (math.isfinite(e.length_m) and e.length_m >= 0):
            raise FormatError([("length_m", e.length_m, "must be a finite number >= 0")])
        u, v = node(e.u), node(e.v)
        if u == v:
            continue
        duration = e.length_m / (e.speed_kmh / 3.6)
        pairs = [(u, v)] if e.oneway else [(u, v), (v, u)]
        for a, b in pairs:
            old = graph.get_edge_data(a, b)
            if old is None or duration < old["duration_s"]:
                graph.add_edge(a, b, length_m=e.length_m, duration_s=duration)
    return graph


_LOADED: dict[tuple[str, int, int, float, float], RoadGraph] = {}
_LOADED_MAX = 4


def load_road_graph(
    path: str | Path, *, access_speed_kmh: float = 20.0, max_snap_m: float = 2_000.0
) -> RoadGraph:
    """:meth:`RoadGraph.load`, remembered per file version and options, so the solver and the
    validator of one run parse the network once."""
    p = Path(path)
    try:
        stat = p.resolve().stat()
    except OSError as exc:
        raise InputError([("road_graph.path", str(p), "road network file not found")]) from exc
    key = (str(p.resolve()), stat.st_mtime_ns, stat.st_size, access_speed_kmh, max_snap_m)
    if key not in _LOADED:
        if len(_LOADED) >= _LOADED_MAX:
            _LOADED.pop(next(iter(_LOADED)))
        _LOADED[key] = RoadGraph.load(p, access_speed_kmh=access_speed_kmh, max_snap_m=max_snap_m)
    return _LOADED[key]
