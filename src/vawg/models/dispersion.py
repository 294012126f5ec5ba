"""The NB2 dispersion alpha by maximum likelihood, found however it can be.

:func:`joint_mle` is statsmodels' joint (beta, alpha) maximum likelihood (Newton's method).
When alpha's maximum is on the boundary alpha = 0 (counts no more variable than a Poisson) or
the surface is flat, neither may meet its convergence test; :func:`profile_mle` then maximises
the profile log-likelihood of log(alpha) directly, the GLM's IRLS giving beta at each alpha
(the approach of ``MASS::glm.nb``, Venables & Ripley 2002), with a bounded Brent search that
always ends. Both return an :class:`AlphaFit` (or None when no finite likelihood exists).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import statsmodels.api as sm
from scipy import optimize

__all__ = ["ALPHA_BOUNDS", "AlphaFit", "joint_mle", "profile_mle"]

ALPHA_BOUNDS = (1e-8, 1e3)
_ALPHA_BOUNDS = ALPHA_BOUNDS


@dataclass(frozen=True)
class AlphaFit:
    """The NB2 dispersion by maximum likelihood, however it was found."""

    alpha: float
    se: float  # standard error of alpha (NaN when not available)
    loglik: float
    aic: float
    bic: float
    method: str


def joint_mle(
    counts: npt.NDArray[np.float64],
    design: pd.DataFrame,
    off: npt.NDArray[np.float64],
    start: npt.NDArray[np.float64],
) -> AlphaFit | None:
    """statsmodels' joint (beta, alpha) MLE by Newton's method; None when it does not converge.

    (BFGS is not tried: near the boundary its gradient test passes at the starting alpha, so
    it can report a 'converged' alpha that is not the maximum; the profile search is exact.)"""
    model = sm.NegativeBinomial(counts, design, offset=off, loglike_method="nb2")
    for method, maxiter in (("newton", 100),):
        try:
            fit = model.fit(start_params=start, method=method, maxiter=maxiter, disp=0)
        except (np.linalg.LinAlgError, ValueError, OverflowError):
            continue
        alpha = float(fit.params["alpha"])
        if (
            fit.mle_retvals.get("converged", False)
            and math.isfinite(float(fit.llf))
            and 0 < alpha < _ALPHA_BOUNDS[1]
        ):
            se = float(fit.bse["alpha"])
            return AlphaFit(
                alpha,
                se if math.isfinite(se) and se > 0 else math.nan,
                float(fit.llf),
                float(fit.aic),
                float(fit.bic),
                f"joint maximum likelihood ({method})",
            )
    return None


def profile_mle(
    counts: npt.NDArray[np.float64],
    design: pd.DataFrame,
    off: npt.NDArray[np.float64],
) -> AlphaFit | None:
    """alpha maximising the profile log-likelihood (IRLS for beta at each alpha), searched on
    log(alpha) in [1e-8, 1e3] by bounded Brent; its SE from the curvature in log(alpha)."""

    def loglik(log_alpha: float) -> float:
        glm = sm.GLM(
            counts,
            design,
            family=sm.families.NegativeBinomial(alpha=math.exp(log_alpha)),
            offset=off,
        ).fit()
        return float(glm.llf)

    lo, hi = math.log(_ALPHA_BOUNDS[0]), math.log(_ALPHA_BOUNDS[1])
    try:
        best = optimize.minimize_scalar(
            lambda a: -loglik(a), bounds=(lo, hi), method="bounded", options={"xatol": 1e-6}
        )
    except (np.linalg.LinAlgError, ValueError, OverflowError):
        return None
    if not math.isfinite(float(best.fun)):
        return None
    log_alpha, llf = float(best.x), -float(best.fun)
    se = math.nan
    h = 1e-3
    if lo + h < log_alpha < hi - h:
        curvature = (loglik(log_alpha + h) - 2 * llf + loglik(log_alpha - h)) / h**2
        if curvature < 0:
            se = math.exp(log_alpha) / math.sqrt(-curvature)  # delta method
    k = design.shape[1] + 1
    n = counts.size
    return AlphaFit(
        math.exp(log_alpha),
        se,
        llf,
        2 * k - 2 * llf,
        k * math.log(n) - 2 * llf,
        "profile likelihood of log(alpha) (bounded Brent search)",
    )
