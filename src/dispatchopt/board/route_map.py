"""The routes on an SVG map: each engineer's home, numbered stops and path in their colour,
depots, the jobs left out, and the street network when there is one. No map tiles: it is
drawn from the problem's own coordinates, so the page works offline."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from dispatchopt.board.streets import Segment
from dispatchopt.models import Location, Plan, Problem, Stop

WIDTH = 720
HEIGHT = 520
MARGIN = 24

Point = tuple[float, float]


class _Projection:
    """Plane coordinates for locations: x/y as given, lat/lon scaled so that a kilometre is
    as long east-west as north-south; then fitted into the picture, north up."""

    def __init__(self, problem: Problem, streets: Sequence[Segment]) -> None:
        lats = [loc.lat for loc in _locations(problem) if loc.lat is not None]
        lats += [p[0] for seg in streets for p in seg]
        self.cos = math.cos(math.radians(sum(lats) / len(lats))) if lats else 1.0
        raw = [p for p in (self.plane(loc) for loc in _locations(problem)) if p is not None]
        raw += [self.plane_latlon(*p) for seg in streets for p in seg]
        self.empty = not raw
        xs, ys = [p[0] for p in raw] or [0.0], [p[1] for p in raw] or [0.0]
        self.x0, self.y1 = min(xs), max(ys)
        dx, dy = max(xs) - self.x0, self.y1 - min(ys)
        fits = [(WIDTH - 2 * MARGIN) / dx] if dx > 0 else []
        fits += [(HEIGHT - 2 * MARGIN) / dy] if dy > 0 else []
        self.scale = min(fits, default=1.0)
        self.width = max(200.0, 2 * MARGIN + dx * self.scale)
        self.height = max(120.0, 2 * MARGIN + dy * self.scale)

    def plane_latlon(self, lat: float, lon: float) -> Point:
        return lon * self.cos, lat

    def plane(self, loc: Location) -> Point | None:
        if loc.lat is not None and loc.lon is not None:
            return self.plane_latlon(loc.lat, loc.lon)
        if loc.x is not None and loc.y is not None:
            return loc.x, loc.y
        return None

    def px(self, loc: Location) -> Point | None:
        p = self.plane(loc)
        return None if p is None else self.fit(p)

    def fit(self, p: Point) -> Point:
        return MARGIN + (p[0] - self.x0) * self.scale, MARGIN + (self.y1 - p[1]) * self.scale


def _locations(problem: Problem) -> list[Location]:
    out = [j.location for j in problem.jobs]
    out += [e.start_location for e in problem.engineers] + [e.home for e in problem.engineers]
    return out + [d.location for d in problem.depots]


def _stop_location(problem: Problem, stop: Stop) -> Location | None:
    if stop.kind == "pickup":
        depot = problem.depot_by_id.get(stop.job_id)
        return None if depot is None else depot.location
    job = problem.job_by_id.get(stop.job_id)
    return None if job is None else job.location


def _streets_svg(proj: _Projection, streets: Sequence[Segment]) -> str:
    if not streets:
        return ""
    moves = []
    for (lat_a, lon_a), (lat_b, lon_b) in streets:
        ax, ay = proj.fit(proj.plane_latlon(lat_a, lon_a))
        bx, by = proj.fit(proj.plane_latlon(lat_b, lon_b))
        moves.append(f"M{ax:.1f} {ay:.1f}L{bx:.1f} {by:.1f}")
    return f'<path class="streets" d="{"".join(moves)}"/>'


def route_map_svg(
    problem: Problem, plan: Plan, colours: dict[str, str], streets: Sequence[Segment] = ()
) -> str:
    """The map as an SVG element (a sentence instead when the problem has no coordinates)."""
    proj = _Projection(problem, streets)
    if proj.empty:
        return '<p class="note">No map: the problem gives no coordinates (matrix travel).</p>'
    w, h = proj.width, proj.height
    parts = [
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h:.0f}" '
        f'width="{w:.0f}" height="{h:.0f}" role="img" aria-label="route map">',
        f'<rect class="map-bg" x="0" y="0" width="{w:.0f}" height="{h:.0f}"/>',
        _streets_svg(proj, streets),
    ]
    for route in sorted(plan.routes, key=lambda r: (r.engineer_id, r.shift_index)):
        eng = problem.engineer_by_id.get(route.engineer_id)
        if eng is None:
            continue
        colour = colours.get(eng.id, "#333")
        home, back = proj.px(eng.start_location), proj.px(eng.home)
        stops = [(s, proj.px(loc)) for s in route.stops if (loc := _stop_location(problem, s))]
        path = [p for p in [home, *(p for _, p in stops), back] if p is not None]
        parts.append(f'<g class="route" data-engineer="{escape(eng.id)}">')
        if len(path) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in path)
            parts.append(f'<polyline points="{points}" stroke="{colour}"/>')
        if home is not None:
            parts.append(
                f'<rect class="home" x="{home[0] - 6:.1f}" y="{home[1] - 6:.1f}" width="12" '
                f'height="12" fill="{colour}"><title>{escape(eng.id)}: home</title></rect>'
            )
        for number, (stop, p) in enumerate(stops, start=1):
            if p is None:
                continue
            what = "pickup at " if stop.kind == "pickup" else ""
            parts.append(
                f'<g class="stop"><circle cx="{p[0]:.1f}" cy="{p[1]:.1f}" r="9" fill="{colour}"/>'
                f'<text x="{p[0]:.1f}" y="{p[1] + 3.5:.1f}">{number}</text>'
                f"<title>{escape(eng.id)} #{number}: {what}{escape(stop.job_id)}</title></g>"
            )
        parts.append("</g>")
    for depot in problem.depots:
        p = proj.px(depot.location)
        if p is not None:
            x, y = p
            parts.append(
                f'<polygon class="depot" points="{x:.1f},{y - 8:.1f} {x - 7:.1f},{y + 5:.1f} '
                f'{x + 7:.1f},{y + 5:.1f}"><title>depot {escape(depot.id)}</title></polygon>'
            )
    for item in plan.unassigned:
        job = problem.job_by_id.get(item.job_id)
        p = None if job is None else proj.px(job.location)
        if p is not None:
            x, y = p
            parts.append(
                f'<path class="left-out" d="M{x - 5:.1f} {y - 5:.1f}L{x + 5:.1f} {y + 5:.1f}'
                f'M{x - 5:.1f} {y + 5:.1f}L{x + 5:.1f} {y - 5:.1f}">'
                f"<title>{escape(item.job_id)}: not planned ({escape(item.reason)})</title></path>"
            )
    parts.append("</svg>")
    return "".join(parts)


__all__ = ["route_map_svg"]
