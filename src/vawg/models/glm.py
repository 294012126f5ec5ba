"""Shared count-model machinery: Poisson and NB2 GLMs with rate ratios, CIs and a fallback ladder.

Every count model here is a log-linear GLM with an exposure offset. The negative binomial is
NB2 (variance mu + alpha mu^2, Cameron & Trivedi 2013): alpha is estimated by maximum
likelihood and the coefficients come from the GLM with alpha fixed at that estimate
(``sm.GLM(..., family=NegativeBinomial(alpha))``), which gives the same coefficients as the
joint MLE and lets the covariance be model-based or cluster-robust. Beside it: the Poisson GLM,
a Cameron-Trivedi (1990) regression test of equidispersion, the likelihood-ratio test of
alpha = 0 (on the boundary, so half the chi-square tail) and the Pearson chi-square / df.

**Fallback ladder** (no model drops a headline). Each fit says which rung it used in
``method_used`` and why in ``method_note``:

1. ``negative binomial (NB2)``: the joint maximum-likelihood fit of (beta, alpha)
   (``statsmodels.discrete.NegativeBinomial``) by Newton's method, started from the Poisson
   coefficients and the Cameron-Trivedi moment estimate of alpha; when neither converges, the
   profile likelihood of log(alpha) is maximised directly (bounded Brent search, the GLM's
   IRLS inside: the approach of ``MASS::glm.nb``), which always ends.
2. ``Poisson, quasi-likelihood``: when the dispersion vanishes (alpha's estimate is at the
   boundary, below ``1e-6``, or not distinguishable from zero by the likelihood-ratio test at
   5%, so the NB2 adds nothing to the Poisson; daily counts of crime often are),
   the Poisson GLM with standard errors multiplied by sqrt(max(1, Pearson chi-square / df))
   (McCullagh & Nelder 1989, section 4.5), or cluster-robust when clusters are given.
3. ``Poisson, robust (sandwich) SEs``: when the NB2 fit fails outright (no finite likelihood
   or standard errors), the Poisson GLM with heteroskedasticity-robust (HC0) sandwich standard
   errors (White 1980; Cameron & Trivedi 2013, section 3.2.3), valid whatever the variance
   function, or cluster-robust when clusters are given.

Why the NB2 fit used to fail: daily crime counts after the calendar controls vary no more than
a Poisson (Pearson chi-square / df about 1), so the likelihood's maximum in alpha sits on the
boundary alpha = 0. Newton's method then steps to negative or huge alpha (seen: 1.7e7) and BFGS
stops at alpha ~ 4e-8 without meeting its gradient test, so the fit was reported as "did not
converge" although the answer (the Poisson) was known. The profile search and rung 2 handle
that case by design; only a model with no finite Poisson fit raises :class:`ModelError`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from vawg.errors import ModelError
from vawg.models.dispersion import joint_mle, profile_mle
from vawg.results import Estimate

__all__ = [
    "ALPHA_VANISHES",
    "METHOD_NB2",
    "METHOD_POISSON_QUASI",
    "METHOD_POISSON_ROBUST",
    "NB_CITATION",
    "VANISH_P",
    "CountFit",
    "DispersionTest",
    "fit_count_model",
    "rate_ratio",
    "single_threaded",
]

METHOD_NB2 = "negative binomial (NB2)"
METHOD_POISSON_QUASI = "Poisson, quasi-likelihood (Pearson-scaled) SEs"
METHOD_POISSON_ROBUST = "Poisson, robust (sandwich) SEs"
ALPHA_VANISHES = 1e-6
VANISH_P = 0.05


def single_threaded() -> contextlib.AbstractContextManager[object]:
    """BLAS on one thread: the small least-squares steps of a GLM fit run 5-15x faster than
    with threads competing (threadpoolctl, when installed; otherwise nothing changes)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(1)


NB_CITATION = (
    "Cameron AC, Trivedi PK (2013) Regression Analysis of Count Data, 2nd ed. Cambridge "
    "University Press (NB2, dispersion tests, robust standard errors); Cameron AC, Trivedi PK "
    "(1990) Regression-based tests for overdispersion in the Poisson model. J Econometrics "
    "46:347-364; McCullagh P, Nelder JA (1989) Generalized Linear Models, 2nd ed. Chapman & "
    "Hall (quasi-likelihood); White H (1980) A heteroskedasticity-consistent covariance matrix "
    "estimator. Econometrica 48:817-838; Venables WN, Ripley BD (2002) Modern Applied "
    "Statistics with S, 4th ed. (glm.nb: alpha by profile likelihood); Seabold S, Perktold J "
    "(2010) statsmodels: econometric and statistical modeling with Python."
)


