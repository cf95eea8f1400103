"""A disk cache of travel matrices, so re-planning the same day neither recomputes nor re-queries.

Entries are ``.npz`` files named by a hash of the points and of the inner model's settings.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from dispatchopt.geo.errors import TravelServiceWarning
from dispatchopt.geo.matrix import TravelMatrices, TravelModel

CACHE_VERSION = "1"
"""Bumped when the meaning of cached matrices changes, so old entries are not reused."""


def settings_fingerprint(model: object) -> str:
    """A stable text naming a travel model's settings: its ``cache_key()`` when it has one,
    else its class and dataclass fields (arrays by content hash)."""
    key = getattr(model, "cache_key", None)
    if callable(key):
        return f"{type(model).__qualname__}:{key()}"
    return _describe(model)


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        digest = hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()
        return f"array({value.dtype},{value.shape},{digest})"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = ",".join(
            f"{f.name}={_describe(getattr(value, f.name))}" for f in dataclasses.fields(value)
        )
        return f"{type(value).__qualname__}({fields})"
    if isinstance(value, tuple | list):
        return "[" + ",".join(_describe(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k!r}:{_describe(value[k])}" for k in sorted(value)) + "}"
    if value is None or isinstance(value, bool | int | float | str | Path):
        return repr(value)
    raise TypeError(
        f"cannot fingerprint {type(value).__qualname__}: give the travel model a cache_key()"
    )


def cache_key(points: npt.NDArray[np.float64], model: object) -> str:
    """Hex digest naming the matrices of ``model`` over ``points`` (order matters)."""
    pts = np.ascontiguousarray(np.asarray(points, dtype=np.float64))
    h = hashlib.sha256()
    h.update(f"v{CACHE_VERSION}|{pts.shape}|".encode())
    h.update(pts.tobytes())
    h.update(settings_fingerprint(model).encode())
    return h.hexdigest()


class CachedTravelModel:
    """Wraps a travel model; answers from ``cache_dir`` when the same points and settings were
    computed before, otherwise computes, stores and returns.

    ``hits`` and ``misses`` count answers, so callers (and tests) can see the cache working.
    A corrupt entry is recomputed and overwritten, never trusted; an answer given by a fallback
    model (signalled by a ``TravelServiceWarning``) is returned but not stored.
    """

    def __init__(self, inner: TravelModel, cache_dir: str | os.PathLike[str]) -> None:
        self.inner = inner
        self.cache_dir = Path(cache_dir)
        self.hits = 0
        self.misses = 0

    def cache_key(self) -> str:
        """The inner model's fingerprint: caching does not change the matrices."""
        return settings_fingerprint(self.inner)

    def path_for(self, points: npt.NDArray[np.float64]) -> Path:
        """Where the matrices for ``points`` are (or would be) stored."""
        return self.cache_dir / f"{cache_key(points, self.inner)}.npz"

    def matrices(self, points: npt.NDArray[np.float64]) -> TravelMatrices:
        """Cached matrices for ``points``, computed by the inner model on a miss."""
        path = self.path_for(points)
        found = self._load(path, len(points))
        if found is not None:
            self.hits += 1
            return found
        self.misses += 1
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = self.inner.matrices(points)
        for w in caught:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
        # A fallback answer stands in for this run only; caching it would hide the failure later.
        if not any(issubclass(w.category, TravelServiceWarning) for w in caught):
            self._store(path, result)
        return result

    @staticmethod
    def _load(path: Path, n: int) -> TravelMatrices | None:
        if not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as z:
                result = TravelMatrices(duration_s=z["duration_s"], distance_m=z["distance_m"])
        except (OSError, KeyError, ValueError):
            return None
        return result if result.size == n else None

    def _store(self, path: Path, result: TravelMatrices) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        # Write to a temporary file then rename: readers never see half an entry.
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".npz.tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(fh, duration_s=result.duration_s, distance_m=result.distance_m)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
