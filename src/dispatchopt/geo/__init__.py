"""Geography: turns points into travel duration and distance matrices (knows no solver or model)."""

from dispatchopt.geo.distance import Euclidean, GivenMatrix, Haversine, haversine_km
from dispatchopt.geo.matrix import TravelMatrices, TravelModel

__all__ = ["Euclidean", "GivenMatrix", "Haversine", "TravelMatrices", "TravelModel", "haversine_km"]
