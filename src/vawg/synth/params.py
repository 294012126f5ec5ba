"""The planted effects of the synthetic force, as frozen data, and the checks on them.

Every effect the generator plants is a field here, so that ``truth.json`` can record exactly
what was planted and ``PlantedEffects.null()`` can switch every one of them off at once (rate
ratios exactly 1, no heavy tails beyond chance, no survey or outcome differences) while the
volumes stay the same. Rate ratios are multiplicative effects on an expected count; survey
coefficients are additive effects on a latent 1–7 or 1–5 scale.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from vawg.errors import InputError

__all__ = [
    "DAYS_OF_WEEK",
    "AreaEffects",
    "PlantedEffects",
    "ProgrammeEffects",
    "PublicSurveyEffects",
    "SaferStreetsEffects",
    "VictimSurveyEffects",
    "check_effects",
]

DAYS_OF_WEEK = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class AreaEffects:
    """Rate ratios on crimes per head of LSOA population, for one class of place.

    ``imd_decile_step`` is the ratio per one-decile increase in IMD decile, i.e. per step towards
    *less* deprived (decile 1 = most deprived), so a value below 1 means more crime where
    deprivation is higher. ``pubs`` is per licensed pub or bar in the LSOA; ``town_centre`` is
    for an LSOA flagged as a town centre.
    """

    imd_decile_step: float
    pubs: float
    town_centre: float


@dataclass(frozen=True)
class PublicSurveyEffects:
    """Planted differences in the PCC's public survey (log-odds and 1–5 scale shifts).

    ``district_harassment_log_odds`` and ``district_night_safety_shift`` are pairs of
    (district name, shift); districts not listed shift by 0. ``night_minus_day`` is the mean
    difference in the latent 1–5 feeling-safe score between night and day (negative = less safe
    at night). ``female_night_shift`` is the extra night-time shift for women.
    """

    night_minus_day: float = -1.3
    female_night_shift: float = -0.35
    district_harassment_log_odds: tuple[tuple[str, float], ...] = (
        ("Thanet", 0.35),
        ("Medway", 0.25),
        ("Canterbury", 0.20),
        ("Sevenoaks", -0.30),
        ("Tunbridge Wells", -0.20),
    )
    district_night_safety_shift: tuple[tuple[str, float], ...] = (
        ("Thanet", -0.45),
        ("Medway", -0.35),
        ("Gravesham", -0.20),
        ("Sevenoaks", 0.30),
        ("Tunbridge Wells", 0.25),
    )
    age_gradient: bool = True


@dataclass(frozen=True)
class VictimSurveyEffects:
    """Planted linear model for the victim survey's latent ``whole_experience`` (1–7 scale).

    latent = intercept + outcome-group coefficient + per_year_to_outcome * years from recorded
    date to outcome date + kept_informed * [satisfied with being kept informed] + N(0, noise_sd);
    the item is the latent rounded and clipped to 1–7. The reference outcome group is ``other``
    (coefficient 0). The ``kept_informed`` item is drawn first, from the intercept, its own offset
    and the time to outcome, with independent noise (see ``surveys.py``), so its effect on the
    whole experience is identified; the other three items share the
    whole-experience latent with their own offsets and noise.
    """

    intercept: float = 4.3
    charged: float = 1.2
    out_of_court: float = 0.5
    evidential_difficulties_victim_supports: float = -0.4
    victim_does_not_support: float = -0.8
    no_suspect_identified: float = -0.5
    per_year_to_outcome: float = -0.6
    kept_informed: float = 0.9
    noise_sd: float = 1.0


@dataclass(frozen=True)
class SaferStreetsEffects:
    """The planted effect of the Safer Streets interventions (``interventions.csv``).

    In each intervention's LSOAs, from its start date, every public-place crime committed in
    the evening or at night (``evening_from`` to ``evening_to`` hours) is prevented with
    probability ``1 - rate_ratio``; of the prevented crimes, a share ``displacement_share``
    happens instead in an LSOA of the surrounding ring (centroid within ``ring_metres`` of a
    treated LSOA's centroid), chosen in proportion to the ring LSOAs' public-place shares.
    """

    rate_ratio: float = 0.8
    displacement_share: float = 0.25
    evening_from: int = 18
    evening_to: int = 6
    ring_metres: float = 1000.0


@dataclass(frozen=True)
class ProgrammeEffects:
    """The planted effect of the perpetrator programme (``programme_participants.csv``).

    ``referrals_per_scale`` domestic abuse perpetrators (times the scale) with a crime in the
    last 90 days and two in the last two years are referred on random days of
    ``referral_window`` (ISO dates); from his referral, each of a participant's crimes is prevented with probability
    ``1 - hazard_ratio`` (thinning his offending, so his hazard of a next offence is multiplied
    by ``hazard_ratio``). ``completion_share`` of starters complete it.
    """

    hazard_ratio: float = 0.7
    referrals_per_scale: float = 600.0
    referral_window: tuple[str, str] = ("2019-04-01", "2022-03-31")
    completion_share: float = 0.65


def _default_dow_home() -> tuple[float, ...]:
    return (1.00, 0.96, 0.95, 0.96, 1.02, 1.14, 1.16)


def _default_dow_public() -> tuple[float, ...]:
    return (0.85, 0.82, 0.84, 0.90, 1.15, 1.50, 1.20)


def _default_month() -> tuple[float, ...]:
    # Conditional on daily maximum temperature: a mild summer-holiday and December bump.
    return (0.97, 0.95, 0.98, 1.00, 1.02, 1.00, 1.05, 1.06, 1.00, 0.99, 0.97, 1.05)


@dataclass(frozen=True)
class PlantedEffects:
    """Every planted effect of the synthetic force (see module docstring).

    Area effects are given per place class (``home_area`` for dwellings, ``public_area`` for
    every other known location type); ``area_alpha`` is the variance of the mean-one gamma
    frailty shared by both classes in each LSOA (0 = Poisson). Daily effects multiply the
    expected count of crimes committed on a day; ``day_of_week_*`` run Monday..Sunday.
    ``trend_per_year`` compounds from the period start. Birthday ratios are relative to an
    ordinary day for the same person; the ``*_window`` ratios apply to each of the days either
    side of the birthday. ``heavy_tailed_careers`` switches the gamma-mixed (prolific few)
    career and repeat-victimisation model; off, counts per person are Poisson with the same
    means. ``outcome_differences`` off gives every offence group the same outcome mix and time
    to outcome.
    """

    home_area: AreaEffects = AreaEffects(imd_decile_step=0.92, pubs=1.015, town_centre=1.5)
    public_area: AreaEffects = AreaEffects(imd_decile_step=0.97, pubs=1.075, town_centre=3.5)
    area_alpha: float = 0.12
    tmax_per_degree: float = 1.01
    trend_per_year: float = 1.05
    day_of_week_home: tuple[float, ...] = field(default_factory=_default_dow_home)
    day_of_week_public: tuple[float, ...] = field(default_factory=_default_dow_public)
    month: tuple[float, ...] = field(default_factory=_default_month)
    bank_holiday_home: float = 1.20
    bank_holiday_public: float = 1.35
    lockdown_home: float = 1.10
    lockdown_public: float = 0.55
    offender_birthday: float = 1.6
    victim_birthday: float = 1.4
    offender_birthday_window: float = 1.1
    victim_birthday_window: float = 1.05
    heavy_tailed_careers: bool = True
    outcome_differences: bool = True
    public_survey: PublicSurveyEffects = field(default_factory=PublicSurveyEffects)
    victim_survey: VictimSurveyEffects = field(default_factory=VictimSurveyEffects)
    safer_streets: SaferStreetsEffects = field(default_factory=SaferStreetsEffects)
    programme: ProgrammeEffects = field(default_factory=ProgrammeEffects)

    @classmethod
    def null(cls) -> PlantedEffects:
        """Every rate ratio exactly 1, no frailty, Poisson careers, no survey/outcome effects."""
        flat = AreaEffects(imd_decile_step=1.0, pubs=1.0, town_centre=1.0)
        return cls(
            home_area=flat,
            public_area=flat,
            area_alpha=0.0,
            tmax_per_degree=1.0,
            trend_per_year=1.0,
            day_of_week_home=(1.0,) * 7,
            day_of_week_public=(1.0,) * 7,
            month=(1.0,) * 12,
            bank_holiday_home=1.0,
            bank_holiday_public=1.0,
            lockdown_home=1.0,
            lockdown_public=1.0,
            offender_birthday=1.0,
            victim_birthday=1.0,
            offender_birthday_window=1.0,
            victim_birthday_window=1.0,
            heavy_tailed_careers=False,
            outcome_differences=False,
            public_survey=PublicSurveyEffects(
                night_minus_day=0.0,
                female_night_shift=0.0,
                district_harassment_log_odds=(),
                district_night_safety_shift=(),
                age_gradient=False,
            ),
            victim_survey=VictimSurveyEffects(
                charged=0.0,
                out_of_court=0.0,
                evidential_difficulties_victim_supports=0.0,
                victim_does_not_support=0.0,
                no_suspect_identified=0.0,
                per_year_to_outcome=0.0,
                kept_informed=0.0,
            ),
            safer_streets=SaferStreetsEffects(rate_ratio=1.0, displacement_share=0.0),
            programme=ProgrammeEffects(hazard_ratio=1.0),
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe nested dict (tuples become lists; day-of-week and month keyed by name)."""
        out = dataclasses.asdict(self)
        out["day_of_week_home"] = dict(zip(DAYS_OF_WEEK, self.day_of_week_home, strict=True))
        out["day_of_week_public"] = dict(zip(DAYS_OF_WEEK, self.day_of_week_public, strict=True))
        out["month"] = {str(m + 1): v for m, v in enumerate(self.month)}
        out["programme"]["referral_window"] = list(self.programme.referral_window)
        ps = self.public_survey
        out["public_survey"]["district_harassment_log_odds"] = dict(ps.district_harassment_log_odds)
        out["public_survey"]["district_night_safety_shift"] = dict(ps.district_night_safety_shift)
        return out


def _positive_ratio(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise InputError(
            f"effects.{name} = {value!r} is not a usable rate ratio; "
            "give a finite number > 0 (1 means no effect)."
        )


def check_effects(effects: PlantedEffects) -> None:
    """Raise InputError naming the first field that cannot be planted, and the fix."""
    for cls_name, area in (("home_area", effects.home_area), ("public_area", effects.public_area)):
        for f in dataclasses.fields(AreaEffects):
            _positive_ratio(f"{cls_name}.{f.name}", getattr(area, f.name))
    if not (math.isfinite(effects.area_alpha) and 0 <= effects.area_alpha <= 5):
        raise InputError(
            f"effects.area_alpha = {effects.area_alpha!r} is outside 0..5; "
            "give the gamma frailty variance (0 = Poisson, e.g. 0.12)."
        )
    for name in (
        "tmax_per_degree",
        "trend_per_year",
        "bank_holiday_home",
        "bank_holiday_public",
        "lockdown_home",
        "lockdown_public",
    ):
        _positive_ratio(name, getattr(effects, name))
    for name, n in (("day_of_week_home", 7), ("day_of_week_public", 7), ("month", 12)):
        values = getattr(effects, name)
        if len(values) != n:
            raise InputError(f"effects.{name} has {len(values)} values; give exactly {n}.")
        for i, v in enumerate(values):
            _positive_ratio(f"{name}[{i}]", v)
    for name in (
        "offender_birthday",
        "victim_birthday",
        "offender_birthday_window",
        "victim_birthday_window",
    ):
        value = getattr(effects, name)
        if not (math.isfinite(value) and 1.0 <= value <= 50.0):
            raise InputError(
                f"effects.{name} = {value!r} cannot be planted by moving crimes onto birthdays; "
                "give a rate ratio between 1 and 50."
            )
    ss = effects.safer_streets
    _positive_ratio("safer_streets.rate_ratio", ss.rate_ratio)
    if ss.rate_ratio > 1:
        raise InputError(
            f"effects.safer_streets.rate_ratio = {ss.rate_ratio!r} cannot be planted by "
            "preventing crimes; give a ratio between 0 and 1 (1 = no effect)."
        )
    if not (0 <= ss.displacement_share <= 1):
        raise InputError(
            f"effects.safer_streets.displacement_share = {ss.displacement_share!r}; give a share "
            "between 0 and 1."
        )
    if not (0 <= ss.evening_from <= 23 and 0 <= ss.evening_to <= 23 and ss.ring_metres > 0):
        raise InputError(
            "effects.safer_streets: evening_from and evening_to are hours 0-23 and ring_metres "
            "is greater than 0."
        )
    pr = effects.programme
    _positive_ratio("programme.hazard_ratio", pr.hazard_ratio)
    if pr.hazard_ratio > 1:
        raise InputError(
            f"effects.programme.hazard_ratio = {pr.hazard_ratio!r} cannot be planted by "
            "preventing crimes; give a ratio between 0 and 1 (1 = no effect)."
        )
    if pr.referrals_per_scale < 0 or not (0 <= pr.completion_share <= 1):
        raise InputError(
            "effects.programme: referrals_per_scale is 0 or more and completion_share between "
            "0 and 1."
        )
