"""The CLI's start-up contract: importing it, and asking any command for help, loads none of the
heavy libraries; those load when a command that needs them runs (a contract, not a timing)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_LOADED = (  # an expression: the heavy modules this interpreter has loaded, sorted
    "sorted(m for m in sys.modules if m.split('.')[0] in "
    "{'sqlalchemy','ortools','pyvrp','vroom','networkx','matplotlib','pandas','scipy',"
    "'fastapi','uvicorn','starlette'})"
)


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)


def test_importing_the_cli_loads_no_heavy_library() -> None:
    result = _run(f"import dispatchopt.cli, sys; print({_LOADED})")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["tickets", "--help"],
        ["tickets", "list", "--help"],
        ["simulate", "--help"],
        ["scenario", "--help"],
        ["insert", "--help"],
        ["slots", "--help"],
        ["diff", "--help"],
        ["serve", "--help"],
        ["schema"],
    ],
)
def test_help_and_schema_load_no_heavy_library(args: list[str]) -> None:
    code = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from dispatchopt.cli import app\n"
        f"result = CliRunner().invoke(app, {args!r})\n"
        f"print(json.dumps([result.exit_code, {_LOADED}]))\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    exit_code, loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert exit_code == 0
    assert loaded == []


def test_public_names_still_import_and_load_their_library_on_use() -> None:
    code = (
        "import sys\n"
        "from dispatchopt.geo import OsrmTable, RoadGraph, ROAD_CLASS_SPEEDS_KMH\n"
        "from dispatchopt.lifecycle import DEFAULT_DB, SqlStore, open_store\n"
        "from dispatchopt.lifecycle.store import database_url\n"
        "from dispatchopt.simulate import simulate, GreedyNearest\n"
        f"print(json.dumps({_LOADED}))\n"
    )
    result = _run("import json\n" + code)
    assert result.returncode == 0, result.stderr
    loaded = {m.split(".")[0] for m in json.loads(result.stdout.strip())}
    assert {"networkx", "sqlalchemy"} <= loaded


def test_importing_the_package_and_the_server_settings_loads_no_web_framework() -> None:
    code = f"import dispatchopt, dispatchopt.server, dispatchopt.board, sys\nprint({_LOADED})"
    result = _run(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_serve_without_the_server_extra_exits_4_naming_the_pip_command() -> None:
    code = (
        "import sys\n"
        "sys.modules['fastapi'] = None  # as if the extra were not installed\n"
        "from typer.testing import CliRunner\n"
        "from dispatchopt.cli import app\n"
        "result = CliRunner().invoke(app, ['serve'])\n"
        "print(result.exit_code)\n"
        "print(result.output)\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr
    exit_code, _, output = result.stdout.partition("\n")
    assert exit_code == "4"
    assert "pip install 'dispatchopt[server]'" in output
