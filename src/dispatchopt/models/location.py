"""Where things are: geographic (lat/lon) or planar (x/y) coordinates."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Location(BaseModel):
    """A point given either as ``lat``/``lon`` (degrees) or as ``x``/``y`` (kilometres).

    ``matrix_index`` places the point in a user-supplied travel matrix; it is only needed
    when the problem's travel settings are ``{"kind": "matrix"}``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    x: float | None = None
    y: float | None = None
    matrix_index: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_system(self) -> Location:
        geo = (self.lat is not None, self.lon is not None)
        planar = (self.x is not None, self.y is not None)
        if geo[0] != geo[1]:
            raise ValueError("give both lat and lon, or neither")
        if planar[0] != planar[1]:
            raise ValueError("give both x and y, or neither")
        if all(geo) and all(planar):
            raise ValueError("give lat/lon or x/y, not both")
        if not any(geo) and not any(planar) and self.matrix_index is None:
            raise ValueError("a location needs lat/lon, x/y or matrix_index")
        return self

    @property
    def is_geographic(self) -> bool:
        """True for lat/lon points."""
        return self.lat is not None
