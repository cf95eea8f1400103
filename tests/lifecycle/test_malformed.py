"""Property: whatever JSON a problem file or a ticket import holds (random documents, and
valid ones with one value swapped for junk), reading it raises only ``DispatchoptError``s."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatchopt.errors import DispatchoptError
from dispatchopt.io import load_problem
from dispatchopt.lifecycle.importing import read_import

from .test_cli import DATA

STRESS = int(os.environ.get("DISPATCHOPT_STRESS_EXAMPLES", "0"))
"""Examples per property in a stress run (0: the default 500 each, 1 000 cases in all)."""

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
DOCUMENTS = st.recursive(JUNK, lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner))
IMPORT = json.loads((DATA / "day.json").read_text())


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaves(v, (*path, k))] or [path]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _leaves(v, (*path, i))] or [path]
    return [path]


LEAVES = _leaves(IMPORT)


def _swapped(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = json.loads(json.dumps(doc))
    node = copy
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return copy


def _read_both(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        for read in (lambda: load_problem(path, "json"), lambda: read_import(path)):
            with contextlib.suppress(DispatchoptError):
                read()


@settings(max_examples=STRESS or 500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_random_documents_raise_only_dispatchopt_errors(doc: Any) -> None:
    _read_both(json.dumps(doc))


@settings(max_examples=STRESS or 500, deadline=None)
@given(st.sampled_from(LEAVES), DOCUMENTS)
def test_a_valid_import_with_one_junk_value_raises_only_dispatchopt_errors(
    path: tuple[Any, ...], junk: Any
) -> None:
    _read_both(json.dumps(_swapped(IMPORT, path, junk)))
