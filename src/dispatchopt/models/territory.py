"""Territories: where an engineer or a provider works, as a GeoJSON area or a list of zones.

A territory is a GeoJSON ``Polygon`` or ``MultiPolygon`` geometry object (positions are
``[lon, lat]`` for geographic problems, ``[x, y]`` for planar ones) or a list of zone ids
matched against :attr:`~dispatchopt.models.Job.zone`. The point-in-polygon test is written
here, small and exact (ray casting over every ring, holes included), because the validator
and the solvers both need it and the domain model imports nothing but itself.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from dispatchopt.models._bounds import Id
from dispatchopt.models.location import Location

Position = Annotated[list[float], Field(min_length=2, max_length=3)]
"""``[lon, lat]`` (or ``[x, y]``); a third number (an altitude) is allowed and ignored."""
Ring = list[Position]
"""A closed linear ring: at least four positions, the last equal to the first."""


def _ring_errors(rings: list[Ring], where: str) -> list[str]:
    out = []
    for k, ring in enumerate(rings):
        if len(ring) < 4:
            out.append(f"{where}[{k}] has {len(ring)} positions; a linear ring needs at least 4")
        elif ring[0][:2] != ring[-1][:2]:
            out.append(f"{where}[{k}] is not closed (its last position must repeat its first)")
    return out


def _on_edge(px: float, py: float, ring: Ring) -> bool:
    """True when the point lies exactly on one of the ring's edges."""
    for (ax, ay, *_), (bx, by, *_) in zip(ring, ring[1:], strict=False):
        collinear = (bx - ax) * (py - ay) == (by - ay) * (px - ax)
        if collinear and min(ax, bx) <= px <= max(ax, bx) and min(ay, by) <= py <= max(ay, by):
            return True
    return False


def _crosses_odd(px: float, py: float, ring: Ring) -> bool:
    """Ray casting: does a ray from the point towards +x cross the ring an odd number of
    times? (Half-open edges, so a vertex on the ray counts once.)"""
    inside = False
    for (ax, ay, *_), (bx, by, *_) in zip(ring, ring[1:], strict=False):
        if (ay > py) != (by > py) and px < ax + (py - ay) * (bx - ax) / (by - ay):
            inside = not inside
    return inside


def _in_polygon(px: float, py: float, rings: list[Ring]) -> bool:
    """Inside (or on) the outer ring and not strictly inside any hole: boundaries belong to
    the area."""
    if not rings:
        return False
    outer, holes = rings[0], rings[1:]
    if not (_on_edge(px, py, outer) or _crosses_odd(px, py, outer)):
        return False
    return not any(_crosses_odd(px, py, hole) and not _on_edge(px, py, hole) for hole in holes)


class Polygon(BaseModel):
    """A GeoJSON ``Polygon``: an outer ring, then any holes."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    type: Literal["Polygon"]
    coordinates: list[Ring] = Field(min_length=1)

    @model_validator(mode="after")
    def _rings(self) -> Polygon:
        errors = _ring_errors(self.coordinates, "coordinates")
        if errors:
            raise ValueError("; ".join(errors))
        return self

    def contains(self, px: float, py: float) -> bool:
        """True when ``(px, py)`` (lon/lat or x/y) lies inside or on the boundary."""
        return _in_polygon(px, py, self.coordinates)


class MultiPolygon(BaseModel):
    """A GeoJSON ``MultiPolygon``: several polygons, each an outer ring and its holes."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    type: Literal["MultiPolygon"]
    coordinates: list[list[Ring]] = Field(min_length=1)

    @model_validator(mode="after")
    def _rings(self) -> MultiPolygon:
        errors = []
        for i, poly in enumerate(self.coordinates):
            if not poly:
                errors.append(f"coordinates[{i}] has no rings")
            errors.extend(_ring_errors(poly, f"coordinates[{i}]"))
        if errors:
            raise ValueError("; ".join(errors))
        return self

    def contains(self, px: float, py: float) -> bool:
        """True when ``(px, py)`` lies inside (or on the boundary of) any of the polygons."""
        return any(_in_polygon(px, py, rings) for rings in self.coordinates)


def _kind(value: Any) -> str | None:
    """Which territory a value is: a zone list, or the GeoJSON geometry its ``type`` names."""
    if isinstance(value, list):
        return "zones"
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if kind in ("Polygon", "MultiPolygon") else None


Geometry = Polygon | MultiPolygon
Territory = Annotated[
    Annotated[Polygon, Tag("Polygon")]
    | Annotated[MultiPolygon, Tag("MultiPolygon")]
    | Annotated[list[Id], Tag("zones")],
    Discriminator(
        _kind,
        custom_error_type="territory",
        custom_error_message="a territory is a GeoJSON Polygon or MultiPolygon geometry "
        "object, or a list of zone ids",
    ),
]
"""A GeoJSON area, or the zone ids (:attr:`Job.zone`) that make up the territory."""


def point_of(location: Location) -> tuple[float, float] | None:
    """The location as GeoJSON orders it (``[lon, lat]`` or ``[x, y]``); ``None`` for a point
    known only by its travel-matrix index."""
    if location.lat is not None and location.lon is not None:
        return (location.lon, location.lat)
    if location.x is not None and location.y is not None:
        return (location.x, location.y)
    return None


def covers(territory: Territory | None, location: Location, zone: str | None) -> bool:
    """True when a job at ``location`` in ``zone`` lies in ``territory`` (no territory: it
    covers everything). A zone list covers only jobs whose zone it names; an area covers the
    points inside it (a point without coordinates is outside)."""
    if territory is None:
        return True
    if isinstance(territory, list):
        return zone is not None and zone in territory
    point = point_of(location)
    return point is not None and territory.contains(*point)


__all__ = ["Geometry", "MultiPolygon", "Polygon", "Territory", "covers", "point_of"]
