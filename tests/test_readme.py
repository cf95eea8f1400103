"""The README's generated blocks say what the code does (``scripts/readme_figures.py``).

Only the blocks that need no solve are checked here (a second or two); the plan excerpt comes
from a solution-count-limited run of the example (about 15 s): ``python
scripts/readme_figures.py --check`` checks it too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "readme_figures.py"


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--check", "--fast", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_readmes_exit_codes_and_schedule_columns_are_current() -> None:
    result = check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_stale_block_fails_the_check_with_a_diff(tmp_path: Path) -> None:
    stale = (ROOT / "README.md").read_text(encoding="utf-8").replace("| 4 |", "| 44 |", 1)
    readme = tmp_path / "README.md"
    readme.write_text(stale, encoding="utf-8")
    result = check("--readme", str(readme))
    assert result.returncode == 1
    assert "-| 44 |" in result.stdout and "+| 4 |" in result.stdout
