"""Per-engineer schedules: a CSV and a printable HTML page per engineer of a plan."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.io.scenarios import paris_plan, paris_problem

from dispatchopt.io.schedules import COLUMNS, file_stem, write_schedules
from dispatchopt.models import Plan


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def with_customer(plan: Plan, name: str) -> Plan:
    """The plan with the boiler's customer renamed."""
    route = plan.routes[0]
    stops = [
        s.model_copy(update={"customer": name}) if s.job_id == "boiler" else s for s in route.stops
    ]
    return plan.model_copy(update={"routes": [route.model_copy(update={"stops": stops})]})


def test_one_csv_and_one_html_per_engineer(tmp_path: Path) -> None:
    written = write_schedules(paris_problem(), paris_plan(), tmp_path / "out")
    assert written == [tmp_path / "out" / "dora.csv", tmp_path / "out" / "dora.html"]
    assert all(path.stat().st_size > 0 for path in written)


def test_csv_has_the_columns_and_one_row_per_stop(tmp_path: Path) -> None:
    write_schedules(paris_problem(), paris_plan(), tmp_path)
    table = rows(tmp_path / "dora.csv")
    assert list(table[0]) == list(COLUMNS)
    assert [r["order"] for r in table] == ["1", "2", "3", "4"]
    pickup, boiler, leak, fridge = table
    assert pickup["job"] == "" and pickup["parts/pickup"] == "pickup at DEPOT-1: 1x compressor-A"
    assert boiler["customer"] == "Mme Roux" and boiler["address"] == "3 rue Cler, 75007 Paris"
    assert boiler["promised window"] == "14:00-16:00" and boiler["start"] == "14:30"
    assert leak["SLA due"] == "14:00" and leak["late?"] == "LATE 74 min"
    assert fridge["late?"] == "LATE 120 min"


def test_html_escapes_a_customer_name_with_a_script_tag(tmp_path: Path) -> None:
    plan = with_customer(paris_plan(), "<script>alert('x')</script> & Sons")
    write_schedules(paris_problem(), plan, tmp_path)
    page = (tmp_path / "dora.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Sons" in page


def test_html_is_a_self_contained_page_headed_with_engineer_date_and_zone(
    tmp_path: Path,
) -> None:
    write_schedules(paris_problem(), paris_plan(), tmp_path)
    page = (tmp_path / "dora.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "@media print" in page
    assert "<h1>dora</h1>" in page
    assert "Tuesday 2 June 2026, times in Europe/Paris (+02:00)" in page
    assert "src=" not in page and "href=" not in page  # nothing to fetch
    assert '<td class="late">LATE 74 min</td>' in page


def test_engineer_ids_become_safe_distinct_file_names() -> None:
    taken: set[str] = set()
    assert file_stem("../../etc/passwd", taken) == "etc_passwd"
    assert file_stem("Ann Lee", taken) == "Ann_Lee"
    assert file_stem("ann lee", taken) == "ann_lee-2"  # same file on a case-blind disk
    assert file_stem("...", taken) == "engineer"


def test_a_plan_without_its_problem_still_writes_schedules(tmp_path: Path) -> None:
    write_schedules(None, paris_plan(), tmp_path)
    boiler = rows(tmp_path / "dora.csv")[1]
    assert boiler["customer"] == "Mme Roux" and boiler["promised window"] == ""
