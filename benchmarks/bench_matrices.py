"""Benchmark travel-matrix builds: haversine, road graph and disk-cached, at 100/1 000/5 000 points.

Run from the repository root: ``python benchmarks/bench_matrices.py`` (``--sizes 100 1000`` for
fewer). Writes ``benchmarks/results/matrices.md`` and ``matrices.json`` with the machine used.
Times are wall-clock seconds, best of ``--repeat`` runs (one run at 5 000 points); peak memory is
the largest traced Python/numpy allocation during one build (``tracemalloc``, separate run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from dispatchopt.geo import CachedTravelModel, Haversine, RoadGraph, TravelMatrices  # noqa: E402

ROADS = ROOT / "examples" / "roads" / "city_roads.geojson"
RESULTS = ROOT / "benchmarks" / "results"
CENTRE = (45.7640, 4.8357)  # the example city (examples/make_city_day.py)


def city_points(n: int, seed: int = 0) -> np.ndarray:
    """``n`` customer locations within about 8 km of the example city's centre (seeded)."""
    rng = np.random.default_rng(seed)
    r = 8.0 * np.sqrt(rng.uniform(0, 1, n))
    a = rng.uniform(0, 2 * np.pi, n)
    lat = CENTRE[0] + r * np.sin(a) / 111.195
    lon = CENTRE[1] + r * np.cos(a) / (111.195 * np.cos(np.radians(CENTRE[0])))
    return np.c_[lat, lon]


def timed(build: Callable[[], TravelMatrices], repeat: int) -> float:
    """Best wall-clock seconds of ``repeat`` builds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        build()
        best = min(best, time.perf_counter() - start)
    return best


def peak_mib(build: Callable[[], TravelMatrices]) -> float:
    """Peak traced allocation (MiB) while ``build`` runs, its result included."""
    tracemalloc.start()
    try:
        result = build()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return peak / 2**20


def machine() -> dict[str, str]:
    """What ran the benchmark."""
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        import scipy

        scipy_version = scipy.__version__
    except ImportError:
        scipy_version = "not installed (pure-Python Dijkstra)"
    return {
        "cpu": cpu,
        "cores_visible": str(os.cpu_count()),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy_version,
        "load_average_1min": f"{os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "?",
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def run(sizes: list[int], repeat: int) -> dict[str, object]:
    """Measure every model at every size; returns the JSON-able results."""
    start = time.perf_counter()
    roads = RoadGraph.load(ROADS)
    load_s = time.perf_counter() - start
    roads.matrices(city_points(2))  # warm-up: imports scipy once, outside the timings
    haversine = Haversine()
    rows = []
    for n in sizes:
        pts = city_points(n)
        reps = 1 if n >= 5000 else repeat
        with tempfile.TemporaryDirectory() as cache_dir:
            cold = CachedTravelModel(roads, cache_dir)
            cold_s = timed(lambda cold=cold, pts=pts: cold.matrices(pts), 1)
            warm = CachedTravelModel(roads, cache_dir)
            cases: dict[str, Callable[[], TravelMatrices]] = {
                "haversine": lambda pts=pts: haversine.matrices(pts),
                "road_graph": lambda pts=pts: roads.matrices(pts),
                "cached_hit": lambda warm=warm, pts=pts: warm.matrices(pts),
            }
            for name, build in cases.items():
                seconds = timed(build, reps)
                rows.append(
                    {"model": name, "n": n, "seconds": seconds, "peak_mib": peak_mib(build)}
                )
                print(
                    f"{name:>12} n={n:>5}: {seconds:8.3f} s  peak {rows[-1]['peak_mib']:8.1f} MiB"
                )
            rows.append({"model": "cached_miss", "n": n, "seconds": cold_s, "peak_mib": None})
            print(f"{'cached_miss':>12} n={n:>5}: {cold_s:8.3f} s  (road graph + write)")
    return {
        "machine": machine(),
        "road_network": {
            "file": str(ROADS.relative_to(ROOT)),
            "junctions": roads.graph.number_of_nodes(),
            "directed_edges": roads.graph.number_of_edges(),
            "load_seconds": load_s,
        },
        "repeat": repeat,
        "results": rows,
    }


def markdown(data: dict[str, object]) -> str:
    """The results as a short Markdown report."""
    m = data["machine"]
    net = data["road_network"]
    assert isinstance(m, dict) and isinstance(net, dict)
    lines = [
        "# Travel-matrix build times",
        "",
        "Command: `python benchmarks/bench_matrices.py` (from the repository root).",
        "",
        f"Machine: {m['cpu']}, {m['cores_visible']} cores visible (shared with other work), "
        f"{m['platform']}; Python {m['python']}, numpy {m['numpy']}, scipy {m['scipy']}; "
        f"{m['date']}; load average {m['load_average_1min']} at the end of the run.",
        "",
        f"Road network: `{net['file']}`, {net['junctions']} junctions, "
        f"{net['directed_edges']} directed edges, loaded in {net['load_seconds']:.2f} s "
        "(once, not counted below). Points: uniform within 8 km of the centre, seed 0.",
        "",
        "Time is the best of "
        f"{data['repeat']} builds (one at 5 000 points); peak is the largest traced allocation "
        "during one build (tracemalloc), the returned int32 matrices included "
        "(2 x 4 n^2 bytes: 0.08 MiB at 100, 7.6 MiB at 1 000, 191 MiB at 5 000).",
        "",
        "| model | n | build (ms) | peak (MiB) |",
        "|---|---:|---:|---:|",
    ]
    rows = data["results"]
    assert isinstance(rows, list)
    for r in rows:
        peak = "-" if r["peak_mib"] is None else f"{r['peak_mib']:.1f}"
        lines.append(f"| {r['model']} | {r['n']} | {1000 * r['seconds']:.1f} | {peak} |")
    lines += [
        "",
        "`cached_miss` = road graph build plus writing the `.npz` entry; `cached_hit` = reading",
        "it back (what re-planning the same day costs).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """Parse arguments, run, write the results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", default="matrices", help="results file stem in benchmarks/results")
    args = parser.parse_args()
    data = run(args.sizes, args.repeat)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(data, indent=2) + "\n")
    (RESULTS / f"{args.out}.md").write_text(markdown(data))
    print(f"wrote {RESULTS / (args.out + '.md')}")


if __name__ == "__main__":
    main()
