"""The dispatcher's board: a plan as one self-contained HTML page (Gantt per engineer, route
map, unassigned jobs, KPIs), drawn from the domain model alone (``dispatchopt plan --html``
and the HTTP service's ``/board/{id}``)."""

from dispatchopt.board.page import render_board, write_board
from dispatchopt.board.streets import Segment, street_segments

__all__ = ["Segment", "render_board", "street_segments", "write_board"]
