"""Closed-form travel models: haversine, Euclidean and given matrices (files included)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from dispatchopt.errors import FormatError, InputError
from dispatchopt.geo import Euclidean, GivenMatrix, Haversine, haversine_km
from dispatchopt.geo import distance as distance_module

DAM = (52.3731, 4.8926)
CENTRAAL = (52.3791, 4.9003)


def test_one_degree_of_latitude_is_about_111_km() -> None:
    km = haversine_km(np.array([[52.0, 4.9], [53.0, 4.9]]))
    assert km[0, 1] == pytest.approx(111.2, abs=0.1)
    assert km[0, 0] == 0.0


def test_dam_to_centraal_by_van_with_detour_and_speed() -> None:
    m = Haversine(speed_kmh=30.0, detour_factor=1.3).matrices(np.array([DAM, CENTRAAL]))
    straight_m = haversine_km(np.array([DAM, CENTRAAL]))[0, 1] * 1000
    assert m.distance_m[0, 1] == round(straight_m * 1.3)
    assert m.duration_s[0, 1] == round(straight_m * 1.3 / 1000 / 30 * 3600)
    assert m.duration_s.dtype == np.int32 and m.distance_m.dtype == np.int32


def test_block_wise_build_equals_the_one_shot_formula(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(7)
    pts = np.c_[rng.uniform(52.30, 52.44, 60), rng.uniform(4.78, 5.02, 60)]
    whole = Haversine().matrices(pts)
    monkeypatch.setattr(distance_module, "BLOCK_CELLS", 7 * 60)  # 7-row blocks
    assert len(distance_module.row_blocks(60, 60)) == 9
    blocks = Haversine().matrices(pts)
    assert np.array_equal(whole.duration_s, blocks.duration_s)
    assert np.array_equal(whole.distance_m, blocks.distance_m)
    assert np.array_equal(whole.distance_m, np.rint(haversine_km(pts) * 1.3 * 1000))


def test_solomon_distances_truncate_to_one_decimal() -> None:
    m = Euclidean(speed_kmh=60.0, truncate_decimals=1).matrices(np.array([[0.0, 0.0], [1.0, 1.0]]))
    assert m.distance_m[0, 1] == 1400  # sqrt(2) = 1.414... truncated to 1.4 km
    assert m.duration_s[0, 1] == 84  # 1.4 km at 60 km/h


def test_bad_speeds_and_shapes_are_input_errors() -> None:
    with pytest.raises(InputError, match="speed_kmh"):
        Haversine(speed_kmh=0)
    with pytest.raises(InputError, match="detour_factor"):
        Haversine(detour_factor=0.9)
    with pytest.raises(InputError, match="points"):
        Haversine().matrices(np.zeros((3, 3)))


def test_a_given_matrix_is_sliced_by_matrix_index() -> None:
    model = GivenMatrix(duration_s=np.arange(9, dtype=np.int32).reshape(3, 3))
    m = model.matrices(np.array([[2.0, 0.0], [0.0, 0.0]]))
    assert m.duration_s.tolist() == [[8, 6], [2, 0]]
    assert m.distance_m.tolist() == [[0, 0], [0, 0]]
    with pytest.raises(InputError, match="matrix_index"):
        model.matrices(np.array([[3.0, 0.0]]))


def test_a_given_matrix_loads_from_json_npy_and_npz(tmp_path: Path) -> None:
    dur = [[0, 60], [90, 0]]
    dist = [[0, 500], [700, 0]]
    (tmp_path / "m.json").write_text(json.dumps({"durations_s": dur, "distances_m": dist}))
    np.save(tmp_path / "m.npy", np.array(dur))
    np.savez(tmp_path / "m.npz", duration_s=np.array(dur), distance_m=np.array(dist))
    pts = np.array([[1.0, 0.0], [0.0, 0.0]])
    for name, want_dist in (("m.json", [[0, 700], [500, 0]]), ("m.npz", [[0, 700], [500, 0]])):
        m = GivenMatrix.from_file(tmp_path / name).matrices(pts)
        assert m.duration_s.tolist() == [[0, 90], [60, 0]]
        assert m.distance_m.tolist() == want_dist
    assert GivenMatrix.from_file(tmp_path / "m.npy").matrices(pts).duration_s[0, 1] == 90


def test_a_broken_matrix_file_names_the_problem(tmp_path: Path) -> None:
    (tmp_path / "ragged.json").write_text(json.dumps({"durations_s": [[0, 1], [2]]}))
    (tmp_path / "neg.json").write_text(json.dumps({"durations_s": [[0, -1], [2, 0]]}))
    (tmp_path / "m.txt").write_text("0 1\n1 0\n")
    with pytest.raises(FormatError, match="ragged.json"):
        GivenMatrix.from_file(tmp_path / "ragged.json")
    with pytest.raises(FormatError, match="durations_s"):
        GivenMatrix.from_file(tmp_path / "neg.json")
    with pytest.raises(FormatError, match="expected a .json"):
        GivenMatrix.from_file(tmp_path / "m.txt")
    with pytest.raises(InputError, match="not found"):
        GivenMatrix.from_file(tmp_path / "missing.json")
