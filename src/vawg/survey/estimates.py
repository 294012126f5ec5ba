"""Weighted shares, means and differences with linearisation (Taylor series) confidence intervals.

A weighted share or mean is the ratio ``sum(w*y) / sum(w)``. Its variance is estimated by
linearisation for a with-replacement design with one stratum and no clustering (Woodruff 1971;
Lumley 2010, *Complex Surveys*, ch. 2), the estimator of R's ``survey::svymean``:

    var = n / (n - 1) * sum_i z_i^2,   z_i = w_i * 1[i in domain] * (y_i - estimate) / sum_domain(w)

where ``n`` counts everyone who answered the item (the item's base), so a domain (a district,
age band or sex) is a subpopulation of the full design, not a separate sample. With all weights
equal and no domain this is ``p(1-p)/(n-1)``, the usual variance of a mean of 0/1 values.

Intervals for shares are on the logit scale (``ci_method = "logit"``, as ``svyciprop``; a
share of exactly 0 or 1 uses Clopper-Pearson on the effective sample size, after Korn &
Graubard 1998) or Wald (``"wald"``, clipped to 0..1). Means and differences use Wald. The paired
night-vs-day difference is the weighted mean of each respondent's own difference, so the
pairing is in the variance. Disjoint domains are uncorrelated under this design, so a domain is
compared with the rest (``vs_rest``) by adding their variances, and the homogeneity of several
domains is a Wald chi-square on their inverse-variance-weighted mean. The effective sample size
of an estimate is Kish's ``sum(w)^2 / sum(w^2)`` over its base; bases under ``min_base``
effective respondents are flagged (``small_base``), never hidden.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

from vawg.errors import InputError
from vawg.results import to_jsonable
from vawg.stats import clopper_pearson_interval

__all__ = [
    "CI_METHODS",
    "SurveyEstimate",
    "domain_contrast",
    "homogeneity_test",
    "weighted_mean",
    "weighted_share",
]

CI_METHODS = ("logit", "wald")
LEVEL = 0.95
_Z = float(stats.norm.ppf(0.5 + LEVEL / 2))


@dataclass(frozen=True)
class SurveyEstimate:
    """A weighted estimate with its linearised standard error and confidence interval.

    ``n`` is the unweighted base (respondents in the domain who answered), ``n_effective`` the
    Kish effective base, ``small_base`` whether ``n_effective`` is under the minimum.
    ``p_value`` is for differences (test of 0) and is ``None`` for shares and means.
    """

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    se: float | None
    n: int
    n_effective: float
    small_base: bool
    p_value: float | None = None
    count: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """``{estimate, ci_low, ci_high, n, n_effective, small_base, se[, count][, p_value]}``.

        ``count`` (shares only) is the unweighted number of respondents with the attribute.
        """
        out = {
            "estimate": to_jsonable(self.estimate),
            "ci_low": to_jsonable(self.ci_low),
            "ci_high": to_jsonable(self.ci_high),
            "n": self.n,
            "n_effective": to_jsonable(round(self.n_effective, 2)),
            "small_base": self.small_base,
            "se": to_jsonable(self.se),
        }
        if self.count is not None:
            out["count"] = self.count
        if self.p_value is not None:
            out["p_value"] = to_jsonable(self.p_value)
        return out


def _arrays(y: np.ndarray, w: np.ndarray, domain: np.ndarray | None) -> tuple[np.ndarray, ...]:
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    if y.shape != w.shape:
        raise InputError(f"values ({y.shape[0]}) and weights ({w.shape[0]}) differ in length")
    if np.any(~np.isfinite(w)) or np.any(w <= 0):
        raise InputError("weights must all be finite and > 0; fix the weight column")
    d = np.ones(y.shape, dtype=bool) if domain is None else np.asarray(domain, dtype=bool)
    answered = ~np.isnan(y)
    return y, w, d, answered


def _linearised(
    y: np.ndarray, w: np.ndarray, domain: np.ndarray | None
) -> tuple[float | None, float | None, int, float]:
    """(estimate, se, n in domain base, effective n) by linearisation."""
    y, w, d, answered = _arrays(y, w, domain)
    n_design = int(answered.sum())
    inside = answered & d
    n_dom = int(inside.sum())
    if n_dom == 0:
        return None, None, 0, 0.0
    wd, yd = w[inside], y[inside]
    total = float(wd.sum())
    est = float((wd * yd).sum() / total)
    n_eff = total * total / float((wd * wd).sum())
    if n_design < 2:
        return est, None, n_dom, n_eff
    z = wd * (yd - est) / total
    var = n_design / (n_design - 1) * float((z * z).sum())
    return est, math.sqrt(var), n_dom, n_eff


def _share_ci(p: float, se: float | None, n_eff: float, method: str) -> tuple[float, float]:
    if se is None:
        return float("nan"), float("nan")
    if method == "wald":
        return max(0.0, p - _Z * se), min(1.0, p + _Z * se)
    if 0.0 < p < 1.0 and se > 0:
        centre, half = math.log(p / (1 - p)), _Z * se / (p * (1 - p))
        return 1 / (1 + math.exp(-(centre - half))), 1 / (1 + math.exp(-(centre + half)))
    # p is 0 or 1 (or no spread): Clopper-Pearson on the effective sample size.
    return clopper_pearson_interval(min(max(p * n_eff, 0.0), n_eff), n_eff, level=LEVEL)


def _check_method(method: str) -> None:
    if method not in CI_METHODS:
        raise InputError(f"ci_method={method!r} is not one of {', '.join(CI_METHODS)}")


def weighted_share(
    y: np.ndarray,
    w: np.ndarray,
    domain: np.ndarray | None = None,
    *,
    ci_method: str = "logit",
    min_base: float = 30,
) -> SurveyEstimate:
    """Weighted share of ``y == 1`` among those who answered (``y`` is 0/1, NaN = no answer)."""
    _check_method(ci_method)
    values = np.asarray(y, dtype=float)
    if np.any((values != 0) & (values != 1) & ~np.isnan(values)):
        raise InputError("weighted_share: y must be 0, 1 or NaN (no answer)")
    est, se, n, n_eff = _linearised(values, w, domain)
    if est is None:
        return SurveyEstimate(None, None, None, None, 0, 0.0, True)
    low, high = _share_ci(est, se, n_eff, ci_method)
    inside = ~np.isnan(values) & (True if domain is None else np.asarray(domain, dtype=bool))
    count = int(np.sum(values[inside] == 1))
    return SurveyEstimate(est, _num(low), _num(high), se, n, n_eff, n_eff < min_base, None, count)


def weighted_mean(
    y: np.ndarray,
    w: np.ndarray,
    domain: np.ndarray | None = None,
    *,
    min_base: float = 30,
    test_zero: bool = False,
) -> SurveyEstimate:
    """Weighted mean of ``y`` (NaN = no answer) with a Wald interval; a p-value for 0 if asked."""
    est, se, n, n_eff = _linearised(np.asarray(y, dtype=float), w, domain)
    if est is None:
        return SurveyEstimate(None, None, None, None, 0, 0.0, True)
    if se is None:
        return SurveyEstimate(est, None, None, None, n, n_eff, n_eff < min_base)
    p = _two_sided(est, se) if test_zero else None
    return SurveyEstimate(est, est - _Z * se, est + _Z * se, se, n, n_eff, n_eff < min_base, p)


def _two_sided(diff: float, se: float) -> float:
    if se <= 0:
        return 0.0 if diff != 0 else 1.0
    return float(2 * stats.norm.sf(abs(diff) / se))


def _num(value: float) -> float | None:
    return value if math.isfinite(value) else None


def domain_contrast(
    y: np.ndarray, w: np.ndarray, domain: np.ndarray, *, min_base: float = 30
) -> SurveyEstimate:
    """The domain's estimate minus the rest's (disjoint, so their variances add), with a p-value."""
    inside = _linearised(y, w, domain)
    outside = _linearised(y, w, ~np.asarray(domain, dtype=bool))
    if inside[0] is None or outside[0] is None or inside[1] is None or outside[1] is None:
        return SurveyEstimate(None, None, None, None, inside[2], inside[3], True)
    diff = inside[0] - outside[0]
    se = math.sqrt(inside[1] ** 2 + outside[1] ** 2)
    return SurveyEstimate(
        diff,
        diff - _Z * se,
        diff + _Z * se,
        se,
        inside[2],
        inside[3],
        inside[3] < min_base,
        _two_sided(diff, se),
    )


def homogeneity_test(estimates: list[SurveyEstimate]) -> tuple[float, int, float]:
    """Wald chi-square that every domain has the same value: ``(statistic, df, p_value)``.

    Domains with no estimate or a zero standard error are left out.
    """
    usable = [e for e in estimates if e.estimate is not None and e.se is not None and e.se > 0]
    if len(usable) < 2:
        return float("nan"), 0, float("nan")
    est = np.array([e.estimate for e in usable], dtype=float)
    inv = 1.0 / np.array([e.se for e in usable], dtype=float) ** 2
    pooled = float((est * inv).sum() / inv.sum())
    statistic = float(((est - pooled) ** 2 * inv).sum())
    df = len(usable) - 1
    return statistic, df, float(stats.chi2.sf(statistic, df))
