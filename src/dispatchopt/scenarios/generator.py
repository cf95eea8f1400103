"""Seeded generator of realistic after-sales service days in a Dutch city.

Every distribution is stated in docs/scenarios.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from dispatchopt.errors import InputError
from dispatchopt.models import (
    Break,
    Engineer,
    HaversineTravel,
    Job,
    Location,
    Problem,
    Shift,
    SkillRequirement,
    TimeWindow,
)
from dispatchopt.models.parts import Part
from dispatchopt.models.providers import Provider
from dispatchopt.models.sla import SlaClock, SlaMode, SlaPolicy, SlaStage, SlaState
from dispatchopt.scenarios.field_features import (
    FEATURE_STREAM,
    add_crews,
    add_territories,
    add_zones,
    district_of,
    providers_for,
)
from dispatchopt.scenarios.scenario import (
    EngineerOff,
    Event,
    JobArrives,
    JobCancelled,
    PartArrives,
    Scenario,
)

CITY_CENTRE = (52.37, 4.90)
"""Amsterdam's centre: the default city (lat, lon)."""
KM_PER_DEG_LAT = 111.2
JOB_TYPES = ("fridge", "washer", "aircon", "smart_home")
PARTS = {
    "fridge": ("compressor", "thermostat", "door_seal"),
    "washer": ("drain_pump", "heating_element", "door_lock"),
    "aircon": ("refrigerant", "fan_motor", "control_board"),
    "smart_home": ("hub",),
}
SHIFT_PATTERNS = {
    # name: (start, end, lunch window start, lunch window end)
    "early": (time(7, 0), time(15, 30), time(11, 0), time(13, 0)),
    "standard": (time(8, 0), time(17, 0), time(12, 0), time(14, 0)),
    "late": (time(10, 0), time(19, 0), time(14, 0), time(16, 0)),
}
SLOTS = {
    "morning": (time(8, 0), time(12, 0)),
    "afternoon": (time(12, 0), time(17, 0)),
    "all_day": (time(8, 0), time(17, 0)),
}
TERRITORY_MODES = ("none", "hard", "soft", "mixed")
"""``DayOptions.territories``: no territories, or districts worked hard, soft or mixed."""
SLA_HOURS = {"emergency": 4.0, "urgent": 8.0, "standard": 24.0}
"""Default response-time promise per SLA tier (hours from the call)."""


@dataclass(frozen=True)
class DayOptions:
    """Knobs of the generator; every default is a distribution stated in docs/scenarios.md."""

    day: date = date(2026, 6, 2)
    timezone: str = "Europe/Amsterdam"
    centre: tuple[float, float] = CITY_CENTRE
    radius_km: float = 8.0
    districts: int = 8
    job_mix: dict[str, float] = field(
        default_factory=lambda: {"fridge": 0.30, "washer": 0.35, "aircon": 0.15, "smart_home": 0.20}
    )
    mean_minutes: dict[str, float] = field(
        default_factory=lambda: {"fridge": 50.0, "washer": 45.0, "aircon": 75.0, "smart_home": 90.0}
    )
    on_site_part_rate: dict[str, float] = field(
        default_factory=lambda: {"fridge": 0.25, "washer": 0.20, "aircon": 0.30, "smart_home": 0.05}
    )
    priority_mix: dict[str, float] = field(
        default_factory=lambda: {"standard": 0.70, "urgent": 0.20, "emergency": 0.10}
    )
    slot_mix: dict[str, float] = field(
        default_factory=lambda: {"morning": 0.40, "afternoon": 0.40, "all_day": 0.20}
    )
    shift_mix: dict[str, float] = field(
        default_factory=lambda: {"early": 0.25, "standard": 0.55, "late": 0.20}
    )
    skill_share: dict[str, float] = field(
        default_factory=lambda: {"fridge": 0.70, "washer": 0.70, "aircon": 0.40, "smart_home": 0.25}
    )
    senior_share: float = 0.15
    complex_install_share: float = 0.30
    third_party_share: float = 0.15
    overnight_share: float = 0.70
    cancel_rate: float = 0.03
    part_wait_rate: float = 0.05
    van_stock_rate: float = 0.70
    third_party_van_stock_rate: float = 0.40
    duration_sigma: float = 0.25
    speed_kmh: float = 25.0
    detour_factor: float = 1.3
    sick_engineers: int = 0
    two_person_share: float = 0.0
    territories: str = "none"
    providers: int = 0
    name: str = "service day"
    description: str = ""


