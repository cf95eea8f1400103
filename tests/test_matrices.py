"""Travel matrices are computed once per problem and shared by the sub-problems cut from it."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from dispatchopt import matrices
from dispatchopt.solvers.strategies import sub_problem
from tests.days import Day

DAY = Day(date(2025, 6, 2))


def three_jobs_two_engineers():  # type: ignore[no-untyped-def]
    return DAY.problem(
        [DAY.job("a", 1, 0), DAY.job("b", 2, 0), DAY.job("c", 3, 0)],
        [DAY.engineer("ana"), DAY.engineer("ben", 5, 0)],
    )


def test_the_same_problem_is_measured_once(monkeypatch: pytest.MonkeyPatch) -> None:
    day = three_jobs_two_engineers()
    calls = []
    real = matrices.compute_matrices

    def counting(problem):  # type: ignore[no-untyped-def]
        calls.append(problem)
        return real(problem)

    monkeypatch.setattr(matrices, "compute_matrices", counting)
    first = matrices.problem_matrices(day)
    assert matrices.problem_matrices(day) is first
    assert len(calls) == 1
    copy = day.model_copy(update={"name": "other"})
    assert matrices.problem_matrices(copy) is not first
    assert len(calls) == 2


def test_a_sub_problem_reuses_its_parents_matrices(monkeypatch: pytest.MonkeyPatch) -> None:
    day = three_jobs_two_engineers()
    parent = matrices.problem_matrices(day)
    sub = sub_problem(day, ["b", "c"], {"ben"})
    monkeypatch.setattr(matrices, "compute_matrices", lambda p: pytest.fail("measured again"))
    shared = matrices.problem_matrices(sub)
    assert shared.matrices is parent.matrices
    assert set(shared.job_point) == {"b", "c"} and set(shared.start_point) == {"ben"}
    a, b = shared.job_point["b"], shared.job_point["c"]
    assert shared.duration(a, b) == int(np.asarray(parent.matrices.duration_s)[a, b]) == 60
