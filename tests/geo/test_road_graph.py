"""Road travel: a river crossed only at a bridge, one-way streets, arterials, the example city."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from dispatchopt.errors import FormatError, InputError
from dispatchopt.geo import Haversine, RoadGraph

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "roads" / "city_roads.geojson"
LAT0, LON0 = 52.37, 4.90
M_LAT = 6_371_008.8 * math.pi / 180  # metres per degree on the sphere haversine uses
M_LON = M_LAT * math.cos(math.radians(LAT0))


def ll(x: float, y: float) -> tuple[float, float]:
    """(lat, lon) of a point ``x`` m east and ``y`` m north of the test origin."""
    return (LAT0 + y / M_LAT, LON0 + x / M_LON)


def line(a: tuple[float, float], b: tuple[float, float], **props: object) -> dict[str, object]:
    coords = [[ll(*a)[1], ll(*a)[0]], [ll(*b)[1], ll(*b)[0]]]
    return {
        "type": "Feature",
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": props,
    }


def write(tmp_path: Path, features: list[dict[str, object]]) -> Path:
    path = tmp_path / "roads.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.fixture
def river_town(tmp_path: Path) -> Path:
    """Two 2 km streets 300 m apart on either bank of a river, one bridge at the east end."""
    res = {"road_class": "residential"}
    return write(
        tmp_path,
        [
            line((0, 0), (1000, 0), **res),
            line((1000, 0), (2000, 0), **res),
            line((0, 300), (1000, 300), **res),
            line((1000, 300), (2000, 300), **res),
            line((2000, 0), (2000, 300), road_class="primary", name="bridge"),
        ],
    )


def test_across_the_river_means_driving_to_the_bridge_and_back(river_town: Path) -> None:
    roads = RoadGraph.load(river_town)
    south, north = ll(0, -20), ll(0, 320)
    m = roads.matrices(np.array([south, north]))
    # 20 m access + 2 km east + 300 m bridge + 2 km west + 20 m access.
    assert m.distance_m[0, 1] == pytest.approx(4340, abs=3)
    want_s = 4000 / (25 / 3.6) + 300 / (50 / 3.6) + 40 / (20 / 3.6)
    assert m.duration_s[0, 1] == pytest.approx(want_s, abs=2)
    straight = Haversine(detour_factor=1.0).matrices(np.array([south, north]))
    assert m.distance_m[0, 1] > 12 * straight.distance_m[0, 1]
    assert m.duration_s[1, 0] == m.duration_s[0, 1]
    assert m.duration_s[0, 0] == 0


def test_a_one_way_street_sends_the_return_trip_around_the_block(tmp_path: Path) -> None:
    res = {"road_class": "residential"}
    path = write(
        tmp_path,
        [
            line((0, 0), (1000, 0), oneway=True, **res),
            line((1000, 0), (1000, 1000), **res),
            line((1000, 1000), (0, 1000), **res),
            line((0, 1000), (0, 0), **res),
        ],
    )
    m = RoadGraph.load(path).matrices(np.array([ll(0, 0), ll(1000, 0)]))
    assert m.distance_m[0, 1] == pytest.approx(1000, abs=2)
    assert m.distance_m[1, 0] == pytest.approx(3000, abs=3)


def test_the_fastest_path_may_be_longer_and_distance_follows_it(tmp_path: Path) -> None:
    # 1 km of residential (144 s) against a 1.4 km arterial detour (about 101 s).
    path = write(
        tmp_path,
        [
            line((0, 0), (1000, 0), road_class="residential"),
            line((0, 0), (500, 490), road_class="primary", length_m=700),
            line((500, 490), (1000, 0), road_class="primary", length_m=700),
        ],
    )
    m = RoadGraph.load(path).matrices(np.array([ll(0, 0), ll(1000, 0)]))
    assert m.duration_s[0, 1] == round(1400 / (50 / 3.6))
    assert m.distance_m[0, 1] == 1400


def test_csv_and_geojson_describe_the_same_network(river_town: Path, tmp_path: Path) -> None:
    data = json.loads(river_town.read_text())
    rows = ["from_lat,from_lon,to_lat,to_lon,road_class,speed_kmh,oneway"]
    for f in data["features"]:
        (lon_a, lat_a), (lon_b, lat_b) = f["geometry"]["coordinates"]
        rows.append(f"{lat_a},{lon_a},{lat_b},{lon_b},{f['properties']['road_class']},,")
    csv_path = tmp_path / "roads.csv"
    csv_path.write_text("\n".join(rows) + "\n")
    pts = np.array([ll(10, 10), ll(1500, 290), ll(1990, 150)])
    a = RoadGraph.load(river_town).matrices(pts)
    b = RoadGraph.load(csv_path).matrices(pts)
    assert np.array_equal(a.duration_s, b.duration_s)
    assert np.array_equal(a.distance_m, b.distance_m)


def test_a_point_far_from_any_road_is_refused_by_index(river_town: Path) -> None:
    roads = RoadGraph.load(river_town)
    with pytest.raises(InputError, match=r"points\[1\].*from the roads"):
        roads.matrices(np.array([ll(0, 0), ll(0, 5000)]))


def test_broken_network_files_say_what_is_wrong(tmp_path: Path) -> None:
    bad_class = write(tmp_path, [line((0, 0), (100, 0), road_class="goat_track")])
    with pytest.raises(FormatError, match="goat_track"):
        RoadGraph.load(bad_class)
    (tmp_path / "x.geojson").write_text('{"type": "FeatureCollection"}')
    with pytest.raises(FormatError, match="FeatureCollection"):
        RoadGraph.load(tmp_path / "x.geojson")
    with pytest.raises(InputError, match="not found"):
        RoadGraph.load(tmp_path / "nope.geojson")


def test_identical_points_are_zero_apart_and_nearby_ones_are_not(river_town: Path) -> None:
    p, q = ll(500, 10), ll(520, 10)
    m = RoadGraph.load(river_town).matrices(np.array([p, p, q]))
    assert m.duration_s[0, 1] == 0 and m.distance_m[0, 1] == 0
    assert m.distance_m[0, 2] > 0


def test_scipy_and_pure_python_dijkstra_agree_on_the_example_city() -> None:
    pytest.importorskip("scipy", reason="scipy is optional (extra 'roads'); it is in [dev]")
    roads = RoadGraph.load(EXAMPLE)
    rng = np.random.default_rng(3)
    pts = np.c_[45.764 + rng.uniform(-0.06, 0.06, 25), 4.836 + rng.uniform(-0.09, 0.09, 25)]
    nodes = np.unique(roads.snap(pts)[0])
    fast_t, fast_l = roads._node_matrices_scipy(nodes)
    slow_t, slow_l = roads._node_matrices_python(nodes)
    assert np.allclose(fast_t, slow_t, rtol=0, atol=1e-6)
    assert np.allclose(fast_l, slow_l, rtol=0, atol=1e-6)


def make_roads_module() -> ModuleType:
    """The seeded generator shipped next to the example network."""
    spec = importlib.util.spec_from_file_location("make_roads", EXAMPLE.with_name("make_roads.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_example_city_covers_8_km_around_the_centre_and_has_three_bridges() -> None:
    gen = make_roads_module()
    roads = RoadGraph.load(EXAMPLE)
    ring = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    pts = np.array(
        [gen.to_latlon(8000 * np.cos(a) * r, 8000 * np.sin(a) * r) for a in ring for r in (0.3, 1)]
    )
    _, snap_m = roads.snap(pts)
    assert snap_m.max() < 350
    names = [f["properties"]["name"] for f in json.loads(EXAMPLE.read_text())["features"]]
    assert len({n for n in names if n.startswith("Bridge")}) == 3
    # Everything but stray dead ends is one strongly connected network.
    assert len(roads._snappable) > 0.98 * roads.graph.number_of_nodes()


def test_crossing_the_river_between_bridges_is_a_detour() -> None:
    gen = make_roads_module()
    y = 5 * 400 * 0.5  # halfway between the bridges at rows 0 and +10 (4 km apart)
    west = gen.to_latlon(gen.river_x(y) - 300, y)
    east = gen.to_latlon(gen.river_x(y) + 300, y)
    road = RoadGraph.load(EXAMPLE).matrices(np.array([west, east]))
    assert road.distance_m[0, 1] > 2_500  # 600 m apart, but the nearest bridge is 1 km away


def test_the_shipped_network_is_what_the_seeded_script_generates() -> None:
    assert make_roads_module().build() == json.loads(EXAMPLE.read_text())
