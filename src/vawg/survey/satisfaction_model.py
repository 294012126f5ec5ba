"""The model of whole-experience satisfaction, with a fallback ladder for separation.

Whole-experience satisfaction is explained by outcome group, offence group, years from
recording to outcome and, where the survey asks it, whether the victim was satisfied with being
kept informed (the strongest driver in the Home Office victim satisfaction surveys). Two models:

* ``logistic``: logistic regression of *satisfied* (score ``satisfied_min`` or more), effects
  as odds ratios with Wald intervals (Hosmer, Lemeshow & Sturdivant 2013);
* ``ordinal``: ordered probit of the 1-7 score, effects as shifts of the latent score in
  standard deviations (McKelvey & Zavoina 1975).

**Fallback ladder.** Before the logistic fit the data are checked for complete or
quasi-complete separation by the linear-programming test of Konis (2007) (as R's
``detectseparation``): a level whose responses are all on one side of 'satisfied' has an
infinite maximum-likelihood estimate, and ordinary logistic regression then returns nonsense or
nothing. Under separation (or when the ordinary fit does not converge) the model is Firth's
penalised-likelihood logistic regression (Firth 1993; Heinze & Schemper 2002), which gives
finite, less biased estimates, with profile penalised-likelihood intervals and penalised
likelihood-ratio p-values, as R's ``logistf`` does; the ``firthmodels`` package fits it. The
ordered probit falls back to the same Firth logistic when it cannot be fitted. Every model names
the method actually used (``method_used``) and why (``method_note``).

Levels with under ``min_level_n`` responses are combined into one level (``small groups
combined``); the reference outcome group is ``other`` when it is large enough, otherwise the
largest group.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import statsmodels.api as sm
from scipy import stats
from statsmodels.miscmodels.ordinal_model import OrderedModel

from vawg.errors import ModelError
from vawg.results import to_jsonable

__all__ = [
    "KEPT_INFORMED_TERM",
    "METHOD_FIRTH",
    "METHOD_LOGISTIC",
    "METHOD_ORDINAL",
    "MODEL_CITATION",
    "SMALL_GROUPS",
    "SatisfactionModel",
    "clearest_effect",
    "fit_satisfaction_model",
]

SMALL_GROUPS = "small groups combined"
KEPT_INFORMED_TERM = "kept_informed"
METHOD_LOGISTIC = "logistic regression (maximum likelihood, Wald intervals)"
METHOD_ORDINAL = "ordered probit (maximum likelihood, Wald intervals)"
METHOD_FIRTH = (
    "Firth-penalised logistic regression (profile penalised-likelihood intervals, penalised "
    "likelihood-ratio p-values)"
)
MODEL_CITATION = (
    "Hosmer, Lemeshow & Sturdivant (2013) Applied Logistic Regression, 3rd ed.; McKelvey & "
    "Zavoina (1975) J. Math. Sociology 4:103-120; Firth D (1993) Bias reduction of maximum "
    "likelihood estimates. Biometrika 80:27-38; Heinze G, Schemper M (2002) A solution to the "
    "problem of separation in logistic regression. Stat Med 21:2409-2419; Konis K (2007) Linear "
    "programming algorithms for detecting separated data in binary logistic regression models. "
    "DPhil thesis, Oxford; Venzon DJ, Moolgavkar SH (1988) A method for computing "
    "profile-likelihood-based confidence intervals. Appl Stat 37:87-94; firthmodels (Luo, MIT)."
)
_Z = float(stats.norm.ppf(0.975))
Names = list[tuple[str, str, int, bool]]


@dataclass(frozen=True)
class SatisfactionModel:
    """A fitted model of whole-experience satisfaction.

    ``table``: term (``outcome_group``, ``offence_group``, ``years_to_outcome``,
    ``kept_informed``), level, estimate (``measure``: odds ratio or latent shift), ci_low,
    ci_high, p_value, n (responses at that level), reference (the level others are compared
    with), satisfied (of the responses at that level, those satisfied). Fit: ``n``, ``aic``,
    ``pseudo_r2`` (McFadden), the likelihood-ratio test against no predictors (for Firth's
    model: of the penalised likelihood). ``kind`` is the model asked
    for; ``method_used`` the one fitted; ``separated`` the levels whose ordinary estimate is
    infinite (empty without separation).
    """

    kind: str
    measure: str
    table: pl.DataFrame
    n: int
    aic: float
    pseudo_r2: float
    lr_statistic: float
    lr_df: int
    lr_p_value: float
    converged: bool
    method_used: str
    method_note: str
    separated: tuple[str, ...]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe."""
        return {
            "kind": self.kind,
            "measure": self.measure,
            "method_used": self.method_used,
            "method_note": self.method_note,
            "separated": list(self.separated),
            "n": self.n,
            "aic": to_jsonable(self.aic),
            "pseudo_r2": to_jsonable(self.pseudo_r2),
            "lr_statistic": to_jsonable(self.lr_statistic),
            "lr_df": self.lr_df,
            "lr_p_value": to_jsonable(self.lr_p_value),
            "converged": self.converged,
            "notes": list(self.notes),
            "effects": to_jsonable(self.table),
        }


