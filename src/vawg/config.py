"""Every setting, declared once: name, default, help and validator, in a frozen ``Settings``.

Settings are built from the defaults, then a TOML file (``vawg.toml`` or ``--config``), then
``--set name=value`` pairs, in that order; an unknown name is an error that lists the known
ones. There is no global mutable state: every analysis takes the ``Settings`` it was given.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import itertools
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from vawg.errors import InputError
from vawg.schema import OFFENCE_GROUPS

__all__ = ["SETTING_HELP", "Settings", "load_settings"]


def _setting(default: Any, help: str, check: Callable[[Any], str | None] | None = None) -> Any:
    return field(default=default, metadata={"help": help, "check": check})


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _non_negative(value: Any) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def _sex(value: Any) -> str | None:
    return None if value in ("M", "F", "U") else "must be M, F or U"


def _groups(value: Any) -> str | None:
    bad = [g for g in value if g not in OFFENCE_GROUPS]
    return (
        f"unknown offence group {', '.join(bad)}; use {', '.join(OFFENCE_GROUPS)}" if bad else None
    )


def _networks(value: Any) -> str | None:
    for item in value:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            return f"{item!r} is not an address or network; use e.g. 127.0.0.1 or 10.0.0.0/8"
    return None


def _roles(value: Any) -> str | None:
    bad = [r for r in value if r not in ("suspect", "offender")]
    return "must list suspect and/or offender" if bad or not value else None


def _hours(value: Any) -> str | None:
    ok = len(value) == 2 and all(str(x).replace(".", "", 1).isdigit() for x in value)
    ok = ok and all(float(x) == int(float(x)) and 0 <= float(x) <= 23 for x in value)
    ok = ok and float(value[0]) != float(value[1])
    return None if ok else "must be two different whole hours 0-23, e.g. 18,6"


def _whole_positive_list(value: Any) -> str | None:
    ok = len(value) >= 1 and all(str(x).replace(".", "", 1).isdigit() for x in value)
    ok = ok and all(float(x) >= 1 and float(x) == int(float(x)) for x in value)
    return None if ok else "must be whole numbers of 1 or more, e.g. 5,10,20,50"


def _band_edges(value: Any) -> str | None:
    ok = len(value) >= 2 and all(str(x).replace(".", "", 1).isdigit() for x in value)
    ok = ok and float(value[0]) == 0
    ok = ok and all(float(a) < float(b) for a, b in itertools.pairwise(value))
    return None if ok else "must be 2 or more increasing numbers from 0, e.g. 0,100,200,400"


_AUDIT_MEASURES = (
    "charge_rate",
    "victim_not_supporting_rate",
    "open_share",
    "median_days_to_outcome",
    "cps_charge_rate",
    "conviction_rate",
    "satisfied_whole_experience",
    "satisfied_ease_of_contact",
    "satisfied_actions_taken",
    "satisfied_kept_informed",
    "satisfied_treatment",
)
"""Measures the half-year audit compares (the keys of ``vawg.outcomes.audit.MEASURE_LABELS``)."""


@dataclass(frozen=True)
class Settings:
    """All settings; see ``vawg settings`` or docs for the help of each."""

    # Period: None = the last five complete financial years (April-March) in the data.
    period_start: date | None = _setting(None, "First recorded_date in the period (inclusive).")
    period_end: date | None = _setting(None, "Last recorded_date in the period (inclusive).")
    period_years: int = _setting(5, "Complete financial years in the default period.", _positive)
    # VAWG scope.
    victim_sex: str = _setting("F", "Sex of the victim a crime needs to be in scope.", _sex)
    offender_sex: str = _setting("M", "Sex of the suspect or offender a crime needs.", _sex)
    offender_roles: tuple[str, ...] = _setting(
        ("suspect", "offender"), "Involvement roles that count as a perpetrator.", _roles
    )
    offender_min_age: int = _setting(
        18,
        "Minimum age of the perpetrator on committed_from; no date of birth = not counted.",
        _non_negative,
    )
    vawg_offence_groups: tuple[str, ...] = _setting(
        tuple(g for g in OFFENCE_GROUPS if g != "other"),
        "Offence groups in scope without the domestic abuse flag.",
        _groups,
    )
    include_domestic_abuse: bool = _setting(
        True, "Crimes flagged domestic abuse are in scope whatever their offence group."
    )
    # Disclosure control.
    disclosure_threshold: int = _setting(
        5, "Public outputs suppress every count from 1 to this minus 1.", _positive
    )
    disclosure_min_base: int = _setting(
        30,
        "Public outputs give a figure made from a group's crimes or answers (a place's harm, a "
        "share of answers, a median time and its interval) only for groups of at least this many.",
        _positive,
    )
    # Random procedures.
    seed: int = _setting(0, "Seed for every random procedure (permutations, bootstraps).")

    # Perpetrator problem profile (`vawg profile`; see vawg.profile).
    harm_weights_file: str = _setting(
        "",
        "Harm weights CSV (key_type,key,label,weight_days,status,source); empty = shipped default.",
    )
    repeat_min_crimes: int = _setting(
        2,
        "In-scope crimes in the period that make a victim or perpetrator a repeat.",
        lambda v: None if v >= 2 else "must be 2 or more",
    )
    profile_bootstrap_replicates: int = _setting(
        999,
        "Bootstrap replicates for the harm concentration intervals.",
        lambda v: None if v >= 99 else "must be 99 or more",
    )
    rfgv_window_days: int = _setting(
        365, "RFGV: days up to the period end whose crimes are scored.", _positive
    )
    rfgv_recency_days: tuple[float, ...] = _setting(
        (28, 91, 182, 273),
        "RFGV recency band edges, days from last crime to period end (within 1st edge = 5).",
        lambda v: (
            None
            if len(v) == 4
            and all(str(x).replace(".", "", 1).isdigit() for x in v)
            and all(float(a) < float(b) for a, b in itertools.pairwise(v))
            else "must be 4 increasing numbers, e.g. 28,91,182,273"
        ),
    )
    rfgv_frequency_crimes: tuple[float, ...] = _setting(
        (2, 3, 4, 6),
        "RFGV frequency band edges, crimes in the window (below 1st edge = 1, from 4th = 5).",
        lambda v: (
            None
            if len(v) == 4
            and all(str(x).replace(".", "", 1).isdigit() for x in v)
            and all(float(a) < float(b) for a, b in itertools.pairwise(v))
            else "must be 4 increasing numbers, e.g. 2,3,4,6"
        ),
    )
    rfgv_gravity_days: tuple[float, ...] = _setting(
        (10, 90, 180, 1000),
        "RFGV gravity band edges, harm days in the window (below 1st edge = 1, from 4th = 5).",
        lambda v: (
            None
            if len(v) == 4
            and all(str(x).replace(".", "", 1).isdigit() for x in v)
            and all(float(a) < float(b) for a, b in itertools.pairwise(v))
            else "must be 4 increasing numbers, e.g. 10,90,180,1000"
        ),
    )
    rfgv_victims: tuple[float, ...] = _setting(
        (2, 3, 4, 5),
        "RFGV victims band edges, distinct victims in the window (1 victim = 1, from 4th = 5).",
        lambda v: (
            None
            if len(v) == 4
            and all(str(x).replace(".", "", 1).isdigit() for x in v)
            and all(float(a) < float(b) for a, b in itertools.pairwise(v))
            else "must be 4 increasing numbers, e.g. 2,3,4,5"
        ),
    )
    rfgv_weights: tuple[float, ...] = _setting(
        (1.0, 1.0, 1.0, 1.0),
        "RFGV weights of the recency, frequency, gravity and victims scores (in that order).",
        lambda v: (
            None
            if len(v) == 4 and all(str(x).replace(".", "", 1).isdigit() for x in v)
            else "must be 4 numbers of 0 or more, e.g. 1,1,2,1"
        ),
    )
    rfgv_top_n: int = _setting(
        100, "RFGV: perpetrators listed in the analyst (restricted) output.", _positive
    )

    # Surveys (vawg survey).
    survey_unsafe_max: int = _setting(
        2,
        "Public survey: a feeling-safe score (1-5) up to this counts as unsafe.",
        lambda v: None if 1 <= v <= 4 else "must be 1-4 on the 1-5 scale",
    )
    survey_satisfied_min: int = _setting(
        5,
        "Victim survey: a score (1-7) from this up counts as satisfied.",
        lambda v: None if 2 <= v <= 7 else "must be 2-7 on the 1-7 scale",
    )
    survey_min_effective_base: int = _setting(
        30,
        "Survey estimates on fewer effective respondents than this are flagged small base.",
        _positive,
    )
    survey_ci_method: str = _setting(
        "logit",
        "Survey share intervals: logit (linearised, on the logit scale) or wald.",
        lambda v: None if v in ("logit", "wald") else "must be logit or wald",
    )
    survey_trim_ratio: float = _setting(
        5.0,
        "Raking: cap weights at this multiple of the median weight (0 = no trimming).",
        lambda v: None if v == 0 or v > 1 else "must be 0 (no trimming) or greater than 1",
    )
    survey_rake_tolerance: float = _setting(
        1e-6, "Raking stops when every weighted share is this close to its margin.", _positive
    )
    survey_rake_max_iterations: int = _setting(
        100, "Raking: most iterations before giving up (reported as not converged).", _positive
    )
    survey_theme_dictionary: str = _setting(
        "", "CSV of theme,keyword for the reasons for not reporting; empty = shipped default."
    )
    survey_satisfaction_model: str = _setting(
        "logistic",
        "Model of whole-experience satisfaction: logistic (satisfied) or ordinal.",
        lambda v: None if v in ("logistic", "ordinal") else "must be logistic or ordinal",
    )

    # Drivers and hot spots (vawg drivers, vawg hotspots).
    hotspot_permutations: int = _setting(
        999,
        "Hot spots: conditional permutations for the G* pseudo p-values (a check beside the "
        "normal-theory decision; the decision itself when hotspot_decision = permutation).",
        lambda v: None if v >= 99 else "must be 99 or more (999 recommended)",
    )
    hotspot_k: int = _setting(
        6, "Hot spots and Moran's I: nearest neighbours per LSOA (centroid weights).", _positive
    )
    hotspot_fdr: float = _setting(
        0.05,
        "Hot spots: false discovery rate (Benjamini-Hochberg) for a significant LSOA.",
        lambda v: None if 0 < v < 1 else "must be between 0 and 1, e.g. 0.05",
    )
    hotspot_measure: str = _setting(
        "rate",
        "Hot spots: G* on crimes per 1,000 residents (rate) or on crime counts (count).",
        lambda v: None if v in ("rate", "count") else "must be rate or count",
    )
    hotspot_decision: str = _setting(
        "normal",
        "Hot spots: p-values for the FDR decision: normal (G* z-test) or permutation.",
        lambda v: None if v in ("normal", "permutation") else "must be normal or permutation",
    )
    boundaries: str = _setting(
        "",
        "LSOA polygons (areas.geojson, .gpkg or .shp) to place crimes by coordinates and draw "
        "maps; empty = the shipped Kent and Medway 2011 LSOAs.",
        lambda v: (
            None
            if v == "" or str(v).lower().endswith((".geojson", ".json", ".gpkg", ".shp"))
            else "must be a .geojson, .json, .gpkg or .shp file, or empty"
        ),
    )
    anomaly_z: float = _setting(
        3.0, "Feed check: |z| above which a month's count is flagged as anomalous.", _positive
    )
    anomaly_cv: float = _setting(
        0.08,
        "Feed check: normal month-to-month variation (CV) when under 12 months are loaded.",
        _positive,
    )
    birthday_window: int = _setting(
        1,
        "Birthday model: days either side of the birthday counted as its window.",
        lambda v: None if 1 <= v <= 30 else "must be 1 to 30",
    )

    # Outcomes and the half-year audit (vawg audit, vawg outcomes).
    audit_headlines: tuple[str, ...] = _setting(
        (
            "charge_rate",
            "victim_not_supporting_rate",
            "median_days_to_outcome",
            "satisfied_whole_experience",
        ),
        "Audit: the pre-declared headline comparisons (whole scope, against the same half a "
        "year earlier), tested as their own family (Holm) before the full grid is looked at.",
        lambda v: (
            None
            if v and all(m in _AUDIT_MEASURES for m in v)
            else f"must be one or more of {', '.join(_AUDIT_MEASURES)}"
        ),
    )
    audit_fdr: float = _setting(
        0.05,
        "Audit: false discovery rate (Benjamini-Hochberg) for calling a change improved/worse.",
        lambda v: None if 0 < v < 1 else "must be between 0 and 1, e.g. 0.05",
    )

    # The dashboard's sign-in (vawg serve; see vawg.web.guard and docs/dashboard-access.md).
    dashboard_lockout_failures: int = _setting(
        10,
        "Dashboard: failed sign-ins in a row that lock an account until `vawg users unlock`.",
        _positive,
    )
    dashboard_session_idle_minutes: float = _setting(
        30.0, "Dashboard: minutes without use after which a session ends.", _positive
    )
    dashboard_session_hours: float = _setting(
        10.0, "Dashboard: hours after sign-in after which a session ends, used or not.", _positive
    )
    dashboard_trusted_proxies: tuple[str, ...] = _setting(
        (),
        "Dashboard: addresses or networks of the reverse proxy whose X-Forwarded-For (and SSO "
        "header) are believed; empty = believe no proxy header.",
        _networks,
    )
    dashboard_sso_header: str = _setting(
        "",
        "Dashboard: request header a trusted proxy sets to the signed-in user name (single "
        "sign-on); empty = password sign-in only.",
        lambda v: (
            None
            if v == "" or re.fullmatch(r"[A-Za-z0-9-]{1,64}", v)
            else "must be a header name such as X-Remote-User"
        ),
    )
    dashboard_audit_log: str = _setting(
        "",
        "Dashboard: the audit log (JSON lines, appended); empty = beside the users file.",
    )

    # Targeting, place evaluation and the perpetrator programme (vawg target, vawg evaluate).
    evening_night_hours: tuple[float, ...] = _setting(
        (18, 6),
        "Targeting and place evaluation: evening and night as from,to hours (18,6 = 18:00 to "
        "05:59).",
        _hours,
    )
    target_top_n: int = _setting(
        10, "Targeting: which places are surely, or only might be, in the top N.", _positive
    )
    target_candidate_sets: tuple[float, ...] = _setting(
        (5, 10, 20, 50),
        "Targeting: sizes N of the candidate sets whose share of harm is shown.",
        _whole_positive_list,
    )
    target_bootstrap_replicates: int = _setting(
        999,
        "Targeting: Poisson bootstrap replicates for the rank intervals.",
        lambda v: None if v >= 99 else "must be 99 or more",
    )
    knox_distance_bands: tuple[float, ...] = _setting(
        (0, 100, 200, 400, 800),
        "Near repeats (Knox): distance band edges in metres, increasing from 0.",
        _band_edges,
    )
    knox_time_bands: tuple[float, ...] = _setting(
        (0, 7, 14, 28, 56),
        "Near repeats (Knox): time band edges in days, increasing from 0.",
        _band_edges,
    )
    knox_simulations: int = _setting(
        999,
        "Near repeats (Knox): Monte Carlo permutations of the dates.",
        lambda v: None if v >= 99 else "must be 99 or more (999 recommended)",
    )
    knox_months: int = _setting(
        12, "Near repeats (Knox): months up to the period end whose offences are tested.", _positive
    )
    repeat_location_metres: float = _setting(
        25.0,
        "Repeat locations: offences within the same square of this many metres count as one "
        "place (0 = identical coordinates).",
        _non_negative,
    )
    evaluation_ring_metres: float = _setting(
        1000.0,
        "Place evaluation: LSOAs within this distance of a treated LSOA (centroids) form the "
        "ring watched for displacement.",
        _positive,
    )
    evaluation_comparisons_per_area: int = _setting(
        3, "Place evaluation: matched comparison LSOAs per treated LSOA.", _positive
    )
    evaluation_min_crimes: int = _setting(
        20,
        "Place evaluation: fewest crimes in the treated areas before and after for a conclusion.",
        _positive,
    )
    evaluation_min_pre_months: int = _setting(
        12, "Place evaluation: fewest months before the start for a conclusion.", _positive
    )
    evaluation_min_post_months: int = _setting(
        6, "Place evaluation: fewest months after the start for a conclusion.", _positive
    )
    programme_lookback_days: int = _setting(
        730,
        "Programme evaluation: days before the start over which prior offending is counted.",
        _positive,
    )
    programme_comparisons: int = _setting(
        2, "Programme evaluation: matched comparison perpetrators per participant.", _positive
    )
    programme_followup_days: int = _setting(
        365,
        "Programme evaluation: days of follow-up for the harm-weighted reoffending.",
        _positive,
    )

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied and validated."""
        return _validated(dataclasses.replace(self, **changes))


