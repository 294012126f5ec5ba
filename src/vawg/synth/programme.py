"""A perpetrator programme with a planted, recorded hazard ratio.

The Kent PCC funded "a bespoke offender rehabilitation scheme"; this is its synthetic stand-in,
``Choices`` (an ASSUMED name). Referral: on each of ``referrals_per_scale x scale`` random days
of the referral window, one domestic abuse perpetrator (an adult man of the core population)
is referred, chosen at random among those not referred before who had a crime in the last 90
days and two or more in the last two years (a referral follows recent, repeated abuse, as a
MARAC or probation referral would; who is referred among them is chance, so a comparison
group matched on that history is fair). Each starts 7 to 42 days after referral; ``completion_share`` complete it 26 weeks later, the others leave after 2
to 17 weeks; those still on it when the data end have neither an end date nor a completion.

The effect: from his referral (assessment, risk management and the programme's work begin
then), each of a participant's crimes (whichever victim) is prevented with probability
``1 - hazard_ratio``. Thinning a person's offending in this way multiplies his hazard of a next
offence by ``hazard_ratio`` at every time after referral (given his own offending rate). A Cox model across people estimates the average over people of
differing rates, which drifts slightly towards 1 as follow-up lengthens (frailty, Aalen 1994);
the truth records the planted, per-person value. Completers and non-completers get the same
effect (the planted programme works from the start, whether or not it is finished).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from vawg.synth.params import ProgrammeEffects

__all__ = ["PROGRAMME_NAME", "ProgrammePlan", "plant_programme"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
PROGRAMME_NAME = "Choices"
_DAY0 = date(1970, 1, 1)
_COMPLETE_DAYS = 182
_LOOKBACK_DAYS = 730
_RECENT_DAYS = 90
_LAG_DAYS = 30  # censoring before the extract date, as an analysis must allow for recording


def _marginal_hazard_ratio(
    perps: IntArray,
    origin: IntArray,
    crime_perp: IntArray,
    committed_day: IntArray,
    after: BoolArray,
    prevented: BoolArray,
    censor_day: int,
) -> float | None:
    """The Cox hazard ratio of the participants' actual against counterfactual reoffending,
    from the ``origin`` day (referral) of each."""
    from statsmodels.duration.hazard_regression import PHReg
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    if perps.size < 10:
        return None
    rows = np.flatnonzero(after & (committed_day <= censor_day))
    first_all = np.full(int(crime_perp.max(initial=0)) + 1, np.iinfo(np.int64).max)
    first_kept = first_all.copy()
    np.minimum.at(first_all, crime_perp[rows], committed_day[rows])
    kept_rows = rows[~prevented[rows]]
    np.minimum.at(first_kept, crime_perp[kept_rows], committed_day[kept_rows])
    horizon = (censor_day - origin).astype(np.float64)
    times, events = [], []
    for first in (first_kept[perps], first_all[perps]):
        seen = first <= censor_day
        times.append(np.where(seen, first - origin, horizon))
        events.append(seen.astype(np.float64))
    time = np.concatenate(times)
    keep = time > 0
    status = np.concatenate(events)
    actual = np.concatenate([np.ones(perps.size), np.zeros(perps.size)])
    groups = np.concatenate([np.arange(perps.size), np.arange(perps.size)])
    if status[keep & (actual == 1)].sum() == 0 or status[keep & (actual == 0)].sum() == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            fit = PHReg(time[keep], actual[keep, None], status=status[keep], ties="efron").fit(
                groups=groups[keep]
            )
        except (ConvergenceWarning, np.linalg.LinAlgError):
            return None
    return float(np.exp(np.asarray(fit.params)[0]))


@dataclass(frozen=True)
class ProgrammePlan:
    """Participants (perpetrator indices and days since 1970-01-01) and the prevented crimes.

    ``completed`` is 1 (completed), 0 (left early) or -1 (still on it when the data end);
    ``end_day`` is -1 when there is no end date.
    """

    perp: IntArray
    referral_day: IntArray
    start_day: IntArray
    completed: IntArray
    end_day: IntArray
    prevented: BoolArray
    truth: dict[str, Any]


def plant_programme(
    crime_perp: IntArray,
    eligible_perp: BoolArray,
    committed_day: IntArray,
    kept: BoolArray,
    last_day: int,
    scale: float,
    effects: ProgrammeEffects,
    rng: np.random.Generator,
) -> ProgrammePlan:
    """Refer, start and end the participants, and thin their crimes after the start.

    ``crime_perp`` is each crime's perpetrator (-1 = none identified); ``eligible_perp`` marks
    the perpetrators who may be referred; ``kept`` the crimes that reach the extract.
    """
    first = (date.fromisoformat(effects.referral_window[0]) - _DAY0).days
    last = (date.fromisoformat(effects.referral_window[1]) - _DAY0).days
    ok = (crime_perp >= 0) & kept
    ok &= eligible_perp[np.maximum(crime_perp, 0)]
    rows = np.flatnonzero(ok)
    by_day = rows[np.argsort(committed_day[rows], kind="stable")]
    day_sorted, perp_sorted = committed_day[by_day], crime_perp[by_day]
    wanted = round(effects.referrals_per_scale * scale)
    chosen: dict[int, int] = {}  # perpetrator -> referral day
    taken = np.zeros(int(crime_perp.max(initial=-1)) + 1, dtype=bool)  # chosen, by perpetrator
    eligible_seen = 0
    for referral in np.sort(rng.integers(first, last + 1, wanted)):
        lo, mid, hi = np.searchsorted(
            day_sorted, [referral - _LOOKBACK_DAYS, referral - _RECENT_DAYS, referral]
        )
        recent = np.unique(perp_sorted[mid:hi])
        if recent.size == 0:
            continue
        counts = np.bincount(perp_sorted[lo:hi], minlength=int(recent.max()) + 1)[recent]
        candidates = recent[(counts >= 2) & ~taken[recent]]
        eligible_seen = max(eligible_seen, candidates.size)
        if candidates.size:
            pick = int(candidates[int(rng.integers(candidates.size))])
            chosen[pick] = int(referral)
            taken[pick] = True
    perps = np.asarray(list(chosen), dtype=np.int64)
    referral_day = np.asarray(list(chosen.values()), dtype=np.int64)
    start_day = referral_day + rng.integers(7, 43, perps.size)
    completes = rng.random(perps.size) < effects.completion_share
    end_day = np.where(
        completes, start_day + _COMPLETE_DAYS, start_day + rng.integers(14, 120, perps.size)
    ).astype(np.int64)
    ongoing = end_day > last_day
    completed = np.where(ongoing, -1, completes.astype(np.int64)).astype(np.int64)
    end_day = np.where(ongoing, -1, end_day).astype(np.int64)

    referred_of = np.full(
        int(crime_perp.max(initial=-1)) + 1, np.iinfo(np.int64).max, dtype=np.int64
    )
    referred_of[perps] = referral_day
    since_referral = (crime_perp >= 0) & (committed_day > referred_of[np.maximum(crime_perp, 0)])
    prevented = since_referral & (rng.random(crime_perp.size) >= effects.hazard_ratio)
    marginal = _marginal_hazard_ratio(
        perps,
        referral_day,
        crime_perp,
        committed_day,
        kept & since_referral,
        prevented,
        last_day - _LAG_DAYS,
    )
    return ProgrammePlan(
        perp=perps,
        referral_day=referral_day,
        start_day=start_day,
        completed=completed,
        end_day=end_day,
        prevented=prevented,
        truth={
            "programme": PROGRAMME_NAME,
            "hazard_ratio": effects.hazard_ratio,
            "hazard_ratio_marginal": marginal,
            "hazard_ratio_completers": effects.hazard_ratio,
            "hazard_ratio_non_completers": effects.hazard_ratio,
            "participants": int(perps.size),
            "completed": int((completed == 1).sum()),
            "left_early": int((completed == 0).sum()),
            "still_on_it": int((completed == -1).sum()),
            "eligible_on_a_referral_day_at_most": int(eligible_seen),
            "prevented_crimes": int(prevented.sum()),
            "referral_window": list(effects.referral_window),
            "referral_rule": (
                "on each of referrals_per_scale x scale random days of the referral window, one "
                "domestic abuse perpetrator (core adult man) is referred, at random among those "
                "with a crime in the last 90 days and two or more in the last 730 who have not "
                "been referred before; start 7-42 days after referral"
            ),
            "effect": (
                "each crime of a participant committed after his start date is prevented with "
                "probability 1 - hazard_ratio (any victim), so his hazard of a next offence is "
                "multiplied by hazard_ratio; a Cox model across people estimates "
                "hazard_ratio_marginal: the participants' time from referral to their next "
                "crime against the same men's time had none of their crimes been prevented "
                "(censored 30 days before the extract date); it is nearer 1 than hazard_ratio "
                "because the weeks from referral to start have no effect and because men "
                "differ in how often they offend (frailty)"
            ),
        },
    )