def _options(overrides: dict[str, Any]) -> DayOptions:
    known = set(DayOptions.__dataclass_fields__)
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise InputError([(key, overrides[key], "unknown generator option") for key in unknown])
    opts = DayOptions(**overrides)
    for name in ("job_mix", "priority_mix", "slot_mix", "shift_mix"):
        mix = getattr(opts, name)
        if not mix or any(v < 0 for v in mix.values()) or sum(mix.values()) <= 0:
            raise InputError([(name, mix, "needs non-negative shares with a positive sum")])
    unknown_types = sorted(set(opts.job_mix) - set(JOB_TYPES))
    if unknown_types:
        raise InputError([("job_mix", unknown_types, f"job types are {list(JOB_TYPES)}")])
    for name in (
        "overnight_share",
        "cancel_rate",
        "part_wait_rate",
        "third_party_share",
        "senior_share",
        "van_stock_rate",
        "third_party_van_stock_rate",
        "complex_install_share",
        "two_person_share",
    ):
        value = getattr(opts, name)
        if not 0.0 <= value <= 1.0:
            raise InputError([(name, value, "must be a share between 0 and 1")])
    if opts.territories not in TERRITORY_MODES:
        raise InputError([("territories", opts.territories, f"one of {list(TERRITORY_MODES)}")])
    if not 0 <= opts.providers <= opts.districts:
        raise InputError(
            [("providers", opts.providers, f"must be between 0 and districts ({opts.districts})")]
        )
    return opts


def _pick(rng: np.random.Generator, mix: dict[str, float], n: int) -> list[str]:
    keys = sorted(mix)  # sorted: the draw must not depend on dict order
    p = np.array([mix[k] for k in keys], dtype=float)
    return [keys[i] for i in rng.choice(len(keys), size=n, p=p / p.sum())]


class _City:
    """Districts with weights; points scattered around district centres, kept inside the city."""

    def __init__(self, rng: np.random.Generator, opts: DayOptions) -> None:
        self.lat0, self.lon0 = opts.centre
        self.km_per_deg_lon = KM_PER_DEG_LAT * math.cos(math.radians(self.lat0))
        self.radius = opts.radius_km
        angles = rng.uniform(0, 2 * math.pi, opts.districts)
        dist = self.radius * np.sqrt(rng.uniform(0.0, 0.7, opts.districts))
        self.centres = np.column_stack([dist * np.cos(angles), dist * np.sin(angles)])
        self.weights = rng.dirichlet(np.full(opts.districts, 2.0))
        self.spread_km = 1.2

    def points(
        self, rng: np.random.Generator, n: int, *, radius: float | None = None
    ) -> np.ndarray:
        """``n`` (x, y) km offsets: a district by weight, then a normal scatter around it."""
        limit = radius or self.radius
        which = rng.choice(len(self.weights), size=n, p=self.weights)
        xy = self.centres[which] + rng.normal(0.0, self.spread_km, (n, 2))
        norm = np.linalg.norm(xy, axis=1)
        too_far = norm > limit
        xy[too_far] *= (limit / norm[too_far])[:, None]
        return xy

    def xy(self, location: Location) -> np.ndarray:
        """The (x, y) km offset of a location drawn by :meth:`location`."""
        assert location.lat is not None and location.lon is not None
        return np.array(
            [
                (location.lon - self.lon0) * self.km_per_deg_lon,
                (location.lat - self.lat0) * KM_PER_DEG_LAT,
            ]
        )

    def location(self, xy: np.ndarray) -> Location:
        lat = self.lat0 + float(xy[1]) / KM_PER_DEG_LAT
        lon = self.lon0 + float(xy[0]) / self.km_per_deg_lon
        return Location(lat=round(lat, 6), lon=round(lon, 6))