MIN_FINDING_N = 30
"""A model effect stated as a finding must rest on at least this many responses (the base the
survey's tables need to show a share)."""


def clearest_effect(effects: pl.DataFrame) -> dict[str, Any] | None:
    """The row of a model's ``effects`` table (odds ratios) furthest from 1 among those whose
    95% interval leaves 1 out and that rest on at least :data:`MIN_FINDING_N` responses, or
    None when no effect is clear: what a summary may state as a finding (an unclear effect,
    or one on a group too small to rely on, never is)."""
    clear = effects.filter(
        ~pl.col("reference"),
        pl.col("estimate").is_not_null(),
        (pl.col("ci_low") > 1) | (pl.col("ci_high") < 1),
        pl.col("n").is_null() | (pl.col("n") >= MIN_FINDING_N)
        if "n" in effects.columns
        else pl.lit(True),
    )
    if clear.is_empty():
        return None
    return (
        clear.with_columns(_size=pl.col("estimate").log().abs())
        .sort("_size")
        .drop("_size")
        .row(-1, named=True)
    )


def _design(
    frame: pl.DataFrame, min_level_n: int, y: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], Names, list[str], list[int]]:
    """Dummy-coded outcome and offence groups, years and kept informed; (X, names, notes, and
    for each name the responses at that level that were satisfied, ``y`` = 1)."""
    notes: list[str] = []
    columns: list[npt.NDArray[np.float64]] = []
    names: Names = []
    satisfied: list[int] = []
    for term, preferred in (("outcome_group", "other"), ("offence_group", None)):
        values = frame[term].to_list()
        counts = {v: values.count(v) for v in set(values)}
        small = sorted(v for v, c in counts.items() if c < min_level_n)
        if small:
            values = [SMALL_GROUPS if v in small else v for v in values]
            notes.append(
                f"{term}: {', '.join(small)} (under {min_level_n} responses each) are combined "
                f"as '{SMALL_GROUPS}'"
            )
            counts = {v: values.count(v) for v in set(values)}
        ref: str = (
            preferred
            if preferred is not None and preferred in counts
            else max(sorted(counts), key=lambda v: counts[v])
        )
        names.append((term, ref, counts[ref], True))
        satisfied.append(int(y[np.array([v == ref for v in values])].sum()))
        for level in sorted(counts):
            if level == ref:
                continue
            columns.append(np.array([v == level for v in values], dtype=float))
            names.append((term, level, counts[level], False))
            satisfied.append(int(y[columns[-1] == 1].sum()))
    columns.append(frame["years_to_outcome"].to_numpy().astype(float))
    names.append(("years_to_outcome", "per year", frame.height, False))
    satisfied.append(int(y.sum()))
    if KEPT_INFORMED_TERM in frame.columns:
        kept = frame[KEPT_INFORMED_TERM].to_numpy().astype(float)
        names.append((KEPT_INFORMED_TERM, "not satisfied", int((kept == 0).sum()), True))
        satisfied.append(int(y[kept == 0].sum()))
        columns.append(kept)
        names.append((KEPT_INFORMED_TERM, "satisfied", int(kept.sum()), False))
        satisfied.append(int(y[kept == 1].sum()))
    return np.column_stack(columns), names, notes, satisfied


