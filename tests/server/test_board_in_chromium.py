"""The board served by the service, loaded in headless Chromium (Debian's ``chromium``, which
``.ci/install-chromium`` installs): no script errors, every engineer shown, a picture drawn."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.server.live import tiny_tuesday, wait_done

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium on PATH (run .ci/install-chromium, or apt-get install chromium)",
)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run"]


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _load(url: str, tmp: Path) -> tuple[str, list[str], Path]:
    """Load ``url`` once: the DOM after its scripts ran, its console messages (Chromium logs
    each one, uncaught exceptions included, as a ``CONSOLE`` line on stderr) and a screenshot."""
    shot = tmp / "page.png"
    result = _chromium(
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,1200",
        f"--screenshot={shot}",
        "--dump-dom",
        url,
        profile=tmp / "profile",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    return result.stdout, console, shot


def _distinct_colours(png: Path) -> int:
    image = pytest.importorskip("PIL.Image")
    with image.open(png) as picture:
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 24)
    return 0 if colours is None else len(colours)


@pytest.fixture(scope="module")
def board(server: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str], Path]:
    """The tiny Tuesday's board, planned by the service and loaded from ``/board/{id}``."""
    with server.client() as client:
        answer = client.post("/v1/plans", json={"problem": tiny_tuesday(), "time_limit": 0.5})
        done = wait_done(client, answer.json()["id"])
    assert done["status"] == "done"
    return _load(f"{server.url}/board/{done['id']}", tmp_path_factory.mktemp("chromium"))


def test_the_console_check_sees_a_script_error(tmp_path: Path) -> None:
    """The check below is not blind: a page that throws shows up in the console lines."""
    broken = tmp_path / "broken.html"
    broken.write_text("<html><body><script>throw new Error('deliberate');</script></body></html>")
    _, console, _ = _load(broken.as_uri(), tmp_path)
    assert any("Uncaught Error: deliberate" in line for line in console)


def test_the_board_loads_without_script_errors_and_names_every_engineer(
    board: tuple[str, list[str], Path],
) -> None:
    dom, console, _ = board
    assert console == []
    assert re.search(r'<body[^>]* data-ready="1"', dom), "the inline script did not run to its end"
    for engineer in ("ada", "bob"):
        assert f'data-engineer="{engineer}"' in dom and f">{engineer}</text>" in dom


def test_a_screenshot_of_the_board_is_not_blank(board: tuple[str, list[str], Path]) -> None:
    shot = board[2]
    assert shot.is_file()
    # A blank page has one colour; the board's bars, routes and text have dozens.
    assert _distinct_colours(shot) > 50
