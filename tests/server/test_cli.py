"""``dispatchopt serve`` refuses bad settings before it listens (exit 2, naming the setting)."""

from __future__ import annotations

from typer.testing import CliRunner

from dispatchopt.cli import EXIT_BAD_INPUT, app


def test_an_in_memory_store_is_bad_input_naming_db() -> None:
    result = CliRunner().invoke(app, ["serve", "--db", ":memory:"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "db" in result.output and "in-memory" in result.output
    assert "Traceback" not in result.output
