"""Generate the example city's road network (``city_roads.geojson``), seeded and reproducible.

A synthetic city around the shipped example day (``examples/city_day.json``, Lyon, centre
lat 45.764, lon 4.836): a street grid (400 m blocks, slightly irregular), arterials every 2 km,
a slow centre with one-way streets, a north-south river crossed by three bridges (and the ring
road's two tunnels), and a 70 km/h ring road about 6 km out. It is not Lyon's real street map.
Run: ``python examples/roads/make_roads.py`` (writes next to this script).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

CENTRE = (45.7640, 4.8357)  # as examples/make_city_day.py
HALF_SPAN_M = 9_200.0
BLOCK_M = 400.0
ARTERIAL_EVERY = 5
CENTRE_RADIUS_M = 1_600.0
RING_RADIUS_M = 6_000.0
RING_VERTICES = 72
BRIDGE_ROWS = (-10, 0, 10)
"""Grid rows (0 = the centre row) whose arterial crosses the river on a bridge."""
SEED = 20240607

M_PER_DEG_LAT = 111_320.0
M_PER_DEG_LON = M_PER_DEG_LAT * math.cos(math.radians(CENTRE[0]))


def to_latlon(x: float, y: float) -> tuple[float, float]:
    """Metres east/north of the centre to (lat, lon)."""
    return CENTRE[0] + y / M_PER_DEG_LAT, CENTRE[1] + x / M_PER_DEG_LON


def river_x(y: float) -> float:
    """East offset (m) of the river's centre line at north offset ``y``: a gentle meander."""
    return 650.0 + 450.0 * math.sin(y / 2_300.0) + 150.0 * math.sin(y / 700.0 + 1.0)


def feature(
    points: list[tuple[float, float]], road_class: str, name: str, **props: object
) -> dict[str, object]:
    """A GeoJSON LineString feature over metre offsets."""
    coords = []
    for x, y in points:
        lat, lon = to_latlon(x, y)
        coords.append([round(lon, 6), round(lat, 6)])
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": {"name": name, "road_class": road_class, **props},
    }


def build() -> dict[str, object]:
    """The whole network as a GeoJSON FeatureCollection."""
    rng = np.random.default_rng(SEED)
    half = int(HALF_SPAN_M // BLOCK_M)
    idx = range(-half, half + 1)
    # Jittered junctions make the grid look surveyed rather than drawn.
    pos = {
        (i, j): (i * BLOCK_M + rng.uniform(-50, 50), j * BLOCK_M + rng.uniform(-50, 50))
        for j in idx
        for i in idx
    }
    feats: list[dict[str, object]] = []

    def crosses_river(a: tuple[float, float], b: tuple[float, float]) -> bool:
        return (a[0] - river_x(a[1])) * (b[0] - river_x(b[1])) < 0

    def street(a: tuple[int, int], b: tuple[int, int], along: int, horizontal: bool) -> None:
        pa, pb = pos[a], pos[b]
        arterial = along % ARTERIAL_EVERY == 0
        mid = ((pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2)
        in_centre = math.hypot(*mid) < CENTRE_RADIUS_M
        if crosses_river(pa, pb):
            if not (horizontal and arterial and a[1] in BRIDGE_ROWS):
                return
            feats.append(feature([pa, pb], "primary", f"Bridge {a[1]:+d}", speed_kmh=40))
            return
        if not arterial and rng.random() < 0.06:
            return  # some blocks are parks, canals or dead ends
        if arterial:
            name = f"{'Avenue' if horizontal else 'Boulevard'} {along:+d}"
            props: dict[str, object] = {"speed_kmh": 30} if in_centre else {}
            feats.append(feature([pa, pb], "primary", name, **props))
        elif in_centre:
            # Centre streets are slow, and east-west ones alternate one-way directions.
            name = f"Old town street {along:+d}"
            ends = [pa, pb] if along % 2 == 0 else [pb, pa]
            feats.append(feature(ends, "residential", name, speed_kmh=15, oneway=horizontal))
        else:
            feats.append(feature([pa, pb], "residential", f"Street {along:+d}"))

    for j in idx:
        for i in idx:
            if i + 1 <= half:
                street((i, j), (i + 1, j), j, horizontal=True)
            if j + 1 <= half:
                street((i, j), (i, j + 1), i, horizontal=False)

    ring = [
        (
            RING_RADIUS_M * math.cos(2 * math.pi * k / RING_VERTICES),
            RING_RADIUS_M * 0.85 * math.sin(2 * math.pi * k / RING_VERTICES),
        )
        for k in range(RING_VERTICES)
    ]
    for k in range(RING_VERTICES):
        a, b = ring[k], ring[(k + 1) % RING_VERTICES]
        name = "Ring tunnel" if crosses_river(a, b) else "Ring"
        feats.append(feature([a, b], "trunk", name))
    # Ramps join the ring to the arterial grid wherever an arterial junction is near.
    arterial_nodes = [
        key for key in pos if key[0] % ARTERIAL_EVERY == 0 or key[1] % ARTERIAL_EVERY == 0
    ]
    for k in range(0, RING_VERTICES, 3):
        rx, ry = ring[k]
        near = min(arterial_nodes, key=lambda n: math.hypot(pos[n][0] - rx, pos[n][1] - ry))
        if math.hypot(pos[near][0] - rx, pos[near][1] - ry) < 350 and not crosses_river(
            pos[near], ring[k]
        ):
            feats.append(feature([ring[k], pos[near]], "secondary", f"Ramp {k}"))
    return {
        "type": "FeatureCollection",
        "name": f"example city roads (synthetic, seed {SEED})",
        "features": feats,
    }


def main() -> None:
    """Write ``city_roads.geojson`` next to this script."""
    out = Path(__file__).with_name("city_roads.geojson")
    text = json.dumps(build(), separators=(",", ":"))
    out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {out} ({len(text) // 1024} KiB)")


if __name__ == "__main__":
    main()
