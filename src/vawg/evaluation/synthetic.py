"""The synthetic control: a weighted blend of comparison areas that tracks the treated area
before the start, carried on after it as the counterfactual (Abadie & Gardeazabal 2003;
Abadie, Diamond & Hainmueller 2010; Abadie 2021).

The weights ``w`` are non-negative and sum to one, and minimise the squared gap between the
treated area's and the blend's counts over the periods before the start:

    min_w  sum_t (y_1t - sum_j w_j y_jt)^2   subject to  w_j >= 0,  sum_j w_j = 1

solved with scipy's SLSQP (the same quadratic programme as the ``w_optimize`` step of the
``pysyncon`` package and R's ``Synth`` with the pre-period outcomes as the only predictors;
``pysyncon`` itself is not used because it imports matplotlib's pyplot on import and works on
pandas frames, for a problem this small). The effect is the ratio of the treated area's
counts after the start to the blend's.

Inference is by placebos in space (Abadie et al. 2010): every donor in turn is treated as if it
had been the treated area and given its own blend of the others. The p-value is the rank of
the treated area's ratio of post- to pre-period root mean squared gap among all of them. A
**placebo interval** for the ratio inverts the same placebos: the donors whose pre-period fit
is no worse than five times the treated area's give a spread of "effects" under no effect,
and the interval is the treated ratio divided by their 97.5th and 2.5th percentiles. It is
approximate (few donors make it coarse) and is a second opinion beside the
difference-in-differences interval, not a replacement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.optimize import minimize

from vawg.errors import InputError

__all__ = ["SYNTH_CITATION", "SyntheticControl", "synthetic_control", "synthetic_weights"]

SYNTH_CITATION = (
    "Abadie A, Gardeazabal J (2003) The economic costs of conflict: a case study of the Basque "
    "Country. AER 93(1):113-132; Abadie A, Diamond A, Hainmueller J (2010) Synthetic control "
    "methods for comparative case studies. JASA 105(490):493-505; Abadie A (2021) Using "
    "synthetic controls: feasibility, data requirements, and methodological aspects. J Econ "
    "Lit 59(2):391-425."
)
FloatArray = npt.NDArray[np.float64]
_PLACEBO_FIT_LIMIT = 5.0


def synthetic_weights(treated: npt.ArrayLike, donors: npt.ArrayLike) -> FloatArray:
    """Weights (>= 0, summing to 1) of the donor columns that best match ``treated``.

    ``treated``: the pre-period series (T,); ``donors``: (T, J), one column per donor.
    """
    y = np.asarray(treated, dtype=np.float64)
    x = np.asarray(donors, dtype=np.float64)
    if x.ndim != 2 or x.shape[0] != y.size:
        raise InputError("synthetic_weights: donors must be (periods x donors) matching treated")
    j = x.shape[1]
    if j == 0:
        raise InputError("synthetic_weights: no donors")
    if j == 1:
        return np.ones(1)
    scale = max(float(np.abs(y).max()), float(np.abs(x).max()), 1e-12)
    ys, xs = y / scale, x / scale
    gram, cross = xs.T @ xs, xs.T @ ys

    def loss(w: FloatArray) -> float:
        return float(w @ gram @ w - 2 * cross @ w)

    def grad(w: FloatArray) -> FloatArray:
        return np.asarray(2 * (gram @ w - cross), dtype=np.float64)

    result = minimize(
        loss,
        np.full(j, 1.0 / j),
        jac=grad,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * j,
        constraints=[{"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones(j)}],
        options={"maxiter": 500, "ftol": 1e-12},
    )
    w = np.clip(np.asarray(result.x, dtype=np.float64), 0.0, None)
    return np.asarray(w / w.sum(), dtype=np.float64)


@dataclass(frozen=True)
class SyntheticControl:
    """A synthetic control fit and its placebo inference.

    ``weights``: one per donor (aligned with the donor order given). ``synthetic``: the blend's
    series over every period. ``ratio``: treated over synthetic, summed over the post-period.
    ``ci_low``/``ci_high``: the placebo interval (None when too few usable placebos);
    ``p_value``: placebo rank of the post/pre RMSPE ratio.
    """

    weights: FloatArray
    synthetic: FloatArray
    pre_rmspe: float
    post_rmspe: float
    pre_mean: float
    ratio: float
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    placebos: int
    usable_placebos: int


def _fit(y: FloatArray, x: FloatArray, pre: npt.NDArray[np.bool_]) -> tuple[FloatArray, FloatArray]:
    w = synthetic_weights(y[pre], x[pre])
    return w, x @ w


def _rmspe(gap: FloatArray) -> float:
    return math.sqrt(float(np.mean(gap**2))) if gap.size else math.nan


def _ratio(observed: FloatArray, synthetic: FloatArray) -> float:
    total = float(synthetic.sum())
    return float(observed.sum()) / total if total > 0 else math.nan


def synthetic_control(
    treated: npt.ArrayLike, donors: npt.ArrayLike, pre: npt.ArrayLike
) -> SyntheticControl:
    """Fit the synthetic control of ``treated`` (T,) from ``donors`` (T, J); ``pre`` marks the
    periods before the start (the rest are after)."""
    y = np.asarray(treated, dtype=np.float64)
    x = np.asarray(donors, dtype=np.float64)
    before = np.asarray(pre, dtype=bool)
    if before.sum() < 2 or (~before).sum() < 1:
        raise InputError("synthetic_control: needs 2 or more periods before and 1 after the start")
    weights, synthetic = _fit(y, x, before)
    gap = y - synthetic
    pre_rmspe, post_rmspe = _rmspe(gap[before]), _rmspe(gap[~before])
    ratio = _ratio(y[~before], synthetic[~before])
    scores, ratios, fits = [], [], []
    for j in range(x.shape[1] if x.shape[1] > 2 else 0):
        others = np.delete(x, j, axis=1)
        _, blend = _fit(x[:, j], others, before)
        placebo_gap = x[:, j] - blend
        pre_j = _rmspe(placebo_gap[before])
        scores.append(_rmspe(placebo_gap[~before]) / pre_j if pre_j > 0 else math.inf)
        ratios.append(_ratio(x[~before, j], blend[~before]))
        fits.append(pre_j)
    p_value = None
    ci_low = ci_high = None
    usable = 0
    if scores:
        own = post_rmspe / pre_rmspe if pre_rmspe > 0 else math.inf
        p_value = (1 + sum(s >= own for s in scores)) / (1 + len(scores))
        good = [
            r
            for r, f in zip(ratios, fits, strict=True)
            if math.isfinite(r) and r > 0 and f <= _PLACEBO_FIT_LIMIT * max(pre_rmspe, 1e-12)
        ]
        usable = len(good)
        if usable >= 5 and math.isfinite(ratio) and ratio > 0:
            low_q, high_q = np.quantile(good, [0.025, 0.975])
            ci_low, ci_high = float(ratio / high_q), float(ratio / low_q)
    return SyntheticControl(
        weights=weights,
        synthetic=synthetic,
        pre_rmspe=pre_rmspe,
        post_rmspe=post_rmspe,
        pre_mean=float(y[before].mean()),
        ratio=ratio,
        ci_low=ci_low,
        ci_high=ci_high,
        p_value=p_value,
        placebos=len(scores),
        usable_placebos=usable,
    )