def _at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, clock, tzinfo=tz)


def _engineers(
    rng: np.random.Generator, opts: DayOptions, city: _City, count: int, tz: ZoneInfo
) -> list[Engineer]:
    n_third = int(round(count * opts.third_party_share)) if count > 2 else 0
    n_own = count - n_third
    homes = city.points(rng, count, radius=city.radius * 1.5)
    patterns = _pick(rng, opts.shift_mix, count)
    engineers: list[Engineer] = []
    all_parts = sorted(p for parts in PARTS.values() for p in parts)
    for i in range(count):
        third = i >= n_own
        eid = f"tp{i - n_own + 1:02d}" if third else f"e{i + 1:02d}"
        start, end, lunch_a, lunch_b = SHIFT_PATTERNS[patterns[i]]
        if third:
            skills = {"fridge": 1, "washer": 1}
        else:
            skills = {s: 1 for s in sorted(opts.skill_share) if rng.random() < opts.skill_share[s]}
            if not skills:
                skills = {_pick(rng, opts.job_mix, 1)[0]: 1}
            if rng.random() < opts.senior_share:
                skills["smart_home"] = 2
                skills["aircon"] = 2
        shift = Shift(
            start=_at(opts.day, start, tz),
            end=_at(opts.day, end, tz),
            breaks=[
                Break(
                    window=TimeWindow(
                        start=_at(opts.day, lunch_a, tz), end=_at(opts.day, lunch_b, tz)
                    ),
                    duration_minutes=30,
                )
            ],
        )
        senior = skills.get("smart_home", 0) >= 2
        rate = opts.third_party_van_stock_rate if third else opts.van_stock_rate
        units = rng.integers(1, 3, len(all_parts))
        van = {
            p: int(u)
            for p, u, r in zip(all_parts, units, rng.random(len(all_parts)), strict=True)
            if r < rate
        }
        engineers.append(
            Engineer(
                id=eid,
                start_location=city.location(homes[i]),
                shifts=[shift],
                skills=skills,
                cost_per_hour=75.0 if third else (55.0 if senior else 45.0),
                cost_per_km=0.35,
                fixed_cost=50.0 if third else 0.0,
                overtime_minutes=0.0 if third else 60.0,
                overtime_cost_per_hour=0.0 if third else 70.0,
                van_stock=van,
            )
        )
    if not any(e.skills.get("smart_home", 0) >= 2 for e in engineers) and n_own:
        # A city always has at least one senior installer, however small the team.
        e0 = engineers[0]
        engineers[0] = e0.model_copy(update={"skills": {**e0.skills, "smart_home": 2, "aircon": 2}})
    return engineers


def _release_minutes(rng: np.random.Generator, n: int) -> np.ndarray:
    """Call-in moments for jobs arriving during the day: triangular 07:00..15:00, mode 09:00."""
    return rng.triangular(7 * 60, 9 * 60, 15 * 60, n)


def _field_features(
    seed: int,
    opts: DayOptions,
    city: _City,
    jobs: list[Job],
    team: list[Engineer],
    places: np.ndarray,
    tz: ZoneInfo,
) -> tuple[list[Job], list[Engineer], list[Provider]]:
    """Two-person jobs, districts as territories and providers, from their own stream."""
    rng = np.random.default_rng([seed, FEATURE_STREAM])
    if opts.two_person_share:
        jobs = add_crews(rng, jobs, opts.two_person_share)
    if opts.territories != "none" or opts.providers > 1:
        jobs = add_zones(jobs, district_of(places, city.centres))
    if opts.territories != "none":
        homes = np.array([city.xy(e.start_location) for e in team]).reshape(-1, 2)
        team = add_territories(team, homes, city.centres, opts.territories)
    providers: list[Provider] = []
    if opts.providers:
        replaced = [e for e in team if e.id.startswith("tp")]
        team = [e for e in team if not e.id.startswith("tp")] or team
        providers = providers_for(rng, opts.providers, len(replaced), city.centres, opts.day, tz)
    return jobs, team, providers