def _effects(
    names: Names,
    coef: npt.NDArray[np.float64],
    low: npt.NDArray[np.float64],
    high: npt.NDArray[np.float64],
    p: npt.NDArray[np.float64],
    exponentiate: bool,
) -> pl.DataFrame:
    rows: list[tuple[Any, ...]] = []
    i = 0
    for term, level, n, reference in names:
        if reference:
            rows.append((term, level, 1.0 if exponentiate else 0.0, None, None, None, n, True))
            continue
        b, lo, hi = float(coef[i]), float(low[i]), float(high[i])
        if exponentiate:
            b, lo, hi = math.exp(b), math.exp(lo), math.exp(hi)
        rows.append((term, level, b, lo, hi, float(p[i]), n, False))
        i += 1
    return pl.DataFrame(
        rows,
        schema={
            "term": pl.String,
            "level": pl.String,
            "estimate": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
            "p_value": pl.Float64,
            "n": pl.Int64,
            "reference": pl.Boolean,
        },
        orient="row",
    )


def _wald(
    coef: npt.NDArray[np.float64], se: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(se > 0, 2 * stats.norm.sf(np.abs(coef / se)), np.nan)
    return coef - _Z * se, coef + _Z * se, p


def _separated(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64], names: Names) -> list[str]:
    """The levels (term: level) whose maximum-likelihood estimate is infinite (Konis 2007)."""
    from firthmodels.separation import detect_separation

    result = detect_separation(x, y, fit_intercept=True)
    if not result.separation:
        return []
    levels = [f"{t}: {lv}" for t, lv, _, ref in names if not ref]
    flagged = [levels[i] for i, finite in enumerate(result.is_finite[: len(levels)]) if not finite]
    return flagged or ["the intercept"]


def _firth_null_loglik(y: npt.NDArray[np.float64]) -> float:
    """Penalised log-likelihood of the intercept-only Firth model, in closed form: the modified
    score k - n p + (1/2 - p) = 0 gives p = (k + 1/2) / (n + 1), and the penalty is
    (1/2) log(n p (1 - p))."""
    n, k = float(y.size), float(y.sum())
    p = (k + 0.5) / (n + 1)
    return k * math.log(p) + (n - k) * math.log(1 - p) + 0.5 * math.log(n * p * (1 - p))


def _firth(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
) -> tuple[dict[str, Any], list[str]]:
    from firthmodels import FirthLogisticRegression

    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = FirthLogisticRegression(backend="numpy", max_iter=200, gtol=1e-6, xtol=1e-6).fit(
            x, y
        )
        k = x.shape[1]
        ci = model.conf_int(alpha=0.05, method="pl")[:k]
        model.lrt(list(range(k)))
    for w in caught:
        notes.append(f"{w.category.__name__}: {str(w.message).splitlines()[0]}")
    coef = np.asarray(model.coef_, dtype=np.float64)
    low, high = np.asarray(ci[:, 0], dtype=np.float64), np.asarray(ci[:, 1], dtype=np.float64)
    # A profile bound that could not be found is replaced by the Wald bound, and said so.
    missing = ~(np.isfinite(low) & np.isfinite(high))
    if missing.any():
        w_low, w_high, _ = _wald(coef, np.asarray(model.bse_, dtype=np.float64)[:k])
        low, high = (
            np.where(np.isfinite(low), low, w_low),
            np.where(np.isfinite(high), high, w_high),
        )
        notes.append(f"{int(missing.sum())} profile interval(s) replaced by Wald intervals")
    llf, llnull = float(model.loglik_), _firth_null_loglik(y)
    return {
        "coef": coef,
        "low": low,
        "high": high,
        "p": np.asarray(model.lrt_pvalues_[:k], dtype=np.float64),
        "llf": llf,
        "llnull": llnull,
        "aic": 2 * (k + 1) - 2 * llf,
        "converged": bool(model.converged_),
    }, notes


