"""k-means on planar points: the clusters of well-separated towns, the same for the same seed."""

from __future__ import annotations

import numpy as np

from dispatchopt.geo.clustering import kmeans, nearest_centre


def _towns(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.vstack([rng.normal((x, 0.0), 1.0, (30, 2)) for x in (0.0, 50.0, 100.0)])


def test_three_towns_make_three_clusters_of_thirty() -> None:
    labels, centres = kmeans(_towns(), 3, seed=1)
    assert sorted(np.bincount(labels).tolist()) == [30, 30, 30]
    assert sorted(round(float(c[0]) / 50) for c in centres) == [0, 1, 2]
    for town in range(3):
        assert len(set(labels[30 * town : 30 * (town + 1)].tolist())) == 1


def test_the_same_seed_gives_the_same_clusters() -> None:
    a, _ = kmeans(_towns(), 4, seed=7)
    b, _ = kmeans(_towns(), 4, seed=7)
    assert a.tolist() == b.tolist()


def test_more_clusters_than_points_gives_one_per_point() -> None:
    labels, centres = kmeans([(0.0, 0.0), (1.0, 1.0)], 5)
    assert sorted(labels.tolist()) == [0, 1]
    assert len(centres) == 2


def test_nearest_centre_in_chunks_matches_the_plain_answer() -> None:
    points = _towns()
    centres = np.array([(0.0, 0.0), (50.0, 0.0), (100.0, 0.0)])
    assert nearest_centre(points, centres, chunk=7).tolist() == [0] * 30 + [1] * 30 + [2] * 30
