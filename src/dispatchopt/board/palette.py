"""The board's colours: one per engineer (routes and Gantt rows match) and one per kind of bar."""

from __future__ import annotations

ENGINEER_COLOURS = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
    "#e6550d", "#31a354", "#756bb1", "#636363",
)  # fmt: skip
"""Engineer colours, in turn (Tableau 10 then darker tones: told apart on screen and paper)."""

KIND_COLOURS = {
    "travel": "#f4a261",
    "work": "#2a9d8f",
    "pickup": "#6a4c93",
    "break": "#8ab17d",
    "waiting": "#dee2e6",
    "overtime": "#d62828",
}
"""Gantt bar colours by what the engineer is doing."""


def engineer_colour(index: int) -> str:
    """The colour of the ``index``-th engineer (by id order)."""
    return ENGINEER_COLOURS[index % len(ENGINEER_COLOURS)]


__all__ = ["ENGINEER_COLOURS", "KIND_COLOURS", "engineer_colour"]
