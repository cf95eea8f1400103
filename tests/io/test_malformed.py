"""Malformed files: every one raises FormatError/InputError naming the file, field and value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dispatchopt.errors import FormatError, InputError
from dispatchopt.io import (
    detect_format,
    load_problem,
    read_plan,
    read_problem_json,
    read_solomon,
    read_vrplib,
)

DATA = Path(__file__).parent.parent / "data"

ENGINEER = {
    "id": "ann",
    "start_location": {"lat": 45.76, "lon": 4.83},
    "shifts": [{"start": "2026-03-10T08:00:00+01:00", "end": "2026-03-10T17:00:00+01:00"}],
}


def job(**changes: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": "boiler",
        "location": {"lat": 45.75, "lon": 4.85},
        "duration_minutes": 45,
    }
    base.update(changes)
    return base


def write_json(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(data))
    return path


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no such file") as info:
        load_problem(tmp_path / "nowhere.json")
    assert info.value.errors[0][1] == str(tmp_path / "nowhere.json")


def test_text_that_is_not_json_says_where_it_breaks(tmp_path: Path) -> None:
    path = tmp_path / "day.json"
    path.write_text('{"jobs": [}')
    with pytest.raises(FormatError, match=r"not JSON: .* line 1 column 11"):
        read_problem_json(path)


def test_json_that_is_a_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="must be a JSON object"):
        read_problem_json(write_json(tmp_path, [1, 2]))


def test_wrong_type_names_the_field_and_value(tmp_path: Path) -> None:
    path = write_json(tmp_path, {"jobs": [job(duration_minutes="long")], "engineers": [ENGINEER]})
    with pytest.raises(InputError) as info:
        read_problem_json(path)
    fields = {field: value for field, value, _ in info.value.errors}
    assert fields == {f"{path}: jobs[0].duration_minutes": "long"}


def test_negative_duration_is_refused(tmp_path: Path) -> None:
    path = write_json(tmp_path, {"jobs": [job(duration_minutes=-5)], "engineers": [ENGINEER]})
    with pytest.raises(InputError, match=r"jobs\[0\]\.duration_minutes") as info:
        read_problem_json(path)
    assert info.value.errors[0][1] == -5


def test_window_ending_before_it_starts_is_refused(tmp_path: Path) -> None:
    window = {"start": "2026-03-10T12:00:00+01:00", "end": "2026-03-10T09:00:00+01:00"}
    path = write_json(tmp_path, {"jobs": [job(time_windows=[window])], "engineers": [ENGINEER]})
    with pytest.raises(InputError, match=r"jobs\[0\]\.time_windows\[0\].*before its start"):
        read_problem_json(path)


def test_truncated_solomon_line_is_a_format_error(tmp_path: Path) -> None:
    lines = (DATA / "C101.txt").read_text().splitlines()
    path = tmp_path / "C101_cut.txt"
    path.write_text("\n".join([*lines[:15], "    6      42      65"]) + "\n")
    with pytest.raises(FormatError, match="not a readable solomon instance") as info:
        read_solomon(path)
    assert str(path) in str(info.value)


def test_solomon_without_customers_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("\n".join((DATA / "C101.txt").read_text().splitlines()[:9]) + "\n")
    with pytest.raises(FormatError, match=str(path)):
        read_solomon(path)


def test_solomon_window_due_before_ready_names_the_node(tmp_path: Path) -> None:
    good = "    1      55      85      20     647     726"
    text = (DATA / "C101.txt").read_text().replace(good, good.replace("647", "747"))
    path = tmp_path / "C101_bad.txt"
    path.write_text(text)
    with pytest.raises(FormatError, match="node 1 time window.*due before ready"):
        read_solomon(path)


def test_vrplib_without_time_windows_is_refused(tmp_path: Path) -> None:
    text = (DATA / "C1_10_1_head10.vrp").read_text()
    head, _, tail = text.partition("TIME_WINDOW_SECTION")
    path = tmp_path / "cvrp.vrp"
    path.write_text(head + tail[tail.index("DEPOT_SECTION") :])
    with pytest.raises(FormatError, match="TIME_WINDOW_SECTION"):
        read_vrplib(path)


def test_unknown_format_asks_for_it_explicitly(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("call Mrs Martin before noon\n")
    with pytest.raises(FormatError, match="cannot tell the format"):
        detect_format(path)
    with pytest.raises(FormatError, match="must be one of"):
        load_problem(path, format="xml")


def test_trsp_header_alone_is_detected_and_refused(tmp_path: Path) -> None:
    path = tmp_path / "C101.txt"
    path.write_text("C101.100_25-5-5-5\n\nINFO\nCREW COUNT  SKILLS  TOOLS   SPARE PARTS\n")
    assert detect_format(path) == "trsp"
    with pytest.raises(FormatError, match="CREW COUNT"):  # a header alone is no instance
        load_problem(path)


def test_plan_with_a_bad_field_names_it(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"routes": [{"engineer_id": "ann"}]}))
    with pytest.raises(InputError, match=r"routes\[0\]\.departure"):
        read_plan(path)