def generate_scenario(size: int, engineers: int, seed: int, **options: Any) -> Scenario:
    """A seeded service day with its events: ``size`` jobs, ``engineers`` engineers.

    Same arguments, same scenario (numpy ``Generator(PCG64(seed))``, no global state).
    ``options`` override :class:`DayOptions` fields (e.g. ``job_mix={"aircon": 0.6, ...}``).
    """
    if not 1 <= size <= 5000:
        raise InputError([("size", size, "must be between 1 and 5000 jobs")])
    if not 1 <= engineers <= 1000:
        raise InputError([("engineers", engineers, "must be between 1 and 1000")])
    opts = _options(options)
    rng = np.random.default_rng(seed)
    tz = ZoneInfo(opts.timezone)
    city = _City(rng, opts)
    team = _engineers(rng, opts, city, engineers, tz)

    types = _pick(rng, opts.job_mix, size)
    tiers = _pick(rng, opts.priority_mix, size)
    slots = _pick(rng, opts.slot_mix, size)
    places = city.points(rng, size)
    overnight = rng.random(size) < opts.overnight_share
    release = _release_minutes(rng, size)
    duration_noise = rng.lognormal(0.0, opts.duration_sigma, size)
    actual_noise = rng.lognormal(-(opts.duration_sigma**2) / 2, opts.duration_sigma, size)
    complex_install = rng.random(size) < opts.complex_install_share
    cancel = rng.random(size) < opts.cancel_rate
    cancel_frac = rng.uniform(0.0, 1.0, size)
    part_wait = rng.random(size) < opts.part_wait_rate
    part_at = rng.uniform(9 * 60, 13 * 60, size)
    needs_part = rng.random(size)
    part_choice = rng.integers(0, 3, size)

    day_start = _at(opts.day, time(0, 0), tz)
    day_open = _at(opts.day, time(8, 0), tz)
    latest = _at(opts.day, time(18, 30), tz)
    jobs: list[Job] = []
    events: list[Event] = []
    actual: dict[str, float] = {}
    on_site: dict[str, str] = {}
    priority_of = {"standard": 0, "urgent": 5, "emergency": 9}
    width = len(str(size))
    for i in range(size):
        jid = f"j{i + 1:0{width}d}"
        kind, tier = types[i], tiers[i]
        minutes = float(max(15, 5 * round(opts.mean_minutes[kind] * duration_noise[i] / 5)))
        level = 2 if kind == "smart_home" and complex_install[i] else 1
        # Overnight jobs were booked the day(s) before; emergencies are always same-day calls.
        known_overnight = bool(overnight[i]) and tier != "emergency"
        # Calls are logged to the minute; the SLA clock, window and release all start from it.
        called = (
            None if known_overnight else day_start + timedelta(minutes=float(np.floor(release[i])))
        )
        slot_a, slot_b = SLOTS[slots[i]]
        window_start, window_end = _at(opts.day, slot_a, tz), _at(opts.day, slot_b, tz)
        if called is not None:
            if tier != "standard":
                window_start = called + timedelta(minutes=30)
                window_end = called + timedelta(hours=SLA_HOURS[tier])
            else:
                window_start = max(window_start, called + timedelta(minutes=30))
            window_end = min(max(window_end, window_start + timedelta(hours=2)), latest)
            window_start = min(window_start, window_end)
            window_start, window_end = (
                window_start.replace(second=0, microsecond=0),
                window_end.replace(second=0, microsecond=0),
            )
        earliest = called.replace(second=0, microsecond=0) if called is not None else None
        if part_wait[i]:
            ready = (day_start + timedelta(minutes=float(part_at[i]))).replace(
                second=0, microsecond=0
            )
            if earliest is None or ready > earliest:
                earliest = ready
            if window_end < earliest + timedelta(hours=2):
                window_end = min(earliest + timedelta(hours=3), latest)
            events.append(PartArrives(at=ready, job_id=jid))
        if called is not None:
            events.append(JobArrives(at=called.replace(second=0, microsecond=0), job_id=jid))
        jobs.append(
            Job(
                id=jid,
                location=city.location(places[i]),
                duration_minutes=minutes,
                duration_by_level={2: float(5 * round(minutes * 0.8 / 5))} if level == 1 else {},
                time_windows=[TimeWindow(start=window_start, end=window_end)],
                earliest_start=earliest,
                priority=priority_of[tier],
                skills=[SkillRequirement(skill=kind, level=level)],
                sla_tier=None if tier == "standard" else tier,
                # A booked urgent job's clock starts when the day opens (the office was closed).
                sla=None if tier == "standard" else SlaState(started_at=called or day_open),
            )
        )
        actual[jid] = round(minutes * float(actual_noise[i]), 1)
        if needs_part[i] < opts.on_site_part_rate.get(kind, 0.0):
            on_site[jid] = PARTS[kind][int(part_choice[i]) % len(PARTS[kind])]
        if cancel[i]:
            known = earliest or _at(opts.day, time(7, 0), tz)
            at = (
                known + (window_end - known) * float(cancel_frac[i])
                if window_end > known
                else known
            )
            events.append(JobCancelled(at=at.replace(microsecond=0), job_id=jid))

    sick = sorted(rng.choice(len(team), size=min(opts.sick_engineers, len(team)), replace=False))
    for k in sick:
        events.append(
            EngineerOff(at=team[k].shifts[0].start - timedelta(minutes=45), engineer_id=team[k].id)
        )
    providers: list[Provider] = []
    if opts.two_person_share or opts.territories != "none" or opts.providers:
        jobs, team, providers = _field_features(seed, opts, city, jobs, team, places, tz)
        kept = {e.id for e in team}
        events = [e for e in events if not isinstance(e, EngineerOff) or e.engineer_id in kept]
    events.sort(key=lambda e: (e.at, e.kind, getattr(e, "job_id", getattr(e, "engineer_id", ""))))
    problem = Problem(
        name=opts.name,
        jobs=jobs,
        engineers=team,
        travel=HaversineTravel(speed_kmh=opts.speed_kmh, detour_factor=opts.detour_factor),
        parts=[
            Part(sku=sku, name=f"{kind} {sku.replace('_', ' ')}")
            for kind in JOB_TYPES
            for sku in PARTS[kind]
        ],
        sla_policies=[
            SlaPolicy(
                name=f"{tier}-{hours:g}h",
                stages=[
                    SlaStage(name="on_site", target_minutes=hours * 60, clock=SlaClock.WALL_CLOCK)
                ],
            )
            for tier, hours in SLA_HOURS.items()
            if tier != "standard"
        ],
        # An hour late on an emergency weighs twice an hour late on an urgent job (soft SLA).
        sla_mode=SlaMode(tier_weights={"emergency": 8.0, "urgent": 4.0}),
        sla_tiers={
            tier: f"{tier}-{hours:g}h" for tier, hours in SLA_HOURS.items() if tier != "standard"
        },
        providers=providers,
    )
    return Scenario(
        name=opts.name,
        description=opts.description,
        seed=seed,
        planned_at=_at(opts.day - timedelta(days=1), time(22, 0), tz),
        problem=problem,
        events=events,
        actual_minutes=actual,
        on_site_part=on_site,
    )


def generate_day(size: int, engineers: int, seed: int, **options: Any) -> Problem:
    """The :class:`Problem` of a seeded service day (hindsight view: all jobs, release times as
    ``earliest_start``). See :func:`generate_scenario` for the events the simulator replays."""
    return generate_scenario(size, engineers, seed, **options).problem
