"""Time-of-day travel: hourly speed factors, exact travel times and per-slot matrices.

The model is Ichoua, Gendreau & Potvin's (2003): a base ("free-flow") duration is a distance to
cover at speed 1, the speed changes with the clock, and a trip integrates the speed over time.
Arrival times then grow with departure times (FIFO). See ``docs/travel.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt

from dispatchopt.errors import InputError
from dispatchopt.geo.distance import row_blocks
from dispatchopt.geo.matrix import IntMatrix, TravelMatrices

DAY_S = 86_400
HOUR_S = 3_600
_EPS = 1e-6
"""Slack when rounding a float travel time up to whole seconds (absorbs float noise)."""

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class SpeedProfile:
    """Speed factor per local hour of day (1.0 = the base matrix's speed, 0.5 = half as fast).

    ``origin_s`` says which local time of day engine second 0 is (seconds after local
    midnight), so every method takes engine seconds; :meth:`anchored` sets it from a datetime.
    The profile repeats every 24 hours.
    """

    hourly_factors: tuple[float, ...] = (1.0,) * 24
    origin_s: int = 0

    def __post_init__(self) -> None:
        factors = tuple(float(f) for f in self.hourly_factors)
        if len(factors) != 24:
            raise InputError([("hourly_factors", len(factors), "needs exactly 24 values")])
        for h, f in enumerate(factors):
            if not (math.isfinite(f) and 0.05 <= f <= 5.0):
                raise InputError([(f"hourly_factors[{h}]", f, "must lie in [0.05, 5]")])
        object.__setattr__(self, "hourly_factors", factors)
        # _cum[h]: base seconds covered from local midnight to hour h (25 entries).
        cum = np.concatenate([[0.0], np.cumsum(np.asarray(factors) * HOUR_S)])
        object.__setattr__(self, "_cum", cum)
        object.__setattr__(self, "_factors", np.asarray(factors))

    @classmethod
    def flat(cls) -> SpeedProfile:
        """Every hour at the base speed: travel times equal the base matrix."""
        return cls()

    @classmethod
    def rush_hours(cls, morning: float = 0.6, evening: float = 0.7) -> SpeedProfile:
        """Slower 07:00-09:00 (``morning``) and 16:00-18:00 (``evening``), base speed otherwise."""
        factors = [1.0] * 24
        factors[7] = factors[8] = morning
        factors[16] = factors[17] = evening
        return cls(tuple(factors))

    def anchored(self, epoch: datetime, timezone: str | tzinfo) -> SpeedProfile:
        """This profile with engine second 0 at ``epoch``, reading hours in ``timezone``."""
        if epoch.tzinfo is None:
            raise InputError([("epoch", epoch.isoformat(), "must be timezone-aware")])
        tz: tzinfo
        if isinstance(timezone, str):
            try:
                tz = ZoneInfo(timezone)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise InputError([("timezone", timezone, "unknown time zone")]) from exc
        else:
            tz = timezone
        local = epoch.astimezone(tz)
        origin = local.hour * HOUR_S + local.minute * 60 + local.second
        return replace(self, origin_s=origin)

    @property
    def is_flat(self) -> bool:
        """True when every hour runs at the base speed."""
        return all(f == 1.0 for f in self.hourly_factors)

    def factor_at(self, t_s: float) -> float:
        """Speed factor in force at engine second ``t_s``."""
        return self.hourly_factors[int(((t_s + self.origin_s) % DAY_S) // HOUR_S)]

    # -- the integral F(u) of the speed over day time u, and its inverse -----------------

    def _covered(self, u: FloatArray | float) -> FloatArray:
        """Base seconds covered from day-time 0 to day-time ``u`` (local seconds, vectorised)."""
        cum: FloatArray = self._cum  # type: ignore[attr-defined]
        factors: FloatArray = self._factors  # type: ignore[attr-defined]
        day, r = np.divmod(np.asarray(u, dtype=np.float64), DAY_S)
        h = np.clip((r // HOUR_S).astype(np.int64), 0, 23)
        out: FloatArray = day * cum[24] + cum[h] + factors[h] * (r - h * HOUR_S)
        return out

    def _reached(self, v: FloatArray) -> FloatArray:
        """Day-time at which ``v`` base seconds have been covered since day-time 0 (vectorised)."""
        cum: FloatArray = self._cum  # type: ignore[attr-defined]
        factors: FloatArray = self._factors  # type: ignore[attr-defined]
        day, rem = np.divmod(v, cum[24])
        h = np.clip(np.searchsorted(cum, rem, side="right") - 1, 0, 23)
        out: FloatArray = day * DAY_S + h * HOUR_S + (rem - cum[h]) / factors[h]
        return out

    def _travel_float(self, base_s: FloatArray, departure_s: float) -> FloatArray:
        u = departure_s + self.origin_s
        arrival = self._reached(self._covered(u) + base_s)
        return np.where(base_s > 0, arrival - u, 0.0)


def _round_up(values: FloatArray) -> npt.NDArray[np.int64]:
    return np.ceil(values - _EPS).astype(np.int64)


def travel_time_at(base_seconds: int, departure_s: int, profile: SpeedProfile) -> int:
    """Exact seconds of a trip whose base duration is ``base_seconds``, leaving at engine second
    ``departure_s``, rounded up to whole seconds (the validator's check).

    Rounding the arrival up keeps FIFO on integers: leaving later never arrives earlier.
    """
    if base_seconds < 0:
        raise InputError([("base_seconds", base_seconds, "must be >= 0")])
    if base_seconds == 0 or profile.is_flat:
        return int(base_seconds)
    t = profile._travel_float(np.array([float(base_seconds)]), float(departure_s))
    return int(_round_up(t)[0])


def travel_times_at(base: IntMatrix, departure_s: int, profile: SpeedProfile) -> IntMatrix:
    """:func:`travel_time_at` for a whole base duration matrix at one departure time."""
    if profile.is_flat:
        return np.asarray(base, dtype=np.int32).copy()
    out = np.empty(base.shape, dtype=np.int32)
    for rows in row_blocks(base.shape[0], base.shape[1]):
        t = profile._travel_float(base[rows].astype(np.float64), float(departure_s))
        out[rows] = _round_up(t)
    return out


def _slot_upper_bound(base: FloatArray, start: int, end: int, profile: SpeedProfile) -> FloatArray:
    """Largest exact travel time over departures in ``[start, end]`` (engine seconds).

    The travel time is piecewise linear in the departure time, with kinks only where the
    departure or the arrival crosses an hour boundary, so its maximum over the slot is at an
    end of the slot or at one of those kinks; we evaluate all of them.
    """
    best = np.maximum(profile._travel_float(base, start), profile._travel_float(base, end))
    origin = profile.origin_s
    for b in range((start + origin) // HOUR_S + 1, (end + origin - 1) // HOUR_S + 1):
        best = np.maximum(best, profile._travel_float(base, b * HOUR_S - origin))
    u_start, u_end = start + origin, end + origin
    arr_start = profile._reached(profile._covered(u_start) + base)
    arr_end = profile._reached(profile._covered(u_end) + base)
    fmax, fmin = max(profile.hourly_factors), min(profile.hourly_factors)
    spread = math.ceil((end - start) * fmax / fmin / HOUR_S) + 2
    first = np.floor(arr_start / HOUR_S) + 1
    for m in range(spread):
        boundary = (first + m) * HOUR_S
        inside = (boundary < arr_end) & (base > 0)
        if not inside.any():
            break
        depart = profile._reached(profile._covered(boundary) - base)
        best = np.where(inside, np.maximum(best, boundary - depart), best)
    return best


def slot_duration(base: IntMatrix, start_s: int, end_s: int, profile: SpeedProfile) -> IntMatrix:
    """Duration matrix safe for every departure in ``[start_s, end_s]``: each entry is the
    largest exact travel time (rounded up) over that interval, so a plan built on it never
    fails the exact check."""
    if end_s < start_s:
        raise InputError([("end_s", end_s, f"must be >= start_s ({start_s})")])
    if profile.is_flat:
        return np.asarray(base, dtype=np.int32).copy()
    out = np.empty(base.shape, dtype=np.int32)
    for rows in row_blocks(base.shape[0], base.shape[1]):
        worst = _slot_upper_bound(base[rows].astype(np.float64), start_s, end_s, profile)
        out[rows] = _round_up(worst)
    return out


def slot_matrices(
    base: IntMatrix,
    profile: SpeedProfile,
    *,
    slot_s: int = HOUR_S,
    horizon_s: int = DAY_S,
) -> list[tuple[int, IntMatrix]]:
    """Per-slot duration matrices ``[(slot_start_s, durations), ...]`` covering engine seconds
    ``[0, horizon_s)``: durations for departures in slot k are ``[slot_start_s, next start)``.

    Slots follow the local clock (they start on multiples of ``slot_s`` after local midnight),
    so with hourly slots each one sees a single speed factor at departure.
    """
    return [
        (start, slot_duration(base, start, end - 1, profile))
        for start, end in _slot_bounds(profile, slot_s, horizon_s)
    ]


def _slot_bounds(profile: SpeedProfile, slot_s: int, horizon_s: int) -> list[tuple[int, int]]:
    if slot_s <= 0:
        raise InputError([("slot_s", slot_s, "must be > 0")])
    if horizon_s <= 0:
        raise InputError([("horizon_s", horizon_s, "must be > 0")])
    first = -(profile.origin_s % slot_s)
    return [(s, s + slot_s) for s in range(first, horizon_s, slot_s)]


class TimeDependentTravel:
    """Travel over one set of points under a speed profile, for the solver and the validator.

    The solver asks :meth:`slot_of` and :meth:`slot_duration_s` (a safe matrix per departure
    slot, computed on first use); the validator asks :meth:`duration_at` (the exact time).
    """

    def __init__(
        self,
        base: TravelMatrices,
        profile: SpeedProfile,
        *,
        slot_s: int = HOUR_S,
        horizon_s: int = DAY_S,
    ) -> None:
        self.base = base
        self.profile = profile
        self.slot_s = slot_s
        self._bounds = _slot_bounds(profile, slot_s, horizon_s)
        self._slots: dict[int, IntMatrix] = {}

    @property
    def slot_starts(self) -> list[int]:
        """Engine second at which each slot starts (the first may be negative)."""
        return [s for s, _ in self._bounds]

    def slot_of(self, departure_s: int) -> int:
        """Index of the slot holding ``departure_s`` (clamped to the first and last slot)."""
        k = (departure_s - self._bounds[0][0]) // self.slot_s
        return int(min(max(k, 0), len(self._bounds) - 1))

    def slot_duration_s(self, k: int) -> IntMatrix:
        """Duration matrix for departures in slot ``k`` (safe upper bound over the slot)."""
        if not 0 <= k < len(self._bounds):
            raise InputError([("slot", k, f"must be in [0, {len(self._bounds)})")])
        if k not in self._slots:
            start, end = self._bounds[k]
            self._slots[k] = slot_duration(self.base.duration_s, start, end - 1, self.profile)
        return self._slots[k]

    def duration_at(self, i: int, j: int, departure_s: int) -> int:
        """Exact seconds from point ``i`` to ``j`` leaving at engine second ``departure_s``."""
        return travel_time_at(int(self.base.duration_s[i, j]), departure_s, self.profile)
