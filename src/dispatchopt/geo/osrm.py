"""OSRM ``table`` client: durations and distances from an OSRM server over HTTP (httpx).

Large point sets are split into source x destination batches; timeouts, connection failures and
5xx answers are retried with exponential backoff; every other failure raises
:class:`~dispatchopt.geo.errors.TravelServiceError`. Falling back to another model happens only
when the caller names one, and then with a :class:`~dispatchopt.geo.errors.TravelServiceWarning`.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from dispatchopt.errors import InputError
from dispatchopt.geo.errors import TravelServiceError, TravelServiceWarning
from dispatchopt.geo.matrix import TravelMatrices, TravelModel, to_int32

if TYPE_CHECKING:
    import httpx

FloatArray = npt.NDArray[np.float64]

_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class OsrmTable:
    """Travel matrices from OSRM's ``/table/v1/{profile}`` service at ``base_url``.

    Each request carries at most ``max_batch`` sources and ``max_batch`` destinations (OSRM's
    ``--max-table-size`` defaults to 100). A request is tried ``1 + retries`` times, waiting
    ``backoff_s * 2**attempt`` between tries. ``fallback``, when given, answers instead of
    raising if the service fails, with a warning.
    """

    base_url: str
    profile: str = "driving"
    timeout_s: float = 10.0
    retries: int = 2
    backoff_s: float = 0.5
    max_batch: int = 100
    fallback: TravelModel | None = None

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise InputError([("base_url", self.base_url, "must start with http:// or https://")])
        if not self.profile or "/" in self.profile:
            raise InputError([("profile", self.profile, "must be a plain OSRM profile name")])
        if not self.timeout_s > 0:
            raise InputError([("timeout_s", self.timeout_s, "must be > 0")])
        if self.retries < 0:
            raise InputError([("retries", self.retries, "must be >= 0")])
        if self.backoff_s < 0:
            raise InputError([("backoff_s", self.backoff_s, "must be >= 0")])
        if self.max_batch < 1:
            raise InputError([("max_batch", self.max_batch, "must be >= 1")])

    def cache_key(self) -> str:
        """Server and profile name the answers; timeouts and batching do not change them."""
        return f"{self.base_url.rstrip('/')}|{self.profile}"

    def matrices(self, points: FloatArray) -> TravelMatrices:
        """Durations and distances between all pairs of lat/lon ``points``, as OSRM drives."""
        pts = np.asarray(points, dtype=np.float64)
        if pts.ndim != 2 or pts.shape[1] != 2 or not np.isfinite(pts).all():
            raise InputError([("points", pts.shape, "must be an (n, 2) array of finite lat/lon")])
        try:
            return self._query(pts)
        except TravelServiceError as exc:
            if self.fallback is None:
                raise
            warnings.warn(
                f"OSRM failed ({exc}); using fallback {type(self.fallback).__name__} travel times",
                TravelServiceWarning,
                stacklevel=2,
            )
            return self.fallback.matrices(pts)

    def _query(self, pts: FloatArray) -> TravelMatrices:
        # httpx is needed only here: the rest of geo works without it (extra "osrm").
        try:
            import httpx
        except ImportError as exc:
            raise TravelServiceError(
                "OSRM travel needs httpx: pip install 'dispatchopt[osrm]'", code="NoHttpx"
            ) from exc
        n = len(pts)
        duration = np.zeros((n, n), dtype=np.int32)
        distance = np.zeros((n, n), dtype=np.int32)
        blocks = [slice(i, min(i + self.max_batch, n)) for i in range(0, n, self.max_batch)]
        with httpx.Client(timeout=self.timeout_s) as client:
            for src in blocks:
                for dst in blocks:
                    dur, dist = self._table(client, pts, src, dst)
                    duration[src, dst] = to_int32(dur, name="durations")
                    distance[src, dst] = to_int32(dist, name="distances")
        np.fill_diagonal(duration, 0)
        np.fill_diagonal(distance, 0)
        return TravelMatrices(duration_s=duration, distance_m=distance)

    def _table(
        self, client: httpx.Client, pts: FloatArray, src: slice, dst: slice
    ) -> tuple[FloatArray, FloatArray]:
        """One table request: rows ``src`` to columns ``dst``."""
        if src == dst:
            coords = pts[src]
            params = {"annotations": "duration,distance"}
        else:
            coords = np.concatenate([pts[src], pts[dst]])
            n_src = src.stop - src.start
            params = {
                "annotations": "duration,distance",
                "sources": ";".join(str(i) for i in range(n_src)),
                "destinations": ";".join(str(i) for i in range(n_src, len(coords))),
            }
        # OSRM wants lon,lat; 6 decimals is 0.1 m.
        path = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in coords)
        # Query built by hand: OSRM's own examples keep ';' and ',' literal.
        query = "&".join(f"{k}={v}" for k, v in params.items())
        url = f"{self.base_url.rstrip('/')}/table/v1/{self.profile}/{path}?{query}"
        body = self._get(client, url)
        shape = (src.stop - src.start, dst.stop - dst.start)
        return (
            _table_field(body, "durations", shape, url),
            _table_field(body, "distances", shape, url),
        )

    def _get(self, client: httpx.Client, url: str) -> dict[str, Any]:
        """GET with retries on timeouts, connection failures and 429/5xx answers."""
        import httpx

        last: TravelServiceError | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self.backoff_s * 2 ** (attempt - 1))
            try:
                response = client.get(url)
            except httpx.TimeoutException as exc:
                last = TravelServiceError(
                    f"OSRM did not answer within {self.timeout_s} s", url=url, code="Timeout"
                )
                last.__cause__ = exc
                continue
            except httpx.TransportError as exc:
                last = TravelServiceError(
                    f"cannot reach OSRM at {self.base_url}: {exc}", url=url, code="Unreachable"
                )
                last.__cause__ = exc
                continue
            if response.status_code in _RETRY_STATUS:
                last = TravelServiceError(
                    f"OSRM answered HTTP {response.status_code}",
                    url=url,
                    code=str(response.status_code),
                )
                continue
            return _ok_body(response, url)
        assert last is not None
        tries = self.retries + 1
        raise TravelServiceError(
            f"{last} (after {tries} {'try' if tries == 1 else 'tries'})", url=url, code=last.code
        ) from last


def _ok_body(response: httpx.Response, url: str) -> dict[str, Any]:
    """The JSON body of a final answer, or a TravelServiceError naming OSRM's error code."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise TravelServiceError(
            f"OSRM answered HTTP {response.status_code} without a JSON object",
            url=url,
            code=str(response.status_code),
        )
    code = body.get("code")
    if response.status_code != 200 or code != "Ok":
        message = body.get("message", "")
        raise TravelServiceError(
            f"OSRM refused the table request: {code} {message}".strip(),
            url=url,
            code=str(code if code is not None else response.status_code),
        )
    return body


def _table_field(body: dict[str, Any], name: str, shape: tuple[int, int], url: str) -> FloatArray:
    values = body.get(name)
    if values is None:
        raise TravelServiceError(
            f"OSRM answer has no {name!r} (is the server older than 5.18?)", url=url, code="NoData"
        )
    try:
        arr = np.array(values, dtype=np.float64)  # null -> nan
    except (TypeError, ValueError) as exc:
        raise TravelServiceError(f"OSRM {name} are not numbers", url=url, code="BadData") from exc
    if arr.shape != shape:
        raise TravelServiceError(
            f"OSRM {name} have shape {arr.shape}, expected {shape}", url=url, code="BadData"
        )
    if np.isnan(arr).any():
        i, j = (int(k) for k in np.argwhere(np.isnan(arr))[0])
        raise TravelServiceError(
            f"OSRM found no route for {name} entry [{i}][{j}] of this batch",
            url=url,
            code="NoRoute",
        )
    return arr
