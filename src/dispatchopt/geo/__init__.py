"""Geography: turns points into travel duration and distance matrices (knows no solver or model).

The road graph (networkx) and the OSRM client load on first use, so ``import dispatchopt.geo``
stays light; ``from dispatchopt.geo import RoadGraph, OsrmTable`` works as before.
"""

from typing import TYPE_CHECKING

from dispatchopt._lazy import lazy_getattr
from dispatchopt.geo.cache import CachedTravelModel
from dispatchopt.geo.distance import Euclidean, GivenMatrix, Haversine, haversine_km
from dispatchopt.geo.errors import TravelServiceError, TravelServiceWarning
from dispatchopt.geo.matrix import TravelMatrices, TravelModel
from dispatchopt.geo.time_dependent import (
    SpeedProfile,
    TimeDependentTravel,
    slot_duration,
    slot_matrices,
    travel_time_at,
    travel_times_at,
)
from dispatchopt.geo.vehicle import VehicleProfile

if TYPE_CHECKING:
    from dispatchopt.geo.osrm import OsrmTable
    from dispatchopt.geo.road_graph import ROAD_CLASS_SPEEDS_KMH, RoadGraph

_LAZY = {
    "OsrmTable": "dispatchopt.geo.osrm",
    "ROAD_CLASS_SPEEDS_KMH": "dispatchopt.geo.road_graph",
    "RoadGraph": "dispatchopt.geo.road_graph",
}


__getattr__ = lazy_getattr("dispatchopt.geo", _LAZY)


__all__ = [
    "ROAD_CLASS_SPEEDS_KMH",
    "CachedTravelModel",
    "Euclidean",
    "GivenMatrix",
    "Haversine",
    "OsrmTable",
    "RoadGraph",
    "SpeedProfile",
    "TimeDependentTravel",
    "TravelMatrices",
    "TravelModel",
    "TravelServiceError",
    "TravelServiceWarning",
    "VehicleProfile",
    "haversine_km",
    "slot_duration",
    "slot_matrices",
    "travel_time_at",
    "travel_times_at",
]
