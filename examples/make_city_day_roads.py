"""Write ``city_day_roads.json``: the example day on the shipped street network with rush hours.

Same jobs and engineers as ``city_day.json``; travel is the fastest path over
``roads/city_roads.geojson`` (read relative to this folder), 40 % slower 07-09 and 30 % slower
16-18 local time. Run after ``make_city_day.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUSH = [1.0] * 7 + [0.6, 0.6] + [1.0] * 7 + [0.7, 0.7] + [1.0] * 6


def main() -> None:
    """Read the example day, swap its travel settings, write the road version beside it."""
    day = json.loads((HERE / "city_day.json").read_text())
    day["name"] += " (street network, rush hours)"
    day["travel"] = {
        "kind": "road_graph",
        "path": "roads/city_roads.geojson",
        "speed_profile": {"hourly_factors": RUSH, "timezone": "Europe/Paris"},
    }
    (HERE / "city_day_roads.json").write_text(json.dumps(day, indent=1) + "\n")


if __name__ == "__main__":
    main()
