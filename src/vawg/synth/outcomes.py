"""Home Office outcomes, time to outcome, and criminal-justice (CPS and court) events.

Each crime draws an outcome type (1–22) from a mix that depends on its *profile* (domestic
violence, domestic course of conduct, rape, other sexual, non-domestic violence, non-domestic
harassment/stalking, drink spiking, other; crimes with no identified suspect and boys under 18
have their own mixes). The mixes are illustrative of published England & Wales patterns, not
Kent's: many evidential-difficulty outcomes (14/15/16) for domestic abuse, a rape charge rate
of about 6%, higher charge rates for violence than harassment. Time to outcome is lognormal
with a median that depends on the outcome (quick victim withdrawals, slow charges) and the
profile (rape investigations take longest). If the outcome date falls after the extract date
the crime is still under investigation (outcome empty), so recent crimes are more often open.
Outcome 22 did not exist before 2019-04-01 (such crimes get 21 instead); outcome 2 (youth
caution) only goes to boys, 3 (adult caution) only to adults.

Charged crimes (and CPS no-further-action decisions on some 9/15 outcomes) get CJS events:
charge decision, first hearing (plea), trial, verdict, each after the last, dropped if after
the extract date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from vawg.synth.crimes import (
    COERCIVE,
    DRINK,
    HARASSMENT,
    OTHER,
    OTHER_SEXUAL,
    RAPE,
    STALKING,
)
from vawg.synth.sampling import categorical

__all__ = ["OUTCOME_MIX", "PROFILES", "Outcomes", "assign_outcomes", "outcome_parameters"]

IntArray = npt.NDArray[np.int64]

PROFILES = (
    "da_violence",
    "da_course_of_conduct",
    "rape",
    "other_sexual",
    "non_da_violence",
    "non_da_harassment_stalking",
    "drink_spiking",
    "other_non_da",
    "no_suspect",
    "youth_suspect",
)

# Outcome type -> percentage, by profile (normalised in code).
OUTCOME_MIX: dict[str, dict[int, float]] = {
    "da_violence": {1: 11, 3: 1.5, 5: 0.1, 8: 1, 9: 0.5, 10: 1, 12: 0.3, 13: 0.3, 14: 6,
                    15: 22, 16: 48, 17: 0.5, 18: 2, 20: 0.5, 21: 3.5, 22: 0.8},
    "da_course_of_conduct": {1: 7, 3: 1.5, 8: 1, 9: 0.5, 10: 1, 14: 8, 15: 25, 16: 47,
                             17: 1, 18: 3, 20: 0.5, 21: 4, 22: 0.8},
    "rape": {1: 6.5, 5: 0.1, 9: 0.5, 12: 0.5, 13: 0.5, 14: 10, 15: 38, 16: 38, 18: 3,
             20: 0.5, 21: 1},
    "other_sexual": {1: 10, 3: 2, 8: 1, 9: 0.5, 14: 9, 15: 33, 16: 33, 18: 6, 20: 1, 21: 2,
                     22: 0.5},
    "non_da_violence": {1: 13, 3: 3, 6: 0.3, 8: 4, 14: 8, 15: 25, 16: 32, 18: 10, 20: 1,
                        21: 2, 22: 1},
    "non_da_harassment_stalking": {1: 8, 3: 2, 8: 4, 14: 9, 15: 25, 16: 33, 18: 12, 20: 1,
                                   21: 3, 22: 1},
    "drink_spiking": {1: 2, 14: 10, 15: 30, 16: 10, 18: 45, 20: 1, 21: 2},
    "other_non_da": {1: 8, 3: 2, 8: 6, 14: 15, 15: 10, 16: 8, 18: 48, 20: 1, 21: 2},
    "no_suspect": {14: 20, 15: 1, 18: 75, 20: 2, 21: 2},
    "youth_suspect": {1: 6, 2: 4, 8: 10, 10: 4, 14: 6, 15: 20, 16: 35, 18: 2, 21: 8, 22: 5},
}  # fmt: skip

# Median days from recording to outcome, by outcome, times a profile multiplier; sigma of log.
_BASE_MEDIAN = {1: 30.0, 2: 45.0, 3: 45.0, 6: 30.0, 8: 30.0, 14: 30.0, 15: 90.0, 16: 20.0,
                18: 21.0, 20: 30.0, 21: 60.0, 22: 45.0}  # fmt: skip
_OTHER_MEDIAN = 120.0
_PROFILE_MULTIPLIER = (1.0, 1.3, 4.0, 2.5, 1.2, 1.1, 1.5, 1.0, 1.0, 1.2)
_SIGMA = 1.0

# CJS: P(first-hearing plea), P(trial result), P(guilty verdict), CPS NFA share of 15s.
_CJS = {
    "sexual": {"guilty_plea": 0.30, "not_guilty_plea": 0.65, "trial_held": 0.75,
               "late_guilty_plea": 0.12, "guilty_verdict": 0.50, "trial_median": 420.0,
               "cps_nfa_15": 0.35},
    "other": {"guilty_plea": 0.60, "not_guilty_plea": 0.33, "trial_held": 0.55,
              "late_guilty_plea": 0.20, "guilty_verdict": 0.55, "trial_median": 110.0,
              "cps_nfa_15": 0.10},
}  # fmt: skip
_OUTCOME_22_START = np.datetime64("2019-04-01").astype(np.int64)


@dataclass(frozen=True)
class Outcomes:
    """Per-crime outcome (0 = still under investigation) and day; CJS events as a frame."""

    code: IntArray
    day: IntArray  # days since 1970-01-01; meaningless where code == 0
    profile: IntArray
    cjs: pl.DataFrame  # crime (row index), stage, day, result


def _profile(
    group: IntArray,
    domestic: npt.NDArray[np.bool_],
    has_suspect: npt.NDArray[np.bool_],
    youth: npt.NDArray[np.bool_],
) -> IntArray:
    course = np.isin(group, (STALKING, HARASSMENT, COERCIVE))
    prof = np.select(
        [group == RAPE, group == OTHER_SEXUAL, group == DRINK, domestic & course, domestic],
        [2, 3, 6, 1, 0],
        np.where(group == OTHER, 7, np.where(course, 5, 4)),
    )
    prof = np.where(youth, 9, prof)
    return np.where(has_suspect, prof, 8).astype(np.int64)


def _mix_matrix(differences: bool) -> npt.NDArray[np.float64]:
    mat = np.zeros((len(PROFILES), 23))
    for i, name in enumerate(PROFILES):
        source = name if differences or name == "no_suspect" else "da_violence"
        for code, pct in OUTCOME_MIX[source].items():
            mat[i, code] = pct
    return np.asarray(mat / mat.sum(axis=1, keepdims=True), dtype=np.float64)


def _cjs_events(
    crime: IntArray,
    start_day: IntArray,
    sexual: npt.NDArray[np.bool_],
    nfa: IntArray,
    nfa_day: IntArray,
    extract_day: int,
    rng: np.random.Generator,
) -> pl.DataFrame:
    n = crime.size
    p = {k: np.where(sexual, _CJS["sexual"][k], _CJS["other"][k]) for k in _CJS["other"]}
    hearing = start_day + 1 + np.floor(rng.lognormal(np.log(21.0), 0.6, n)).astype(np.int64)
    u = rng.random(n)
    plea = np.where(
        u < p["guilty_plea"],
        "guilty_plea",
        np.where(u < p["guilty_plea"] + p["not_guilty_plea"], "not_guilty_plea", "discontinued"),
    )
    trial_day = (
        hearing + 1 + np.floor(rng.lognormal(np.log(p["trial_median"]), 0.5)).astype(np.int64)
    )
    u2 = rng.random(n)
    trial = np.where(
        u2 < p["trial_held"],
        "trial_held",
        np.where(u2 < p["trial_held"] + p["late_guilty_plea"], "guilty_plea", "discontinued"),
    )
    verdict_day = np.where(trial == "trial_held", trial_day + rng.integers(0, 5, n), trial_day)
    verdict = np.where(rng.random(n) < p["guilty_verdict"], "guilty", "not_guilty")
    has_trial = plea == "not_guilty_plea"
    frames = [
        (crime, "charge_decision", start_day, np.full(n, "charged"), np.ones(n, dtype=bool)),
        (crime, "first_hearing", hearing, plea, np.ones(n, dtype=bool)),
        (crime, "trial", trial_day, trial, has_trial),
        (crime, "verdict", hearing, np.full(n, "guilty"), plea == "guilty_plea"),
        (crime, "verdict", trial_day, np.full(n, "guilty"), has_trial & (trial == "guilty_plea")),
        (crime, "verdict", verdict_day, verdict, has_trial & (trial == "trial_held")),
        (
            nfa,
            "charge_decision",
            nfa_day,
            np.full(nfa.size, "no_further_action"),
            np.ones(nfa.size, dtype=bool),
        ),
    ]
    parts = [
        pl.DataFrame(
            {"crime": c[m], "stage": np.full(int(m.sum()), s), "day": d[m], "result": r[m]}
        )
        for c, s, d, r, m in frames
    ]
    events = pl.concat(parts, how="vertical").filter(pl.col("day") <= extract_day)
    # A later stage cannot exist without the earlier ones (all on or after them by construction).
    return events.with_columns(pl.col("crime").cast(pl.Int64), pl.col("day").cast(pl.Int64))


def assign_outcomes(
    group: IntArray,
    domestic: npt.NDArray[np.bool_],
    has_suspect: npt.NDArray[np.bool_],
    youth_suspect: npt.NDArray[np.bool_],
    recorded_day: IntArray,
    extract_day: int,
    differences: bool,
    rng: np.random.Generator,
) -> Outcomes:
    """Outcome type, outcome day and CJS events for every crime."""
    n = group.size
    profile = _profile(group, domestic, has_suspect, youth_suspect)
    mix = _mix_matrix(differences)
    code = categorical(mix, profile, rng)
    median = np.array([_BASE_MEDIAN.get(c, _OTHER_MEDIAN) for c in range(23)])[code]
    mult = np.asarray(_PROFILE_MULTIPLIER)[profile] if differences else np.ones(n)
    days = np.floor(rng.lognormal(np.log(median * mult), _SIGMA)).astype(np.int64)
    day = recorded_day + days
    code = np.where((code == 22) & (day < _OUTCOME_22_START), 21, code)
    code = np.where(day > extract_day, 0, code).astype(np.int64)

    sexual = np.isin(group, (RAPE, OTHER_SEXUAL)) if differences else np.zeros(n, dtype=bool)
    charged = np.flatnonzero(code == 1)
    nfa_15 = np.where(sexual, _CJS["sexual"]["cps_nfa_15"], _CJS["other"]["cps_nfa_15"])
    nfa_mask = (code == 9) | ((code == 15) & (rng.random(n) < nfa_15))
    nfa = np.flatnonzero(nfa_mask)
    cjs = _cjs_events(charged, day[charged], sexual[charged], nfa, day[nfa], extract_day, rng)
    return Outcomes(code=code, day=day.astype(np.int64), profile=profile, cjs=cjs)


def outcome_parameters(differences: bool) -> dict[str, Any]:
    """The planted outcome mixes, medians and CJS probabilities, for truth.json."""
    mix = _mix_matrix(differences)
    return {
        "outcome_differences": differences,
        "mix_by_profile": {
            name: {str(c): round(float(mix[i, c]), 6) for c in range(1, 23) if mix[i, c] > 0}
            for i, name in enumerate(PROFILES)
        },
        "median_days_base_by_outcome": {str(k): v for k, v in _BASE_MEDIAN.items()},
        "median_days_other_outcomes": _OTHER_MEDIAN,
        "median_multiplier_by_profile": dict(
            zip(
                PROFILES,
                _PROFILE_MULTIPLIER if differences else (1.0,) * len(PROFILES),
                strict=True,
            )
        ),
        "lognormal_sigma": _SIGMA,
        "cjs": _CJS,
        "outcome_22_from": "2019-04-01",
    }