def fit_satisfaction_model(
    frame: pl.DataFrame, kind: str, satisfied_min: int, min_level_n: int
) -> SatisfactionModel:
    """Fit ``kind`` (logistic or ordinal) to ``frame`` down the ladder of the module docstring.

    ``frame``: one row per linked response with an outcome: outcome_group, offence_group,
    years_to_outcome, whole_experience (1-7) and, optionally, kept_informed (0/1).
    """
    if frame.height < 50:
        raise ModelError(
            f"only {frame.height} responses are linked to a crime with an outcome; "
            "a model needs at least 50"
        )
    scores = frame["whole_experience"].to_numpy().astype(int)
    y = (scores >= satisfied_min).astype(float)
    x, names, notes, satisfied = _design(frame, min_level_n, y)
    if y.min() == y.max():
        raise ModelError("every linked response is on the same side of 'satisfied'")
    k = x.shape[1]
    separated = _separated(x, y, names)
    fitted: dict[str, Any] | None = None
    method, measure, note = "", "odds ratio", ""
    caught: list[warnings.WarningMessage] = []
    if kind == "ordinal":
        fitted, caught = _ordinal(x, scores)
        if fitted is not None:
            method, measure = METHOD_ORDINAL, "shift of the latent score (standard deviations)"
        else:
            note = (
                "The ordered probit could not be fitted (a group's scores sit in one end category "
                "or the fit did not converge), so Firth's logistic regression of 'satisfied' is "
                "reported instead; effects are odds ratios."
            )
    elif not separated:
        fitted, caught = _logistic(x, y)
        if fitted is not None:
            method = METHOD_LOGISTIC
        else:
            note = (
                "The ordinary logistic regression did not converge, so Firth's penalised "
                "logistic regression is reported."
            )
    else:
        note = (
            "Some groups' responses are all on one side of 'satisfied' (quasi-complete "
            f"separation: {', '.join(separated)}), so ordinary logistic regression has no "
            "finite estimate for them; Firth's penalised logistic regression is used, which "
            "gives finite estimates for every group and honest (profile) intervals."
        )
    for w in caught:
        notes.append(f"{w.category.__name__}: {str(w.message).splitlines()[0]}")
    if fitted is None:
        fitted, firth_notes = _firth(x, y)
        notes += firth_notes
        method, measure = METHOD_FIRTH, "odds ratio"
    lr = 2 * (fitted["llf"] - fitted["llnull"])
    return SatisfactionModel(
        kind=kind,
        measure=measure,
        table=_effects(
            names,
            fitted["coef"],
            fitted["low"],
            fitted["high"],
            fitted["p"],
            exponentiate=measure == "odds ratio",
        ).with_columns(satisfied=pl.Series(satisfied, dtype=pl.Int64)),
        n=frame.height,
        aic=fitted["aic"],
        pseudo_r2=1 - fitted["llf"] / fitted["llnull"] if fitted["llnull"] else math.nan,
        lr_statistic=lr,
        lr_df=k,
        lr_p_value=float(stats.chi2.sf(lr, k)),
        converged=fitted["converged"],
        method_used=method,
        method_note=note,
        separated=tuple(separated),
        notes=tuple(notes),
    )


def _usable(coef: npt.NDArray[np.float64], se: npt.NDArray[np.float64]) -> bool:
    # Non-finite standard errors, an odds ratio beyond e^15 or an SE above 50 mean the fit ran
    # off towards an infinite estimate: not a usable ordinary fit.
    return bool(np.all(np.isfinite(se)) and np.all(np.abs(coef) <= 15) and np.all(se <= 50))


def _logistic(
    x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
) -> tuple[dict[str, Any] | None, list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = sm.GLM(
                y, sm.add_constant(x, has_constant="add"), family=sm.families.Binomial()
            ).fit()
        except (np.linalg.LinAlgError, ValueError):
            return None, list(caught)
    coef, se = np.asarray(fit.params)[1:], np.asarray(fit.bse)[1:]
    if not (bool(fit.converged) and _usable(coef, se)):
        return None, list(caught)
    low, high, p = _wald(coef, se)
    return {
        "coef": coef,
        "low": low,
        "high": high,
        "p": p,
        "llf": float(fit.llf),
        "llnull": float(fit.llnull),
        "aic": float(fit.aic),
        "converged": True,
    }, list(caught)


def _ordinal(
    x: npt.NDArray[np.float64], scores: npt.NDArray[np.int64]
) -> tuple[dict[str, Any] | None, list[warnings.WarningMessage]]:
    levels = np.unique(scores)
    if levels.size < 3:
        raise ModelError("fewer than 3 distinct whole-experience scores; use the logistic")
    k = x.shape[1]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            fit = OrderedModel(scores, x, distr="probit").fit(
                method="bfgs", disp=False, maxiter=2000
            )
        except (np.linalg.LinAlgError, ValueError):
            return None, list(caught)
    coef, se = np.asarray(fit.params)[:k], np.asarray(fit.bse)[:k]
    converged = bool(fit.mle_retvals.get("converged", True))
    if not (converged and _usable(coef, se)):
        return None, list(caught)
    counts = np.array([np.sum(scores == v) for v in levels], dtype=float)
    low, high, p = _wald(coef, se)
    return {
        "coef": coef,
        "low": low,
        "high": high,
        "p": p,
        "llf": float(fit.llf),
        "llnull": float(np.sum(counts * np.log(counts / counts.sum()))),
        "aic": float(fit.aic),
        "converged": converged,
    }, list(caught)
