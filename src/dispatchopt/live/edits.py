"""Changed copies of a problem (a job added, replaced or dropped, an engineer's shifts cut)
that reuse the original's travel matrices instead of computing them again."""

from __future__ import annotations

from typing import Any

from dispatchopt.errors import InputError
from dispatchopt.matrices import extend_matrices
from dispatchopt.models import Job, Plan, Problem


def with_changes(problem: Problem, **changes: Any) -> Problem:
    """``problem`` with some fields replaced, checked as a new problem (cross-references
    included), sharing the matrices of every location it already had."""
    data = {name: getattr(problem, name) for name in Problem.model_fields}
    data.update(changes)
    grown = Problem.model_validate(data)
    if grown.engineers == problem.engineers and grown.depots == problem.depots:
        extend_matrices(problem, grown)
    return grown


def with_job(problem: Problem, job: Job) -> Problem:
    """``problem`` with ``job`` added (an :class:`InputError` if its id is taken)."""
    if job.id in problem.job_by_id:
        raise InputError([("job.id", job.id, "the problem already has a job with this id")])
    return with_changes(problem, jobs=[*problem.jobs, job])


def replace_job(problem: Problem, job: Job) -> Problem:
    """``problem`` with the job of the same id replaced by ``job``."""
    if job.id not in problem.job_by_id:
        raise InputError([("job.id", job.id, "the problem has no job with this id")])
    return with_changes(problem, jobs=[job if j.id == job.id else j for j in problem.jobs])


def served(plan: Plan) -> set[str]:
    """Ids of the jobs the plan's routes serve."""
    return {s.job_id for r in plan.routes for s in r.jobs}


__all__ = ["replace_job", "served", "with_changes", "with_job"]
