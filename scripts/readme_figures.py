"""Rewrite the README's generated blocks from what the code and the shipped example really do.

Each block sits between ``<!-- readme_figures:NAME -->`` and ``<!-- /readme_figures:NAME -->``.
The plan blocks come from running the README's own command on ``examples/city_day.json`` with
seed 0 and a solution-count stop (``--max-solutions``), so they are the same on every machine;
the run must end on the count, not the clock, or the script refuses to write them.

    python scripts/readme_figures.py            # rewrite README.md
    python scripts/readme_figures.py --check    # exit 1 if README.md differs (shows the diff)
    python scripts/readme_figures.py --check --fast   # only the blocks that need no solve
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
EXAMPLE = "examples/city_day.json"
MAX_SOLUTIONS = 100
"""Solutions the README's repeatable run stops after: the example reaches them in about 15 s
on two shared cores, far inside the cap below."""
CAP_S = 600
"""The wall-clock cap of that run; it must stop on the count long before (checked)."""
ON_THE_CLOCK = 0.5
"""A run that took more than this share of the cap is taken to have stopped on the clock."""
WIDTH = 100
"""Terminal width the printed excerpt is rendered at."""
PLAN_COMMAND = (
    f"dispatchopt plan {EXAMPLE} --max-solutions {MAX_SOLUTIONS} --time-limit {CAP_S} "
    "--out plan.json"
)

_BLOCK = re.compile(
    r"(<!-- readme_figures:(?P<name>[a-z-]+) -->\n)(?P<body>.*?)"
    r"(<!-- /readme_figures:(?P=name) -->)",
    re.DOTALL,
)


def _exit_codes() -> str:
    """The CLI's exit codes, as a table (the numbers from the code, the meanings from here)."""
    sys.path.insert(0, str(ROOT / "src"))
    import dispatchopt.cli as cli

    meanings = {
        "EXIT_OK": (
            0,
            "the plan was made and keeps every hard rule (`validate`: the plan is valid)",
        ),
        "EXIT_INVALID_PLAN": (1, "the plan breaks a hard rule (from `plan`, a dispatchopt bug)"),
        "EXIT_BAD_INPUT": (2, "bad input: the message names the field and the value"),
        "EXIT_INTERNAL": (3, "internal error: a dispatchopt bug, please report it"),
        "EXIT_MISSING_EXTRA": (
            4,
            "an option needs an optional extra that is not installed "
            "(`--plot` without matplotlib), said before anything is solved",
        ),
        "EXIT_NO_PLAN": (5, "no plan could be made"),
        "EXIT_STORE": (6, "the ticket store (database) or the Dask cluster failed"),
    }
    rows = ["| code | meaning |", "| --- | --- |"]
    for name, (code, meaning) in meanings.items():
        actual = getattr(cli, name, code)
        if actual != code:
            raise SystemExit(f"cli.{name} is {actual}, the README table says {code}")
        rows.append(f"| {code} | {meaning} |")
    return "\n".join(rows) + "\n"


def _schedule_columns() -> str:
    sys.path.insert(0, str(ROOT / "src"))
    from dispatchopt.io.schedules import COLUMNS

    return ", ".join(f"`{c}`" for c in COLUMNS) + "\n"


def _plan_command() -> str:
    return f"```bash\n{PLAN_COMMAND}\n```\n"


