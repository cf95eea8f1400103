"""extend_matrices prices only a changed problem's new locations, and gets what a full build
gets."""

from __future__ import annotations

import numpy as np

from dispatchopt.live.edits import with_changes
from dispatchopt.matrices import compute_matrices, problem_matrices
from dispatchopt.scenarios.generator import generate_day


def test_a_grown_problem_has_the_matrices_a_full_build_gives() -> None:
    day = generate_day(60, 5, seed=3)
    smaller = with_changes(day, jobs=day.jobs[:-4])
    grown = with_changes(smaller, jobs=[*smaller.jobs, *day.jobs[-4:]])
    shared = problem_matrices(grown)
    full = compute_matrices(grown)
    for jid, point in full.job_point.items():
        for eid, home in full.start_point.items():
            a, b = shared.job_point[jid], shared.start_point[eid]
            assert shared.duration(a, b) == full.duration(point, home)
            assert shared.duration(b, a) == full.duration(home, point)
            assert shared.distance(a, b) == full.distance(point, home)
    ids = list(full.job_point)
    ours = np.array(
        [[shared.duration(shared.job_point[i], shared.job_point[j]) for j in ids] for i in ids]
    )
    theirs = np.array(
        [[full.duration(full.job_point[i], full.job_point[j]) for j in ids] for i in ids]
    )
    assert (ours == theirs).all()