@dataclass(frozen=True)
class DispersionTest:
    """Evidence of overdispersion beyond the Poisson."""

    cameron_trivedi_alpha: float
    cameron_trivedi_t: float
    cameron_trivedi_p: float
    lr_statistic: float
    lr_p_value: float
    pearson_chi2_df: float


@dataclass(frozen=True)
class CountFit:
    """One fitted count model: the reported rate ratios (from ``method_used``) and the Poisson.

    ``rate_ratios`` and ``poisson_rate_ratios`` map term → :class:`Estimate`; ``coefficients``
    are the reported model's log rate ratios (for checks against a direct statsmodels fit).
    ``method_used`` is one of ``METHOD_NB2``, ``METHOD_POISSON_QUASI``,
    ``METHOD_POISSON_ROBUST``; ``method_note`` says in plain English why a fallback was used
    (empty for the NB2). NB2 fit statistics are NaN when the NB2 could not be fitted.
    """

    outcome: str
    n: int
    events: int
    terms: tuple[str, ...]
    rate_ratios: dict[str, Estimate]
    poisson_rate_ratios: dict[str, Estimate]
    coefficients: dict[str, float]
    alpha: Estimate
    dispersion: DispersionTest
    aic_nb: float
    aic_poisson: float
    bic_nb: float
    loglik_nb: float
    loglik_poisson: float
    cov_type: str
    clusters: int | None
    dispersion_scale: float
    method_used: str
    method_note: str
    alpha_method: str
    pearson_residuals: npt.NDArray[np.float64] = field(repr=False)
    fitted: npt.NDArray[np.float64] = field(repr=False)

    @property
    def is_fallback(self) -> bool:
        """Whether a rung below the NB2 was used."""
        return self.method_used != METHOD_NB2

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary (the residual and fitted arrays are left out)."""
        return {
            "outcome": self.outcome,
            "n": self.n,
            "events": self.events,
            "method_used": self.method_used,
            "method_note": self.method_note,
            "rate_ratios": {k: v.to_dict() for k, v in self.rate_ratios.items()},
            "poisson_rate_ratios": {k: v.to_dict() for k, v in self.poisson_rate_ratios.items()},
            "alpha": self.alpha.to_dict(),
            "alpha_method": self.alpha_method,
            "dispersion": dataclasses.asdict(self.dispersion),
            "aic_nb": _finite(self.aic_nb),
            "aic_poisson": _finite(self.aic_poisson),
            "bic_nb": _finite(self.bic_nb),
            "loglik_nb": _finite(self.loglik_nb),
            "loglik_poisson": _finite(self.loglik_poisson),
            "cov_type": self.cov_type,
            "clusters": self.clusters,
            "dispersion_scale": self.dispersion_scale,
        }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def rate_ratio(
    beta: float, se: float, *, df: int | None = None, level: float = 0.95, scale: float = 1.0
) -> Estimate:
    """exp(scale * beta) with its Wald CI and two-sided p (t with ``df`` when given)."""
    if not (math.isfinite(beta) and math.isfinite(se)) or se <= 0:
        return Estimate(math.nan, math.nan, math.nan, math.nan, level)
    tail = (1 + level) / 2
    if df is not None:
        crit = float(stats.t.ppf(tail, df))
        p = float(2 * stats.t.sf(abs(beta / se), df))
    else:
        crit = float(stats.norm.ppf(tail))
        p = float(2 * stats.norm.sf(abs(beta / se)))
    b, s = beta * scale, se * abs(scale)
    return Estimate(math.exp(b), math.exp(b - crit * s), math.exp(b + crit * s), p, level)


def _estimates(
    params: pd.Series, bse: pd.Series, terms: Sequence[str], df: int | None
) -> dict[str, Estimate]:
    return {t: rate_ratio(float(params[t]), float(bse[t]), df=df) for t in terms}


def _cameron_trivedi(
    y: npt.NDArray[np.float64], mu: npt.NDArray[np.float64]
) -> tuple[float, float, float]:
    aux = ((y - mu) ** 2 - y) / mu
    fit = sm.OLS(aux, mu).fit()
    t = float(fit.tvalues[0])
    return float(fit.params[0]), t, float(stats.t.sf(t, fit.df_resid))


def fit_count_model(
    y: npt.ArrayLike,
    design: pd.DataFrame,
    offset: npt.ArrayLike,
    *,
    outcome: str,
    terms: Sequence[str] | None = None,
    groups: npt.ArrayLike | None = None,
    pearson_scale: bool = False,
) -> CountFit:
    """Poisson and NB2 fits of ``y`` on ``design`` (with a ``const`` column) and ``offset``,
    down the fallback ladder of the module docstring.

    ``terms``: the columns to report (default: all but ``const``). ``groups``: cluster labels
    for cluster-robust standard errors, with t(G - 1) intervals for few clusters.
    ``pearson_scale``: multiply each model's standard errors by sqrt(Pearson chi-square / df)
    when that exceeds 1 (quasi-likelihood), for dispersion the model's variance misses, e.g.
    several crime records from one incident on the same day.
    """
    with single_threaded():
        return _fit_count_model(
            y,
            design,
            offset,
            outcome=outcome,
            terms=terms,
            groups=groups,
            pearson_scale=pearson_scale,
        )


def _check(counts: npt.NDArray[np.float64], design: pd.DataFrame, outcome: str) -> None:
    k = design.shape[1]
    if counts.size <= k + 1:
        raise ModelError(
            f"{outcome}: {counts.size} observations for {k} parameters; the model needs more data"
        )
    if counts.sum() == 0:
        raise ModelError(f"{outcome}: no events to model; check the scope and the period")
    if np.linalg.matrix_rank(design.to_numpy(dtype=np.float64)) < k:
        raise ModelError(
            f"{outcome}: the model's columns {', '.join(design.columns)} are collinear; drop one"
        )


def _fit_count_model(
    y: npt.ArrayLike,
    design: pd.DataFrame,
    offset: npt.ArrayLike,
    *,
    outcome: str,
    terms: Sequence[str] | None = None,
    groups: npt.ArrayLike | None = None,
    pearson_scale: bool = False,
) -> CountFit:
    counts = np.asarray(y, dtype=np.float64)
    off = np.asarray(offset, dtype=np.float64)
    report = tuple(terms) if terms is not None else tuple(c for c in design.columns if c != "const")
    _check(counts, design, outcome)
    fit_kwargs: dict[str, Any] = {}
    df: int | None = None
    n_groups: int | None = None
    if groups is not None:
        g = pd.factorize(pd.Series(np.asarray(groups)))[0]
        n_groups = int(g.max() + 1)
        if n_groups < 5:
            raise ModelError(f"{outcome}: {n_groups} clusters are too few for robust errors")
        fit_kwargs = {"cov_type": "cluster", "cov_kwds": {"groups": g}}
        df = n_groups - 1
    with warnings.catch_warnings():
        # statsmodels warns on perfect fits and on slow convergence; both are handled below.
        warnings.simplefilter("ignore")
        try:
            poisson = sm.GLM(counts, design, family=sm.families.Poisson(), offset=off).fit(
                **fit_kwargs
            )
        except (np.linalg.LinAlgError, ValueError, OverflowError) as error:
            raise ModelError(
                f"{outcome}: not even the Poisson model could be fitted ({error})"
            ) from None
        if not np.all(np.isfinite(poisson.params)) or not np.all(np.isfinite(poisson.bse)):
            raise ModelError(f"{outcome}: the Poisson fit has no finite estimates")
        mu = np.asarray(poisson.fittedvalues, dtype=np.float64)
        ct_alpha, ct_t, ct_p = _cameron_trivedi(counts, mu)
        start = np.append(poisson.params.to_numpy(), min(max(ct_alpha, 1e-3), 10.0))
        alpha_fit = joint_mle(counts, design, off, start) or profile_mle(counts, design, off)
    pearson_chi2_df = float(poisson.pearson_chi2 / poisson.df_resid)
    loglik_nb = alpha_fit.loglik if alpha_fit else math.nan
    lr = max(0.0, 2 * (loglik_nb - float(poisson.llf))) if alpha_fit else math.nan
    dispersion = DispersionTest(
        cameron_trivedi_alpha=ct_alpha,
        cameron_trivedi_t=ct_t,
        cameron_trivedi_p=ct_p,
        lr_statistic=lr,
        lr_p_value=float(0.5 * stats.chi2.sf(lr, 1)) if alpha_fit else math.nan,
        pearson_chi2_df=pearson_chi2_df,
    )
    poisson_scale = math.sqrt(max(1.0, pearson_chi2_df)) if pearson_scale else 1.0
    poisson_rr = _estimates(poisson.params, poisson.bse * poisson_scale, report, df)
    # The dispersion vanishes when alpha is on the boundary or not distinguishable from zero
    # (likelihood-ratio test of alpha = 0, half chi-square tail, at 5%).
    vanished = alpha_fit is not None and (
        alpha_fit.alpha <= ALPHA_VANISHES or dispersion.lr_p_value >= VANISH_P
    )
    nb = None
    if alpha_fit is not None and not vanished:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                nb = sm.GLM(
                    counts,
                    design,
                    family=sm.families.NegativeBinomial(alpha=alpha_fit.alpha),
                    offset=off,
                ).fit(**fit_kwargs)
            except (np.linalg.LinAlgError, ValueError, OverflowError):
                nb = None
        if nb is not None and not (np.all(np.isfinite(nb.params)) and np.all(np.isfinite(nb.bse))):
            nb = None
    common: dict[str, Any] = {
        "outcome": outcome,
        "n": int(counts.size),
        "events": int(counts.sum()),
        "terms": report,
        "poisson_rate_ratios": poisson_rr,
        "dispersion": dispersion,
        "aic_poisson": float(poisson.aic),
        "loglik_poisson": float(poisson.llf),
        "clusters": n_groups,
        "aic_nb": alpha_fit.aic if alpha_fit else math.nan,
        "bic_nb": alpha_fit.bic if alpha_fit else math.nan,
        "loglik_nb": loglik_nb,
        "alpha_method": alpha_fit.method if alpha_fit else "not estimated",
    }
    if nb is not None and alpha_fit is not None:
        nb_scale = (
            math.sqrt(max(1.0, float(nb.pearson_chi2 / nb.df_resid))) if pearson_scale else 1.0
        )
        nb_mu = np.asarray(nb.fittedvalues, dtype=np.float64)
        a = alpha_fit.alpha
        if math.isfinite(alpha_fit.se) and alpha_fit.se > 0:
            half = 1.959963984540054 * alpha_fit.se / a
            alpha = Estimate(a, a * math.exp(-half), a * math.exp(half))
        else:
            alpha = Estimate(a, math.nan, math.nan)
        return CountFit(
            **common,
            rate_ratios=_estimates(nb.params, nb.bse * nb_scale, report, df),
            coefficients={c: float(nb.params[c]) for c in design.columns},
            alpha=alpha,
            cov_type=(
                "cluster"
                if groups is not None
                else ("model-based, Pearson-scaled" if pearson_scale else "model-based")
            ),
            dispersion_scale=nb_scale**2,
            method_used=METHOD_NB2,
            method_note="",
            pearson_residuals=(counts - nb_mu) / np.sqrt(nb_mu + a * nb_mu**2),
            fitted=nb_mu,
        )
    # Fallback rungs: the Poisson coefficients with honest standard errors.
    if groups is not None:
        # Cluster-robust standard errors hold whatever the variance within districts.
        method, scale, cov, bse = METHOD_POISSON_ROBUST, 1.0, "cluster", poisson.bse
    elif vanished:
        scale = math.sqrt(max(1.0, pearson_chi2_df))
        method, cov, bse = METHOD_POISSON_QUASI, "quasi-likelihood, Pearson-scaled", poisson.bse
    else:
        scale = 1.0
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            robust = sm.GLM(counts, design, family=sm.families.Poisson(), offset=off).fit(
                cov_type="HC0"
            )
        method, cov, bse = METHOD_POISSON_ROBUST, "robust (sandwich, HC0)", robust.bse
    if vanished:
        note = (
            "The counts vary no more than a Poisson allows (the negative binomial's dispersion "
            f"alpha is estimated at {alpha_fit.alpha if alpha_fit else 0:.2g}, not distinguishable "
            f"from zero: likelihood-ratio p = {dispersion.lr_p_value:.2g}), so the Poisson fit is "
            "reported, with standard errors widened by the Pearson dispersion where it exceeds 1."
        )
    else:
        note = (
            "The negative binomial model could not be fitted (its likelihood has no usable "
            "maximum), so the Poisson fit is reported with robust (sandwich) standard errors, "
            "which stay valid when the counts vary more than a Poisson."
        )
    return CountFit(
        **common,
        rate_ratios=_estimates(poisson.params, bse * scale, report, df),
        coefficients={c: float(poisson.params[c]) for c in design.columns},
        alpha=Estimate(0.0 if vanished else math.nan, math.nan, math.nan),
        cov_type=cov,
        dispersion_scale=scale**2,
        method_used=method,
        method_note=note,
        pearson_residuals=(counts - mu) / np.sqrt(mu),
        fitted=mu,
    )
