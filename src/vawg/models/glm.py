"""Shared count-model machinery: Poisson and NB2 GLMs with rate ratios, CIs and fit statistics.

Every count model here is a log-linear GLM with an exposure offset. The negative binomial is
NB2 (variance mu + alpha mu^2, Cameron & Trivedi 2013): alpha is estimated by maximum
likelihood (``statsmodels.discrete.NegativeBinomial``) and the coefficients come from the GLM
with alpha fixed at that estimate (``sm.GLM(..., family=NegativeBinomial(alpha))``), which
gives the same coefficients as the joint MLE and lets the covariance be model-based or
cluster-robust. Beside it: the Poisson GLM, a Cameron-Trivedi (1990) regression test of
equidispersion, the likelihood-ratio test of alpha = 0 (on the boundary, so half the chi-square
tail) and the Pearson chi-square / df.
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
from vawg.results import Estimate

__all__ = [
    "NB_CITATION",
    "CountFit",
    "DispersionTest",
    "fit_count_model",
    "rate_ratio",
    "single_threaded",
]


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
    "University Press (NB2, dispersion tests); Cameron AC, Trivedi PK (1990) Regression-based "
    "tests for overdispersion in the Poisson model. J Econometrics 46:347-364; Seabold S, "
    "Perktold J (2010) statsmodels: econometric and statistical modeling with Python."
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
    """One fitted count model: NB2 rate ratios (the reported ones) and the Poisson beside it.

    ``rate_ratios`` and ``poisson_rate_ratios`` map term → :class:`Estimate`; ``coefficients``
    are the NB2 log rate ratios (for checks against a direct statsmodels fit).
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
    pearson_residuals: npt.NDArray[np.float64] = field(repr=False)
    fitted: npt.NDArray[np.float64] = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary (the residual and fitted arrays are left out)."""
        return {
            "outcome": self.outcome,
            "n": self.n,
            "events": self.events,
            "rate_ratios": {k: v.to_dict() for k, v in self.rate_ratios.items()},
            "poisson_rate_ratios": {k: v.to_dict() for k, v in self.poisson_rate_ratios.items()},
            "alpha": self.alpha.to_dict(),
            "dispersion": dataclasses.asdict(self.dispersion),
            "aic_nb": self.aic_nb,
            "aic_poisson": self.aic_poisson,
            "bic_nb": self.bic_nb,
            "loglik_nb": self.loglik_nb,
            "loglik_poisson": self.loglik_poisson,
            "cov_type": self.cov_type,
            "clusters": self.clusters,
            "dispersion_scale": self.dispersion_scale,
        }


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
    """Poisson and NB2 fits of ``y`` on ``design`` (with a ``const`` column) and ``offset``.

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
        # statsmodels warns on perfect fits and on slow convergence; both become ModelErrors below.
        warnings.simplefilter("ignore")
        poisson = sm.GLM(counts, design, family=sm.families.Poisson(), offset=off).fit(**fit_kwargs)
        start = np.append(poisson.params.to_numpy(), 0.1)
        mle = sm.NegativeBinomial(counts, design, offset=off, loglike_method="nb2").fit(
            start_params=start, method="newton", maxiter=200, disp=0
        )
        if not mle.mle_retvals.get("converged", False):
            mle = sm.NegativeBinomial(counts, design, offset=off, loglike_method="nb2").fit(
                start_params=start, method="bfgs", maxiter=2000, disp=0
            )
    if not mle.mle_retvals.get("converged", False):
        raise ModelError(f"{outcome}: the negative binomial fit did not converge")
    alpha_hat = float(mle.params["alpha"])
    if not alpha_hat > 1e-8:
        alpha_hat = 1e-8  # no overdispersion: NB2 collapses to the Poisson
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nb = sm.GLM(
            counts, design, family=sm.families.NegativeBinomial(alpha=alpha_hat), offset=off
        ).fit(**fit_kwargs)
    alpha_se = float(mle.bse["alpha"])
    if alpha_se > 0 and math.isfinite(alpha_se) and alpha_hat > 1e-8:
        half = 1.959963984540054 * alpha_se / alpha_hat
        alpha = Estimate(alpha_hat, alpha_hat * math.exp(-half), alpha_hat * math.exp(half))
    else:
        alpha = Estimate(alpha_hat, math.nan, math.nan)
    mu = np.asarray(poisson.fittedvalues, dtype=np.float64)
    ct_alpha, ct_t, ct_p = _cameron_trivedi(counts, mu)
    lr = max(0.0, 2 * (float(mle.llf) - float(poisson.llf)))
    dispersion = DispersionTest(
        cameron_trivedi_alpha=ct_alpha,
        cameron_trivedi_t=ct_t,
        cameron_trivedi_p=ct_p,
        lr_statistic=lr,
        lr_p_value=float(0.5 * stats.chi2.sf(lr, 1)),
        pearson_chi2_df=float(poisson.pearson_chi2 / poisson.df_resid),
    )
    nb_mu = np.asarray(nb.fittedvalues, dtype=np.float64)
    pearson = (counts - nb_mu) / np.sqrt(nb_mu + alpha_hat * nb_mu**2)
    nb_scale = poisson_scale = 1.0
    if pearson_scale:
        nb_scale = math.sqrt(max(1.0, float(nb.pearson_chi2 / nb.df_resid)))
        poisson_scale = math.sqrt(max(1.0, dispersion.pearson_chi2_df))
    return CountFit(
        outcome=outcome,
        n=int(counts.size),
        events=int(counts.sum()),
        terms=report,
        rate_ratios=_estimates(nb.params, nb.bse * nb_scale, report, df),
        poisson_rate_ratios=_estimates(poisson.params, poisson.bse * poisson_scale, report, df),
        coefficients={c: float(nb.params[c]) for c in design.columns},
        alpha=alpha,
        dispersion=dispersion,
        aic_nb=float(mle.aic),
        aic_poisson=float(poisson.aic),
        bic_nb=float(mle.bic),
        loglik_nb=float(mle.llf),
        loglik_poisson=float(poisson.llf),
        cov_type=(
            "cluster"
            if groups is not None
            else ("model-based, Pearson-scaled" if pearson_scale else "model-based")
        ),
        clusters=n_groups,
        dispersion_scale=nb_scale**2,
        pearson_residuals=pearson,
        fitted=nb_mu,
    )
