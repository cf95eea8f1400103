"""The benchmark script: costs, references and tables on a tiny instance (greedy, no time limit)."""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).parents[2]
DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("run_vrptw", ROOT / "benchmarks" / "run_vrptw.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["run_vrptw"] = module  # dataclasses and pickling look the module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("name", "cls"), [("C101", "C1"), ("R112", "R1"), ("RC1_10_1", "RC1"), ("odd", "?")]
)
def test_instance_class_is_the_name_prefix(script: ModuleType, name: str, cls: str) -> None:
    assert script.instance_class(name) == cls


def test_gap_uses_the_reference_table_beside_the_instance(
    script: ModuleType, tmp_path: Path
) -> None:
    folder = tmp_path / "solomon"
    folder.mkdir()
    shutil.copy(DATA / "C1_10_1_head10.vrp", folder / "C1_10_1_head10.vrp")
    row = script.run_instance(folder / "C1_10_1_head10.vrp", "greedy", 1.0, 0, None, None)
    assert row.served == row.customers == 10
    assert row.violations == 0 and row.feasible
    assert row.reference is None and row.gap_pct is None  # no .sol beside it
    (folder / "C1_10_1_head10.sol").write_text(f"Route #1: 1\nCost {row.cost / 2}\n")
    again = script.run_instance(folder / "C1_10_1_head10.vrp", "greedy", 1.0, 0, None, None)
    assert again.gap_pct == pytest.approx(100.0)


def test_main_writes_csv_and_markdown(script: ModuleType, tmp_path: Path) -> None:
    out = tmp_path / "res.csv"
    script.main([str(DATA / "C1_10_1_head10.vrp"), "--solver", "greedy", "--out", str(out)])
    with out.open() as fh:
        rows = list(csv.DictReader(fh))
    assert [r["instance"] for r in rows] == ["C1_10_1_head10"]
    table = out.with_suffix(".md").read_text()
    assert "| data | C1 | 1 | 0 | - |" in table
    assert "--solver greedy" in table