_FIELDS = {f.name: f for f in fields(Settings)}

SETTING_HELP: dict[str, str] = {f.name: f.metadata["help"] for f in fields(Settings)}
"""Each setting's help text, for the CLI and the generated documentation."""


_TYPE_NAMES = {
    "date | None": "date (YYYY-MM-DD)",
    "tuple[str, ...]": "list of text",
    "tuple[float, ...]": "list of numbers",
}


def _typed_ok(annotation: str, value: Any) -> bool:
    """Whether a value that came typed (from TOML) has the type its setting is declared with."""

    def number(x: Any) -> bool:
        return isinstance(x, int | float) and not isinstance(x, bool)

    match annotation:
        case "bool":
            return isinstance(value, bool)
        case "int":
            return isinstance(value, int) and not isinstance(value, bool)
        case "float":
            return number(value)
        case "str":
            return isinstance(value, str)
        case "date | None":
            return isinstance(value, date) and not isinstance(value, datetime)
        case "tuple[str, ...]":
            return isinstance(value, tuple) and all(isinstance(x, str) for x in value)
        case "tuple[float, ...]":
            return isinstance(value, tuple) and all(number(x) for x in value)
    return True  # a declaration this check does not know: the setting's validator decides


def _coerce(name: str, raw: Any, current: Any) -> Any:
    kind = type(current)
    annotation = str(_FIELDS[name].type)
    try:
        if isinstance(raw, str):
            if isinstance(current, bool):
                if raw.lower() not in ("true", "false", "yes", "no", "1", "0"):
                    raise ValueError(raw)
                return raw.lower() in ("true", "yes", "1")
            if isinstance(current, tuple):
                return tuple(x.strip() for x in raw.split(",") if x.strip())
            if name.startswith("period_") and name != "period_years":
                return None if raw.lower() in ("", "none") else date.fromisoformat(raw)
            return kind(raw)
        if isinstance(raw, list):
            raw = tuple(raw)
        # TOML values arrive typed: a 2.5 or `true` for a whole number is an error, not a value.
        if not _typed_ok(annotation, raw):
            raise ValueError(raw)
        return float(raw) if annotation == "float" else raw
    except ValueError:
        raise InputError(
            f"setting {name}={raw!r} is not a valid {_TYPE_NAMES.get(annotation, annotation)}; "
            f"fix the value (help: {SETTING_HELP[name]})"
        ) from None


