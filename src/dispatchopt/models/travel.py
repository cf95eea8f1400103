"""Travel settings: how the problem wants distances and durations computed (data only).

The computing lives in :mod:`dispatchopt.geo`; these classes only say which model to use.
"""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class SpeedProfileSettings(BaseModel):
    """Speed factor per local hour of day (1.0 = the base matrix, 0.6 = rush hour) in the
    IANA ``timezone`` of the planned area; the solver uses per-hour matrices, the validator
    the exact profile (see ``docs/travel.md``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    hourly_factors: list[Annotated[float, Field(ge=0.05, le=5.0)]] = Field(
        min_length=24, max_length=24
    )
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value


class VehicleProfileSettings(BaseModel):
    """How one kind of vehicle drives the base matrix: ``speed_factor`` times the base speed
    (0.8 = trips take 25 % longer); ``follows_speed_profile=False`` ignores rush hours."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    speed_factor: float = Field(default=1.0, ge=0.05, le=5.0)
    follows_speed_profile: bool = True


class _TimedTravel(BaseModel):
    """Options shared by the real-world travel kinds: time of day and vehicle profiles."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    speed_profile: SpeedProfileSettings | None = None
    vehicle_profiles: dict[str, VehicleProfileSettings] = Field(default_factory=dict)


class HaversineTravel(_TimedTravel):
    """Great-circle distance on lat/lon, times a detour factor, at an average speed."""

    kind: Literal["haversine"] = "haversine"
    speed_kmh: float = Field(default=30.0, gt=0)
    detour_factor: float = Field(default=1.3, ge=1.0)


class EuclideanTravel(BaseModel):
    """Straight lines on x/y coordinates in kilometres (benchmark instances).

    ``truncate_decimals=1`` reproduces the DIMACS convention (distances truncated to 0.1).
    At the default 60 km/h one coordinate unit takes one minute, as in Solomon's instances.
    ``round_up`` rounds travel durations up to whole seconds instead of to the nearest one, so
    a plan feasible here stays feasible under an unrounded checker.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    kind: Literal["euclidean"] = "euclidean"
    speed_kmh: float = Field(default=60.0, gt=0)
    truncate_decimals: int | None = Field(default=None, ge=0, le=6)
    round_up: bool = False


class MatrixTravel(_TimedTravel):
    """A given matrix: ``durations_s[i][j]`` seconds and ``distances_m[i][j]`` metres between the
    locations whose ``matrix_index`` is ``i`` and ``j``."""

    kind: Literal["matrix"] = "matrix"
    durations_s: list[list[int]]
    distances_m: list[list[int]] | None = None

    @model_validator(mode="after")
    def _square(self) -> MatrixTravel:
        n = len(self.durations_s)
        for name, matrix in (("durations_s", self.durations_s), ("distances_m", self.distances_m)):
            if matrix is None:
                continue
            if len(matrix) != n or any(len(row) != n for row in matrix):
                raise ValueError(f"{name} must be a square {n}x{n} matrix")
            if any(v < 0 for row in matrix for v in row):
                raise ValueError(f"{name} has a negative entry")
        return self


class MatrixFileTravel(_TimedTravel):
    """A given matrix read from ``path``: ``.json`` (``durations_s``, optional ``distances_m``),
    ``.npy`` (durations) or ``.npz`` (``duration_s``, ``distance_m``); locations need a
    ``matrix_index``."""

    kind: Literal["matrix_file"] = "matrix_file"
    path: str = Field(min_length=1)


class RoadGraphTravel(_TimedTravel):
    """Fastest paths over a road network file (GeoJSON LineStrings or a CSV edge list with
    lengths and speeds); locations need lat/lon and are snapped to the nearest junction.

    ``cache_dir``, when set, keeps computed matrices on disk for re-planning the same points.
    """

    kind: Literal["road_graph"] = "road_graph"
    path: str = Field(min_length=1)
    access_speed_kmh: float = Field(default=20.0, gt=0)
    max_snap_m: float = Field(default=2_000.0, gt=0)
    cache_dir: str | None = None


class OsrmTravel(_TimedTravel):
    """Durations and distances from an OSRM server's ``table`` service; locations need lat/lon.

    ``fallback="haversine"`` answers with haversine times (and a warning) when the server fails;
    the default ``"none"`` raises instead.
    """

    kind: Literal["osrm"] = "osrm"
    base_url: str = Field(pattern=r"^https?://")
    profile: str = Field(default="driving", pattern=r"^[A-Za-z0-9_-]+$")
    timeout_s: float = Field(default=10.0, gt=0)
    retries: int = Field(default=2, ge=0, le=10)
    backoff_s: float = Field(default=0.5, ge=0)
    max_batch: int = Field(default=100, ge=1)
    fallback: Literal["none", "haversine"] = "none"
    cache_dir: str | None = None


TravelSettings = Annotated[
    HaversineTravel
    | EuclideanTravel
    | MatrixTravel
    | MatrixFileTravel
    | RoadGraphTravel
    | OsrmTravel,
    Field(discriminator="kind"),
]
