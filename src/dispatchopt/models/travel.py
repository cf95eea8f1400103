"""Travel settings: how the problem wants distances and durations computed (data only).

The computing lives in :mod:`dispatchopt.geo`; these classes only say which model to use.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class HaversineTravel(BaseModel):
    """Great-circle distance on lat/lon, times a detour factor, at an average speed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

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

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["euclidean"] = "euclidean"
    speed_kmh: float = Field(default=60.0, gt=0)
    truncate_decimals: int | None = Field(default=None, ge=0, le=6)
    round_up: bool = False


class MatrixTravel(BaseModel):
    """A given matrix: ``durations_s[i][j]`` seconds and ``distances_m[i][j]`` metres between the
    locations whose ``matrix_index`` is ``i`` and ``j``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

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


TravelSettings = Annotated[
    HaversineTravel | EuclideanTravel | MatrixTravel, Field(discriminator="kind")
]
