"""The rule book: every hard rule has exactly one check, named after it."""

from __future__ import annotations

from dispatchopt.models import Rule
from dispatchopt.validate import CHECKS


def test_every_rule_has_its_own_check() -> None:
    assert set(CHECKS) == set(Rule)


def test_each_check_is_named_after_its_rule() -> None:
    for rule, check in CHECKS.items():
        assert check.__name__ == f"check_{rule.value}"
