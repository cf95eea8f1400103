"""Geographic clustering: k-means on planar points, seeded so the same points give the same
clusters on any machine (used to cut a national day into regions)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

KMEANS_ROUNDS = 100
"""Lloyd iterations at most; clusters of home addresses settle in far fewer."""


def kmeans(
    points: npt.ArrayLike, k: int, *, seed: int = 0
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """Labels (one per point) and centres of ``k`` clusters of ``points`` (an ``n x 2`` array).

    Centres start from k-means++ (numpy ``Generator(PCG64(seed))``), then Lloyd iterations run
    until no label changes. A cluster that empties takes the point farthest from its centre,
    so exactly ``min(k, n)`` clusters come back, each with at least one point.
    """
    xy = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    n = len(xy)
    k = max(1, min(k, n))
    rng = np.random.default_rng(seed)
    centres = np.empty((k, 2))
    centres[0] = xy[rng.integers(n)]
    nearest = np.sum((xy - centres[0]) ** 2, axis=1)
    for c in range(1, k):
        total = nearest.sum()
        pick = rng.choice(n, p=nearest / total) if total > 0 else rng.integers(n)
        centres[c] = xy[pick]
        nearest = np.minimum(nearest, np.sum((xy - centres[c]) ** 2, axis=1))
    labels = np.full(n, -1, dtype=np.intp)
    for _ in range(KMEANS_ROUNDS):
        new = nearest_centre(xy, centres)
        for c in range(k):
            if not np.any(new == c):
                far = int(np.argmax(np.sum((xy - centres[new]) ** 2, axis=1)))
                new[far] = c
        if np.array_equal(new, labels):
            break
        labels = new
        for c in range(k):
            centres[c] = xy[labels == c].mean(axis=0)
    return labels, centres


def nearest_centre(
    points: npt.ArrayLike, centres: npt.ArrayLike, *, chunk: int = 4096
) -> npt.NDArray[np.intp]:
    """Index of the nearest of ``centres`` for every point (ties: the lower index), computed in
    chunks so tens of thousands of points against thousands of centres stay small in memory."""
    xy = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    cs = np.asarray(centres, dtype=np.float64).reshape(-1, 2)
    out = np.empty(len(xy), dtype=np.intp)
    for a in range(0, len(xy), chunk):
        block = xy[a : a + chunk]
        d = np.sum((block[:, None, :] - cs[None, :, :]) ** 2, axis=2)
        out[a : a + chunk] = np.argmin(d, axis=1)
    return out


__all__ = ["kmeans", "nearest_centre"]
