"""Strict JSON reading for problem files: hostile bytes become one ``dispatchopt plan`` error
line with exit code 2, naming the file and, where there is one, the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dispatchopt.cli import EXIT_BAD_INPUT, app

ENGINEER = {
    "id": "ann",
    "start_location": {"lat": 45.76, "lon": 4.83},
    "shifts": [{"start": "2026-03-10T08:00:00+01:00", "end": "2026-03-10T17:00:00+01:00"}],
}


def _problem(minutes: object) -> str:
    job = {"id": "j1", "location": {"lat": 45.75, "lon": 4.85}, "duration_minutes": minutes}
    return json.dumps({"jobs": [job], "engineers": [ENGINEER]})


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("NaN", _problem(float("nan")), "jobs[0].duration_minutes: numbers must be finite"),
        ("1e999", _problem(1e999), "jobs[0].duration_minutes: numbers must be finite"),
        ("1e308 minutes", _problem(1e308), "jobs[0].duration_minutes: Input should be less"),
        ("JSON bomb", "[" * 50_000 + "]" * 50_000, "nested more than 64 levels"),
        ("lone surrogate", '{"name": "\\udc00"}', "name: contains a lone surrogate"),
        ("not UTF-8", b'{"name": "caf\xe9"}', "not UTF-8 text: byte 0xe9"),
    ],
)
def test_a_hostile_problem_file_is_one_clear_error(
    tmp_path: Path, name: str, content: str | bytes, said: str
) -> None:
    path = tmp_path / "day.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = CliRunner().invoke(app, ["plan", str(path), "--time-limit", "1"])
    assert "Traceback" not in result.output
    assert result.exit_code == EXIT_BAD_INPUT, (name, result.output)
    assert said in result.output, (name, result.output)


def test_a_day_over_the_job_engineer_bound_is_refused_up_front(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dispatchopt.models.problem as problem_module
    from dispatchopt.errors import InputError
    from dispatchopt.models import Problem

    # The real bound (100 million pairs) takes a day too big for a test; a small one shows
    # the rule.
    monkeypatch.setattr(problem_module, "MAX_JOB_ENGINEER_PAIRS", 2_000)
    job = {"location": {"lat": 45.75, "lon": 4.85}, "duration_minutes": 5}
    data = {
        "jobs": [{**job, "id": f"j{i}"} for i in range(201)],
        "engineers": [{**ENGINEER, "id": f"e{k}"} for k in range(10)],
    }
    with pytest.raises(InputError, match="201 jobs x 10 engineers is more than 2000 job-engineer"):
        Problem.from_data(data)


def test_a_national_size_day_of_5000_jobs_for_500_engineers_is_a_valid_problem() -> None:
    from dispatchopt.models import Problem

    job = {"location": {"lat": 45.75, "lon": 4.85}, "duration_minutes": 5}
    data = {
        "jobs": [{**job, "id": f"j{i}"} for i in range(5_000)],
        "engineers": [{**ENGINEER, "id": f"e{k}"} for k in range(500)],
    }
    problem = Problem.from_data(data)
    assert len(problem.jobs) * len(problem.engineers) == 2_500_000
