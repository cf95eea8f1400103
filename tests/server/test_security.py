"""The source rules and settings on their own: which OSRM hosts a problem may name, and what
the environment sets."""

from __future__ import annotations

import pytest

from dispatchopt.models import Problem
from dispatchopt.server.problems import ApiError
from dispatchopt.server.security import check_sources
from dispatchopt.server.settings import API_KEY_ENV, OSRM_HOSTS_ENV, ServerSettings


def _osrm_day(base_url: str) -> Problem:
    """One job and one engineer in Lyon, travelling by the OSRM server at ``base_url``."""
    return Problem.from_data(
        {
            "jobs": [{"id": "J", "location": {"lat": 45.76, "lon": 4.84}, "duration_minutes": 30}],
            "engineers": [
                {
                    "id": "e",
                    "start_location": {"lat": 45.75, "lon": 4.85},
                    "shifts": [{"start": "2026-03-10T08:00:00Z", "end": "2026-03-10T17:00:00Z"}],
                }
            ],
            "travel": {"kind": "osrm", "base_url": base_url},
        }
    )


@pytest.mark.parametrize(
    ("allowed", "url", "ok"),
    [
        (("osrm.internal:5000",), "http://osrm.internal:5000", True),
        (("osrm.internal:5000",), "http://OSRM.internal:5000/route", True),
        (("osrm.internal:5000",), "http://osrm.internal:6000", False),
        (("osrm.internal",), "https://osrm.internal:6000", True),
        (("osrm.internal",), "http://osrm.internal.evil.example", False),
        (("osrm.internal",), "http://user@169.254.169.254", False),
        ((), "http://localhost:5000", False),
    ],
)
def test_osrm_hosts_must_be_on_the_allow_list(allowed: tuple[str, ...], url: str, ok: bool) -> None:
    settings = ServerSettings(osrm_hosts=allowed)
    if ok:
        check_sources(_osrm_day(url), settings)
    else:
        with pytest.raises(ApiError) as refused:
            check_sources(_osrm_day(url), settings)
        assert refused.value.errors[0][0] == "problem.travel.base_url"


def test_the_key_and_the_allow_list_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(API_KEY_ENV, "k3y")
    monkeypatch.setenv(OSRM_HOSTS_ENV, " osrm.a:5000, osrm.b ,")
    settings = ServerSettings.from_env(workers=3)
    assert settings.api_key == "k3y" and settings.osrm_hosts == ("osrm.a:5000", "osrm.b")
    assert "k3y" not in repr(settings)
    monkeypatch.delenv(API_KEY_ENV)
    assert ServerSettings.from_env().api_key is None


def test_the_default_time_limit_never_exceeds_the_cap() -> None:
    assert ServerSettings(max_time_limit=3, default_time_limit=10).default_time_limit == 3


@pytest.mark.parametrize("db", [":memory:", "sqlite://", ""])
def test_an_in_memory_store_is_refused(db: str) -> None:
    with pytest.raises(ValueError, match="needs a database file or server"):
        ServerSettings(db=db)