class _Run:
    """The README's repeatable run, made once and shared by the blocks that show it."""

    def __init__(self) -> None:
        self._result: tuple[str, dict[str, Any]] | None = None

    def __call__(self) -> tuple[str, dict[str, Any]]:
        if self._result is None:
            self._result = self._run()
        return self._result

    def _run(self) -> tuple[str, dict[str, Any]]:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "plan.json"
            args = PLAN_COMMAND.split()[1:-1] + [str(out)]
            env = {**os.environ, "COLUMNS": str(WIDTH), "PYTHONPATH": str(ROOT / "src")}
            done = subprocess.run(
                [sys.executable, "-m", "dispatchopt.cli", *args],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise SystemExit(f"the README's plan command failed:\n{done.stdout}{done.stderr}")
            plan = json.loads(out.read_text())
        seconds = plan["summary"]["solve_seconds"]
        if seconds > ON_THE_CLOCK * CAP_S:
            raise SystemExit(
                f"the run took {seconds:.0f} s of its {CAP_S} s cap: it stopped on the clock, "
                f"not after {MAX_SOLUTIONS} solutions; lower MAX_SOLUTIONS"
            )
        return done.stdout, plan


def _pack(value: Any, indent: int, width: int = 96) -> str:
    """JSON like a person lays it out: a value on one line when it fits, else its items packed
    onto as few lines as fit."""
    flat = json.dumps(value, ensure_ascii=False)
    pad = " " * indent
    if len(pad) + len(flat) <= width or not isinstance(value, dict | list):
        return flat
    if isinstance(value, list):
        inner = [_pack(v, indent + 2, width) for v in value]
        return "[\n" + ",\n".join(pad + "  " + item for item in inner) + "\n" + pad + "]"
    items = [f"{json.dumps(k)}: {_pack(v, indent + 1, width)}" for k, v in value.items()]
    lines: list[str] = []
    for item in items:
        if lines and "\n" not in lines[-1] and "\n" not in item:
            joined = f"{lines[-1]}, {item}"
            if len(pad) + 1 + len(joined) + 1 <= width:
                lines[-1] = joined
                continue
        lines.append(item)
    body = (",\n" + pad + " ").join(lines)
    return "{" + body + "}"


def _plan_excerpt(run: _Run) -> Callable[[], str]:
    def block() -> str:
        _, plan = run()
        route = next(r for r in plan["routes"] if any(s["kind"] == "pickup" for s in r["stops"]))
        at = next(i for i, s in enumerate(route["stops"]) if s["kind"] == "pickup")
        shown = {**route, "stops": route["stops"][at : at + 2]}
        summary = {
            k: v for k, v in plan["summary"].items() if k not in {"solve_seconds", "solver_notes"}
        }
        lines = [
            "{",
            '  "routes": [',
            "    " + _pack(shown, 4),
            "  ],",
            '  "unassigned": [',
            ",\n".join("    " + _pack(u, 4) for u in plan["unassigned"]),
            "  ],",
            '  "summary": ' + _pack(summary, 2),
            "}",
        ]
        return "```json\n" + "\n".join(lines) + "\n```\n"

    return block


def _plan_printed(run: _Run) -> Callable[[], str]:
    def block() -> str:
        text, _ = run()
        lines = [line.rstrip() for line in text.splitlines()]
        # The first engineer's table (title to blank line), then the totals; the solve's
        # seconds are left out (they are the machine's, not the plan's).
        start = next(i for i, line in enumerate(lines) if "times in" in line)
        first_blank = lines.index("", start)
        totals = []
        for head in ("Total:", "SLA:"):
            at = next(i for i, line in enumerate(lines) if line.startswith(head))
            end = next(
                i
                for i in range(at + 1, len(lines) + 1)
                if i == len(lines) or not lines[i] or lines[i].startswith(("SLA:", "plan written"))
            )
            joined = re.sub(r", \d+(\.\d+)? s\)", ")", " ".join(lines[at:end]))
            totals += textwrap.wrap(joined, WIDTH)
        shown = [lines[0], *lines[start:first_blank], "...", *totals]
        return "```text\n" + "\n".join(shown) + "\n```\n"

    return block


def blocks(*, fast: bool) -> dict[str, Callable[[], str]]:
    """What each block holds; with ``fast``, only those that need no solve."""
    cheap: dict[str, Callable[[], str]] = {
        "exit-codes": _exit_codes,
        "schedule-columns": _schedule_columns,
        "plan-command": _plan_command,
    }
    if fast:
        return cheap
    run = _Run()
    return {**cheap, "plan-printed": _plan_printed(run), "plan-excerpt": _plan_excerpt(run)}


def rewrite(text: str, makers: dict[str, Callable[[], str]]) -> str:
    """``text`` with every block that ``makers`` knows rewritten; others are left as they are."""
    found = {m.group("name") for m in _BLOCK.finditer(text)}
    missing = sorted(set(makers) - found)
    if missing:
        raise SystemExit(f"README.md has no block for {missing}")

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in makers:
            return match.group(0)
        return match.group(1) + makers[name]() + match.group(4)

    return _BLOCK.sub(replace, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md differs")
    parser.add_argument("--fast", action="store_true", help="only blocks that need no solve")
    parser.add_argument("--readme", type=Path, default=README)
    args = parser.parse_args(argv)
    current = args.readme.read_text(encoding="utf-8")
    wanted = rewrite(current, blocks(fast=args.fast))
    if args.check:
        if wanted == current:
            return 0
        diff = difflib.unified_diff(
            current.splitlines(True), wanted.splitlines(True), "README.md", "would write"
        )
        sys.stdout.writelines(diff)
        print("README.md is out of date: run python scripts/readme_figures.py", file=sys.stderr)
        return 1
    if wanted != current:
        args.readme.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