def _validated(settings: Settings) -> Settings:
    for f in fields(Settings):
        check = f.metadata["check"]
        value = getattr(settings, f.name)
        problem = check(value) if check and value is not None else None
        if problem:
            raise InputError(f"setting {f.name}={value!r} {problem}")
    if (
        settings.period_start
        and settings.period_end
        and settings.period_start > settings.period_end
    ):
        raise InputError(
            f"setting period_start={settings.period_start} is after period_end="
            f"{settings.period_end}; swap them"
        )
    return settings


def _apply(settings: Settings, values: Mapping[str, Any], origin: str) -> Settings:
    known = {f.name for f in fields(Settings)}
    changes = {}
    for name, raw in values.items():
        key = name.replace("-", "_").replace(".", "_")
        if key not in known:
            raise InputError(
                f"{origin}: unknown setting {name!r}; known settings: {', '.join(sorted(known))}"
            )
        changes[key] = _coerce(
            key, raw, getattr(settings, key) if getattr(settings, key) is not None else ""
        )
    return dataclasses.replace(settings, **changes)


def load_settings(config: Path | None = None, overrides: Iterable[str] = ()) -> Settings:
    """Defaults, then ``config`` (TOML; ``./vawg.toml`` when present), then ``name=value`` pairs."""
    settings = Settings()
    path = config if config is not None else Path("vawg.toml")
    if config is not None and not path.exists():
        raise InputError(f"{path}: no such settings file; check the --config path")
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise InputError(f"{path}: not valid TOML ({error}); fix the file") from None
        settings = _apply(settings, data, str(path))
    pairs = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError(
                f"--set {item!r}: write it as name=value, e.g. --set disclosure_threshold=10"
            )
        pairs[name.strip()] = value.strip()
    return _validated(_apply(settings, pairs, "--set"))
