"""Territories: GeoJSON areas (holes included) and zone lists, and how bad geometry is refused."""

from __future__ import annotations

from datetime import date

import pytest

from dispatchopt.errors import InputError
from dispatchopt.models import Location
from dispatchopt.models.eligibility import Ineligible, why_not
from dispatchopt.models.territory import MultiPolygon, Polygon, covers
from tests.days import Day

DAY = Day(date(2026, 3, 10))
SQUARE = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
COURTYARD = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]


def _at(x: float, y: float) -> Location:
    return Location(x=x, y=y)


def test_a_square_with_a_courtyard_covers_its_ring_but_not_the_courtyard() -> None:
    block = Polygon(type="Polygon", coordinates=[SQUARE, COURTYARD])
    assert block.contains(1, 1)
    assert block.contains(10, 5)  # on the boundary: inside
    assert not block.contains(5, 5)  # in the hole
    assert block.contains(4, 5)  # on the hole's edge: still the block's
    assert not block.contains(11, 5)
    assert not block.contains(-0.001, 3)


def test_a_concave_l_shape_is_judged_exactly() -> None:
    ell = Polygon(
        type="Polygon", coordinates=[[[0, 0], [4, 0], [4, 1], [1, 1], [1, 4], [0, 4], [0, 0]]]
    )
    assert ell.contains(0.5, 3.5)
    assert ell.contains(3.5, 0.5)
    assert not ell.contains(2, 2)
    assert not ell.contains(3, 3)


def test_a_multipolygon_covers_each_part() -> None:
    two = MultiPolygon(
        type="MultiPolygon",
        coordinates=[[SQUARE], [[[20, 0], [30, 0], [30, 10], [20, 0]]]],
    )
    assert two.contains(5, 5) and two.contains(29, 5)
    assert not two.contains(15, 5)


def test_a_zone_list_covers_only_jobs_in_its_zones() -> None:
    assert covers(["75007", "75015"], _at(0, 0), "75007")
    assert not covers(["75007"], _at(0, 0), "75008")
    assert not covers(["75007"], _at(0, 0), None)
    assert covers(None, _at(0, 0), None)


def test_paul_never_leaves_the_7th_arrondissement() -> None:
    problem = DAY.problem(
        [DAY.job("rue-cler", 1, zone="75007"), DAY.job("montparnasse", 2, zone="75014")],
        [
            DAY.engineer("paul", territory=["75007"]),
            DAY.engineer("rita", territory=["75007"], territory_mode="soft"),
        ],
    )
    paul, rita = problem.engineers
    cler, montparnasse = problem.jobs
    assert why_not(cler, paul) is None
    assert why_not(montparnasse, paul) is Ineligible.TERRITORY
    assert why_not(montparnasse, rita) is None


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}, "at least 4"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "not closed"),
        ({"type": "Circle", "coordinates": [0, 0]}, "territory"),
        ({"type": "Polygon", "coordinates": []}, "territory"),
    ],
)
def test_bad_geojson_is_refused_naming_the_field(geometry: object, message: str) -> None:
    with pytest.raises(InputError, match=r"engineers\[0\]\.territory") as err:
        DAY.problem([DAY.job("a", 1)], [DAY.engineer("ann", territory=geometry)])
    assert message in str(err.value)


def test_an_area_needs_jobs_with_coordinates() -> None:
    with pytest.raises(InputError, match=r"jobs\[0\]\.location"):
        DAY.problem(
            [{**DAY.job("a", 1), "location": {"matrix_index": 0}}],
            [DAY.engineer("ann", territory={"type": "Polygon", "coordinates": [SQUARE]})],
            travel={"kind": "matrix", "durations_s": [[0, 0], [0, 0]]},
        )
