"""Reoffending after the index date: time to the next offence, and the harm of what followed.

* **Time to the next in-scope VAWG offence** (any victim), from the day after the index date
  to the day the next one was committed; censored at the data end (nobody is counted as not
  reoffending for longer than the data can see), or, for a comparison later referred himself,
  on the day of his referral.
* **Time to the next offence against the same victim**: the next offence against a woman he
  had offended against in the look-back before the index date.
* **Harm-weighted reoffending**: the harm (days, Cambridge Crime Harm Index style) of his
  in-scope offences in the ``programme_followup_days`` after the index date, for everyone who
  can be followed that long.

Kaplan-Meier curves (:func:`vawg.outcomes.survival.kaplan_meier`) and a Cox proportional
hazards model (statsmodels ``PHReg``, Efron ties) give the **hazard ratio** of participants
against their comparisons, with standard errors robust to the same person appearing more
than once (Lin & Wei 1989). The harm ratio is the participants' mean harm over the
comparisons', with a percentile bootstrap interval resampling matched sets (seeded).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from vawg.errors import ModelError
from vawg.outcomes.survival import kaplan_meier
from vawg.programme.cohort import OffenceHistory, index_days
from vawg.results import Estimate

__all__ = [
    "COX_CITATION",
    "CoxFit",
    "cox_hazard_ratio",
    "harm_ratio",
    "km_curves",
    "reoffending",
]

COX_CITATION = (
    "Cox DR (1972) Regression models and life-tables. JRSS B 34(2):187-220; Efron B (1977) The "
    "efficiency of Cox's likelihood function for censored data. JASA 72(359):557-565; Lin DY, "
    "Wei LJ (1989) The robust inference for the Cox proportional hazards model. JASA "
    "84(408):1074-1078; Kaplan EL, Meier P (1958) JASA 53:457-481; Austin PC (2014) The use of "
    "propensity score methods with survival or time-to-event outcomes. Stat Med "
    "33(7):1242-1258."
)
_Z = float(stats.norm.ppf(0.975))
IntArray = npt.NDArray[np.int64]


def reoffending(
    cohort: pl.DataFrame, history: OffenceHistory, last_day: int, lookback: int, followup: int
) -> pl.DataFrame:
    """``cohort`` with days, event, days_same_victim, event_same_victim and harm_followup
    (null when the follow-up is not complete)."""
    code_of = {p: i for i, p in enumerate(history.people)}
    order = np.lexsort((history.day, history.person))
    person, day, harm = history.person[order], history.day[order], history.harm[order]
    bounds = np.searchsorted(person, np.arange(len(history.people) + 1))
    p_order = np.lexsort((history.pair_day, history.pair_person))
    p_person = history.pair_person[p_order]
    p_day, p_victim = history.pair_day[p_order], history.pair_victim[p_order]
    p_bounds = np.searchsorted(p_person, np.arange(len(history.people) + 1))
    starts = index_days(cohort)
    stops = (
        np.minimum(cohort["censor_day"].to_numpy(), last_day)
        if "censor_day" in cohort.columns
        else np.full(cohort.height, last_day)
    )
    out: dict[str, list[float | int | None]] = {
        "days": [],
        "event": [],
        "days_same_victim": [],
        "event_same_victim": [],
        "harm_followup": [],
    }
    for pid, start, stop in zip(
        cohort["person_id"].to_list(), starts.tolist(), stops.tolist(), strict=True
    ):
        c = code_of[pid]
        days = day[bounds[c] : bounds[c + 1]]
        harms = harm[bounds[c] : bounds[c + 1]]
        after = days > start
        horizon = stop - start
        nxt = days[after & (days <= stop)]
        out["days"].append(int(nxt[0] - start) if nxt.size else horizon)
        out["event"].append(int(nxt.size > 0))
        pd_ = p_day[p_bounds[c] : p_bounds[c + 1]]
        pv = p_victim[p_bounds[c] : p_bounds[c + 1]]
        known = set(pv[(pd_ >= start - lookback) & (pd_ < start)].tolist())
        same = pd_[(pd_ > start) & (pd_ <= stop) & np.isin(pv, list(known))]
        out["days_same_victim"].append(int(same[0] - start) if same.size else horizon)
        out["event_same_victim"].append(int(same.size > 0))
        if start + followup <= stop:
            window = after & (days <= start + followup)
            out["harm_followup"].append(float(harms[window].sum()))
        else:
            out["harm_followup"].append(None)
    return cohort.with_columns(
        pl.Series("days", out["days"], dtype=pl.Int64),
        pl.Series("event", out["event"], dtype=pl.Int64),
        pl.Series("days_same_victim", out["days_same_victim"], dtype=pl.Int64),
        pl.Series("event_same_victim", out["event_same_victim"], dtype=pl.Int64),
        pl.Series("harm_followup", out["harm_followup"], dtype=pl.Float64),
    )


def km_curves(frame: pl.DataFrame, label: str, days: str, event: str) -> pl.DataFrame:
    """curve, group, days, at_risk, events, survival, ci_low, ci_high for participants and
    comparisons
    (``label`` names the curve set: any victim, same victim, completers ...)."""
    parts = []
    for group in ("participant", "comparison"):
        part = frame.filter(pl.col("group") == group)
        if part.is_empty():
            continue
        km = kaplan_meier(
            part[days].to_list(), [bool(e) for e in part[event].to_list()], [1] * part.height
        )
        low, high = km.pointwise()
        parts.append(
            pl.DataFrame(
                {
                    "curve": [label] * (km.days.size + 1),
                    "group": [group] * (km.days.size + 1),
                    "days": [0, *km.days.astype(np.int64).tolist()],
                    "at_risk": [part.height, *km.at_risk.astype(np.int64).tolist()],
                    "events": [0, *km.events.astype(np.int64).tolist()],
                    "survival": [1.0, *km.survival.tolist()],
                    "ci_low": [1.0, *low.tolist()],
                    "ci_high": [1.0, *high.tolist()],
                }
            )
        )
    if not parts:
        return pl.DataFrame(
            schema={
                "curve": pl.String,
                "group": pl.String,
                "days": pl.Int64,
                "at_risk": pl.Int64,
                "events": pl.Int64,
                "survival": pl.Float64,
                "ci_low": pl.Float64,
                "ci_high": pl.Float64,
            }
        )
    return pl.concat(parts)


@dataclass(frozen=True)
class CoxFit:
    """The hazard ratio of participants against comparisons, with the events behind it."""

    hazard_ratio: Estimate
    participants: int
    comparisons: int
    events_participants: int
    events_comparisons: int


def cox_hazard_ratio(frame: pl.DataFrame, days: str, event: str) -> CoxFit:
    """Cox model of ``days``/``event`` on being a participant, robust by person."""
    treated = (frame["group"] == "participant").cast(pl.Float64).to_numpy()
    time = frame[days].cast(pl.Float64).to_numpy()
    status = frame[event].cast(pl.Float64).to_numpy()
    n_t = int(treated.sum())
    e_t = int(status[treated == 1].sum())
    e_c = int(status[treated == 0].sum())
    if n_t == 0 or n_t == treated.size:
        raise ModelError("a Cox model needs both participants and comparisons")
    if e_t == 0 or e_c == 0:
        raise ModelError("no reoffence in one of the groups: the hazard ratio cannot be estimated")
    groups = frame["person_id"].cast(pl.Categorical).to_physical().to_numpy()
    model = PHReg(time, treated[:, None], status=status, ties="efron")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        try:
            fit = model.fit(groups=groups)
        except (ConvergenceWarning, np.linalg.LinAlgError):
            raise ModelError(
                "the Cox model did not converge: too few reoffences in one of the groups"
            ) from None
    beta = float(np.asarray(fit.params)[0])
    se = float(np.asarray(fit.bse)[0])
    p = float(2 * stats.norm.sf(abs(beta / se))) if se > 0 else math.nan
    return CoxFit(
        Estimate(math.exp(beta), math.exp(beta - _Z * se), math.exp(beta + _Z * se), p),
        participants=n_t,
        comparisons=int(treated.size - n_t),
        events_participants=e_t,
        events_comparisons=e_c,
    )


def harm_ratio(
    frame: pl.DataFrame, *, replicates: int = 1999, seed: int = 0
) -> tuple[Estimate | None, float | None, float | None, int]:
    """(ratio of mean harm in the follow-up, participants' mean, comparisons' mean, people)."""
    full = frame.filter(pl.col("harm_followup").is_not_null())
    t = full.filter(pl.col("group") == "participant")
    c = full.filter(pl.col("group") == "comparison")
    if t.is_empty() or c.is_empty():
        return None, None, None, full.height
    mean_t, mean_c = float(t["harm_followup"].mean()), float(c["harm_followup"].mean())  # type: ignore[arg-type]
    if mean_c <= 0:
        return None, mean_t, mean_c, full.height
    sets = full["set_id"].unique().sort().to_list()
    index = {s: i for i, s in enumerate(sets)}
    code = np.asarray([index[s] for s in full["set_id"].to_list()])
    harm = full["harm_followup"].to_numpy()
    is_t = (full["group"] == "participant").to_numpy()
    rng = np.random.default_rng(seed)
    ratios = []
    for _ in range(replicates):
        weight = np.bincount(rng.integers(0, len(sets), len(sets)), minlength=len(sets))[code]
        wt, wc = weight * is_t, weight * ~is_t
        if wt.sum() == 0 or wc.sum() == 0:
            continue
        mc = (harm * wc).sum() / wc.sum()
        if mc > 0:
            ratios.append(((harm * wt).sum() / wt.sum()) / mc)
    if len(ratios) < 100:
        return None, mean_t, mean_c, full.height
    low, high = np.quantile(ratios, [0.025, 0.975])
    return Estimate(mean_t / mean_c, float(low), float(high)), mean_t, mean_c, full.height
