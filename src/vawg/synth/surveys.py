"""The PCC's public survey and the victims' satisfaction survey, with planted effects.

Public survey: 8,200 respondents (like the PCC's 2021-22 survey; scale does not change it),
self-selected from the 16+ population by district x sex x age band with more women and more
middle-aged people than the population, so weighting (raking) to the population matters.
Harassment is more common for women and the young (planted logistic model, with district
shifts); victims mostly did not report it (younger victims less often, so the raw sample's
share not reporting, about 63%, differs from the population's); town centres feel less safe
at night than by day, more so for women and in some districts. ``reason_not_reported`` is free
text in varied wording from the ten themes the survey analysis looks for, in planted shares
(``model.reason_themes`` in truth). No ``weight`` column: weighting is the analysis' job.

Victim survey: about 1,500 x scale victims (at least 200), mostly linked to recorded crimes
with a female victim, a male suspect and an outcome; ``whole_experience`` follows the planted
linear model in ``VictimSurveyEffects`` (charged higher, victim-does-not-support lower, longer
time to outcome lower, higher when the victim was satisfied with being kept informed); the
``kept_informed`` item is drawn first (from time to outcome only, with independent noise), the
other three items share the whole experience's latent score.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from vawg.synth.areas import AreaModel
from vawg.synth.params import PublicSurveyEffects, VictimSurveyEffects

__all__ = ["PUBLIC_SURVEY_SIZE", "SurveyResult", "public_survey", "victim_survey"]

PUBLIC_SURVEY_SIZE = 8_200
AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")
_SELECT_SEX = {"F": 2.3, "M": 1.0}
_SELECT_AGE = (0.55, 0.9, 1.3, 1.5, 1.3, 0.7)
_HARASS_F = (0.62, 0.52, 0.40, 0.32, 0.22, 0.12)  # P(harassed) for women by age band
_HARASS_MALE_ODDS = 0.30  # odds ratio for men
_REPORT = (0.23, 0.30, 0.36, 0.41, 0.44, 0.47)  # P(reported | harassed) by age band
_REPORT_NULL = 0.36
_HARASS_NULL = 0.35
_DAY_MEAN, _DAY_SD, _NIGHT_EXTRA_SD = 3.9, 0.9, 0.6
_DAY_AGE = (0.1, 0.05, 0.0, 0.0, -0.05, -0.2)
_NONRESPONSE = 0.03
_ITEM_OFFSETS = {"ease_of_contact": (0.4, 0.8), "actions_taken": (-0.1, 0.7),
                 "kept_informed": (-0.3, 0.8), "treatment": (0.6, 0.7)}  # fmt: skip
_KEPT_INFORMED_PER_YEAR = -0.3
_SATISFIED_FROM = 5  # "satisfied": a score of 5, 6 or 7 (Home Office convention)

# Free-text reasons, keyed by the survey analysis' theme names (``vawg.survey.themes``): every
# theme the classifier knows is written, each wording mentioning that theme only, so the planted
# shares are what the classifier should find.
_REASONS: dict[str, tuple[str, ...]] = {
    "nothing would be done": (
        "didn't think they would do anything",
        "They wouldn't have done anything about it",
        "no point, nothing would be done",
        "they never do anything anyway",
        "It would have been a waste of time",
    ),
    "not serious enough / part of life": (
        "too trivial to report",
        "it happens all the time, it's just normal",
        "didn't seem serious enough",
        "Just part of being a woman unfortunately",
        "felt it was too minor",
        "you just get used to it",
    ),
    "would not be believed or taken seriously": (
        "didn't think I would be believed",
        "they wouldn't take me seriously",
        "They'd say it was my fault",
        "felt I'd be judged for what I was wearing",
    ),
    "fear of the offender or reprisal": (
        "fear of reprisal",
        "scared he would find out",
        "worried it would make things worse",
        "afraid of what they might do",
    ),
    "did not know how or where to report": (
        "didn't know how to report it",
        "not sure who to tell",
        "Didn't know it was something you could report",
        "didn't know where to go",
    ),
    "no evidence / could not identify them": (
        "no evidence, it was my word against his",
        "didn't see his face, he ran off",
        "It was a stranger and I couldn't describe him",
        "couldn't prove it",
    ),
    "distrust of the police": (
        "I don't trust the police",
        "had a bad experience with them before",
        "no confidence in the police round here",
        "the police don't care about this sort of thing",
    ),
    "embarrassment or shame": (
        "embarrassed",
        "too embarrassed to tell anyone",
        "felt ashamed",
        "didn't want people to know",
    ),
    "dealt with it myself / private matter": (
        "dealt with it myself",
        "I handled it",
        "sorted it out myself",
        "told him to stop and moved away",
    ),
    "too much hassle or time": (
        "too much hassle",
        "didn't want the hassle of a court case",
        "it would take too much time",
        "couldn't face all the paperwork",
    ),
}
_REASON_SHARES = (0.27, 0.19, 0.06, 0.10, 0.08, 0.07, 0.08, 0.05, 0.06, 0.04)


@dataclass(frozen=True)
class SurveyResult:
    """A survey table and the truth to record about it."""

    table: pl.DataFrame
    truth: dict[str, Any]


def _rounded_normal_mean(mu: float, sd: float, lo: int, hi: int) -> float:
    """E[clip(round(N(mu, sd)), lo, hi)] exactly, via the normal CDF."""

    def cdf(x: float) -> float:
        return 0.5 * (1 + math.erf((x - mu) / (sd * math.sqrt(2))))

    total = 0.0
    for k in range(lo, hi + 1):
        upper = 1.0 if k == hi else cdf(k + 0.5)
        lower = 0.0 if k == lo else cdf(k - 0.5)
        total += k * (upper - lower)
    return total


def _share(flags: pl.Series) -> float:
    """Share of True in a boolean series (0 when empty)."""
    return float(flags.cast(pl.Float64).to_numpy().mean()) if flags.len() else 0.0


def _logit(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    return np.asarray(np.log(p / (1 - p)), dtype=np.float64)


def _scores(latent: npt.NDArray[np.float64], hi: int) -> npt.NDArray[np.int64]:
    return np.clip(np.round(latent), 1, hi).astype(np.int64)


def _with_missing(values: pl.Series, rng: np.random.Generator) -> pl.Series:
    miss = pl.Series(rng.random(values.len()) < _NONRESPONSE)
    return pl.select(pl.when(miss).then(None).otherwise(values)).to_series().alias(values.name)


def public_survey(
    district_population: pl.DataFrame, eff: PublicSurveyEffects, rng: np.random.Generator
) -> SurveyResult:
    """The 8,200-respondent public survey and its population-level truth."""
    cells = district_population.filter(pl.col("age_band").is_in(AGE_BANDS)).sort(
        "district", "sex", "age_band"
    )
    district = cells["district"].to_numpy()
    sex = cells["sex"].to_numpy()
    age = np.searchsorted(np.asarray(AGE_BANDS), cells["age_band"].to_numpy())
    pop = cells["population"].to_numpy().astype(np.float64)
    female = sex == "F"

    harass_shift = dict(eff.district_harassment_log_odds)
    night_shift = dict(eff.district_night_safety_shift)
    d_h = np.array([harass_shift.get(d, 0.0) for d in district])
    d_n = np.array([night_shift.get(d, 0.0) for d in district])
    if eff.age_gradient:
        base = _logit(np.asarray(_HARASS_F)[age]) + np.where(
            female, 0.0, math.log(_HARASS_MALE_ODDS)
        )
        p_report = np.asarray(_REPORT)[age]
        day_mu = _DAY_MEAN + np.asarray(_DAY_AGE)[age] - 0.2 * female
    else:
        base = np.full(age.size, math.log(_HARASS_NULL / (1 - _HARASS_NULL)))
        p_report = np.full(age.size, _REPORT_NULL)
        day_mu = np.full(age.size, _DAY_MEAN)
    p_harass = 1 / (1 + np.exp(-(base + d_h)))
    night_mu = day_mu + eff.night_minus_day + eff.female_night_shift * female + d_n

    select = pop * np.vectorize(_SELECT_SEX.get)(sex) * np.asarray(_SELECT_AGE)[age]
    counts = rng.multinomial(PUBLIC_SURVEY_SIZE, select / select.sum())
    cell = np.repeat(np.arange(cells.height), counts)
    cell = cell[rng.permutation(cell.size)]
    n = cell.size
    harassed = rng.random(n) < p_harass[cell]
    reported = rng.random(n) < p_report[cell]
    day_latent = day_mu[cell] + rng.normal(0, _DAY_SD, n)
    night_latent = day_latent + (night_mu - day_mu)[cell] + rng.normal(0, _NIGHT_EXTRA_SD, n)
    theme = np.searchsorted(
        np.cumsum(_REASON_SHARES), rng.random(n) * sum(_REASON_SHARES), side="right"
    )
    theme = np.minimum(theme, len(_REASONS) - 1)
    texts = [np.asarray(v) for v in _REASONS.values()]
    pick = rng.random(n)
    reason = np.array([""] * n, dtype=object)
    for t, options in enumerate(texts):
        m = theme == t
        reason[m] = options[np.minimum((pick[m] * options.size).astype(np.int64), options.size - 1)]
    sex_out = np.where(rng.random(n) < 0.01, "U", sex[cell])

    harass_txt = _with_missing(
        pl.Series("experienced_harassment", np.where(harassed, "Y", "N")), rng
    )
    reported_txt = pl.select(
        pl.when(harass_txt == "Y").then(pl.Series(np.where(reported, "Y", "N"))).otherwise(None)
    ).to_series()
    reported_txt = _with_missing(reported_txt.alias("reported"), rng)
    give_reason = (reported_txt == "N").fill_null(False) & pl.Series(rng.random(n) < 0.85)
    table = pl.DataFrame(
        {
            "respondent_id": [f"R{i:05d}" for i in range(1, n + 1)],
            "district": district[cell],
            "age_band": np.asarray(AGE_BANDS)[age[cell]],
            "sex": sex_out,
        }
    ).with_columns(
        _with_missing(pl.Series("feel_safe_town_day", _scores(day_latent, 5)), rng),
        _with_missing(pl.Series("feel_safe_town_night", _scores(night_latent, 5)), rng),
        harass_txt,
        reported_txt,
        pl.select(pl.when(give_reason).then(pl.Series(reason.astype(str))).otherwise(None))
        .to_series()
        .alias("reason_not_reported"),
    )
    w = pop / pop.sum()
    victims_w = w * p_harass
    sd_night = math.hypot(_DAY_SD, _NIGHT_EXTRA_SD)
    harassed_sample = table.filter(pl.col("experienced_harassment") == "Y")
    answered = harassed_sample.filter(pl.col("reported").is_not_null())
    truth = {
        "respondents": n,
        "population_16_plus": {
            "harassment_prevalence": float(victims_w.sum()),
            "share_victims_not_reporting": float(
                (victims_w * (1 - p_report)).sum() / victims_w.sum()
            ),
            "mean_feel_safe_day": float(
                sum(
                    wi * _rounded_normal_mean(m, _DAY_SD, 1, 5)
                    for wi, m in zip(w, day_mu, strict=True)
                )
            ),
            "mean_feel_safe_night": float(
                sum(
                    wi * _rounded_normal_mean(m, sd_night, 1, 5)
                    for wi, m in zip(w, night_mu, strict=True)
                )
            ),
        },
        "raw_sample": {
            "share_female": _share(table["sex"] == "F"),
            "harassment_prevalence": _share(table["experienced_harassment"].drop_nulls() == "Y"),
            "share_victims_not_reporting": _share(answered["reported"] == "N"),
        },
        "selection": {
            "sex": _SELECT_SEX,
            "age_band": dict(zip(AGE_BANDS, _SELECT_AGE, strict=True)),
        },
        "model": {
            "p_harassed_female_by_age": dict(zip(AGE_BANDS, _HARASS_F, strict=True))
            if eff.age_gradient
            else _HARASS_NULL,
            "male_odds_ratio": _HARASS_MALE_ODDS if eff.age_gradient else 1.0,
            "p_reported_by_age": dict(zip(AGE_BANDS, _REPORT, strict=True))
            if eff.age_gradient
            else _REPORT_NULL,
            "day_latent_mean": _DAY_MEAN,
            "day_sd": _DAY_SD,
            "night_extra_sd": _NIGHT_EXTRA_SD,
            "nonresponse_per_item": _NONRESPONSE,
            "reason_themes": dict(zip(_REASONS, _REASON_SHARES, strict=True)),
        },
    }
    return SurveyResult(table=table, truth=truth)


def _outcome_group(code: pl.Expr) -> pl.Expr:
    return (
        pl.when(code == 1).then(pl.lit("charged"))
        .when(code.is_in([2, 3, 6, 8])).then(pl.lit("out_of_court"))
        .when(code == 15).then(pl.lit("evidential_difficulties_victim_supports"))
        .when(code.is_in([14, 16])).then(pl.lit("victim_does_not_support"))
        .when(code == 18).then(pl.lit("no_suspect_identified"))
        .otherwise(pl.lit("other"))
    )  # fmt: skip


def victim_survey(
    crimes: pl.DataFrame,
    involvements: pl.DataFrame,
    people: pl.DataFrame,
    areas: AreaModel,
    start: date,
    end: date,
    extract_date: date,
    scale: float,
    eff: VictimSurveyEffects,
    rng: np.random.Generator,
) -> SurveyResult:
    """Victims' satisfaction survey, mostly linked to crimes with an outcome."""
    n_target = max(200, round(1500 * scale))
    # Lazy, so that only the columns used are joined: at national scale the involvements have
    # tens of millions of rows and an eager join held a copy of all of them.
    sexes = (
        involvements.lazy()
        .select("crime_ref", "person_id", "role")
        .join(people.lazy().select("person_id", "sex"), on="person_id")
    )
    victim = pl.col("role") == "victim"
    f_victim = sexes.filter(victim & (pl.col("sex") == "F")).select("crime_ref").unique()
    m_suspect = sexes.filter(~victim & (pl.col("sex") == "M")).select("crime_ref").unique()
    candidates = (
        crimes.lazy()
        .filter(
            pl.col("outcome_code").is_not_null()
            & pl.col("recorded_date").is_between(start, end)
            & (pl.col("outcome_date") <= extract_date - timedelta(days=90))
        )
        .select("crime_ref", "recorded_date", "outcome_code", "outcome_date", "lsoa_code")
        .join(f_victim, on="crime_ref", how="semi")
        .join(m_suspect, on="crime_ref", how="semi")
        .join(areas.table.lazy().select("lsoa_code", "district"), on="lsoa_code")
        .select("crime_ref", "recorded_date", "outcome_code", "outcome_date", "district")
        .sort("crime_ref")
        .collect()
    )
    take = min(n_target, candidates.height)
    chosen = candidates[np.sort(rng.choice(candidates.height, take, replace=False))]
    chosen = chosen[rng.permutation(take)]
    n = chosen.height
    linked = rng.random(n) < 0.9
    groups = chosen.select(_outcome_group(pl.col("outcome_code")).alias("g"))["g"].to_numpy()
    coef = np.array(
        [getattr(eff, g, 0.0) if g != "other" else 0.0 for g in groups], dtype=np.float64
    )
    years = (chosen["outcome_date"] - chosen["recorded_date"]).dt.total_days().to_numpy() / 365.25
    base = eff.intercept + coef + eff.per_year_to_outcome * years
    # Kept informed first: its own offset and trend, noise independent of the whole
    # experience's, and no outcome-group term, so that merging small outcome groups in a model
    # cannot confound its effect (it depends on the outcome only through the time taken).
    ki_offset, ki_sd = _ITEM_OFFSETS["kept_informed"]
    kept = _scores(
        eff.intercept
        + eff.per_year_to_outcome * years
        + ki_offset
        + _KEPT_INFORMED_PER_YEAR * years
        + rng.normal(0, math.hypot(eff.noise_sd, ki_sd), n),
        7,
    )
    latent = base + eff.kept_informed * (kept >= _SATISFIED_FROM) + rng.normal(0, eff.noise_sd, n)
    lag = rng.integers(14, 91, n)
    survey_date = chosen["outcome_date"].to_numpy().astype("datetime64[D]") + lag
    items: dict[str, Any] = {}
    for name, (offset, sd) in _ITEM_OFFSETS.items():
        if name == "kept_informed":
            items[name] = kept
            continue
        items[name] = _scores(latent + offset + rng.normal(0, sd, n), 7)
    table = pl.DataFrame(
        {
            "response_id": [f"VS{i:06d}" for i in range(1, n + 1)],
            "crime_ref": chosen.select(
                pl.when(pl.Series(linked)).then(pl.col("crime_ref")).otherwise(None)
            ).to_series(),
            "district": chosen["district"],
            "survey_date": pl.Series(survey_date).cast(pl.Date),
            **items,
            "whole_experience": _scores(latent, 7),
        }
    )
    truth = {
        "responses": n,
        "linked": int(linked.sum()),
        "target_responses": n_target,
        "whole_experience_model": {
            "intercept": eff.intercept,
            "charged": eff.charged,
            "out_of_court": eff.out_of_court,
            "evidential_difficulties_victim_supports": eff.evidential_difficulties_victim_supports,
            "victim_does_not_support": eff.victim_does_not_support,
            "no_suspect_identified": eff.no_suspect_identified,
            "other (reference)": 0.0,
            "per_year_to_outcome": eff.per_year_to_outcome,
            "kept_informed": eff.kept_informed,
            "kept_informed_definition": (
                "shift of the latent whole experience when the kept_informed item is "
                f"{_SATISFIED_FROM}-7 (satisfied); the item is drawn before, from intercept + "
                "offset + trend in years to outcome with noise independent of the whole "
                "experience's (no outcome-group term)"
            ),
            "noise_sd": eff.noise_sd,
            "outcome_groups": {
                "charged": [1],
                "out_of_court": [2, 3, 6, 8],
                "evidential_difficulties_victim_supports": [15],
                "victim_does_not_support": [14, 16],
                "no_suspect_identified": [18],
                "other": "all other outcome types",
            },
            "scale": "latent rounded and clipped to 1-7",
        },
        "other_items": {k: {"offset": o, "noise_sd": s} for k, (o, s) in _ITEM_OFFSETS.items()}
        | {"kept_informed_noise_sd": math.hypot(eff.noise_sd, _ITEM_OFFSETS["kept_informed"][1])}
        | {"kept_informed_extra_per_year": _KEPT_INFORMED_PER_YEAR},
        "survey_date": "outcome_date + 14..90 days",
    }
    return SurveyResult(table=table, truth=truth)
