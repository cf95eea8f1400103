"""Live dispatch: insert a job now, offer slots, react to events, re-plan keeping promises.

Pure functions over a :class:`~dispatchopt.models.Problem` and a
:class:`~dispatchopt.models.Plan`; every plan they return passes the validator.
"""

from dispatchopt.live.insert import FROZEN_MINUTES, Update, insert_job

__all__ = ["FROZEN_MINUTES", "Update", "insert_job"]
