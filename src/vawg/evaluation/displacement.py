"""Did crime move next door? The weighted displacement quotient (Bowers & Johnson 2003).

With ``A`` the treated area, ``B`` the surrounding ring (the buffer) and ``C`` the comparison
areas, counted before (``b``) and after (``a``) the start:

    WDQ = (B_a / C_a - B_b / C_b) / (A_a / C_a - A_b / C_b)

The denominator is the success measure: how far the treated area fell relative to the
comparison areas (negative when it fell). The numerator is the same for the ring. A WDQ above
0 means the ring fell too (**diffusion of benefits**); below 0, the ring rose (**displacement**);
below -1, more crime moved into the ring than the treated area lost. The quotient means
nothing when the treated area did not fall (denominator 0 or more), and it is then not given.

Its interval is a parametric bootstrap: each of the six counts is redrawn as Poisson around
its observed value (seeded) and the quotient recomputed; the 2.5th and 97.5th percentiles of
the draws whose denominator is still negative give the interval, and the share of draws where
the denominator was not negative is reported (a large share means the interval is shaky).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from vawg.errors import InputError

__all__ = ["WDQ_CITATION", "DisplacementQuotient", "weighted_displacement_quotient"]

WDQ_CITATION = (
    "Bowers KJ, Johnson SD (2003) Measuring the geographical displacement and diffusion of "
    "benefit effects of crime prevention activity. J Quant Criminol 19(3):275-301; Guerette RT, "
    "Bowers KJ (2009) Assessing the extent of crime displacement and diffusion of benefits: a "
    "review of situational crime prevention evaluations. Criminology 47(4):1331-1368."
)


@dataclass(frozen=True)
class DisplacementQuotient:
    """The WDQ with its bootstrap interval; ``wdq`` is None when the treated area did not fall.

    ``reading``: ``diffusion of benefits``, ``displacement``, ``no clear change in the ring`` or
    ``not meaningful``.
    """

    wdq: float | None
    ci_low: float | None
    ci_high: float | None
    success: float
    buffer_change: float
    reading: str
    unstable_share: float
    counts: dict[str, int]


def _quotient(
    a_b: np.ndarray,
    a_a: np.ndarray,
    b_b: np.ndarray,
    b_a: np.ndarray,
    c_b: np.ndarray,
    c_a: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with np.errstate(divide="ignore", invalid="ignore"):
        success = a_a / c_a - a_b / c_b
        buffer = b_a / c_a - b_b / c_b
        return buffer / success, success, buffer


def weighted_displacement_quotient(
    treated: tuple[int, int],
    ring: tuple[int, int],
    comparison: tuple[int, int],
    *,
    draws: int = 9999,
    seed: int = 0,
) -> DisplacementQuotient:
    """The WDQ from (before, after) counts of the treated area, the ring and the comparisons.

    The before and after periods must be the same for all three.
    """
    counts = {
        "treated_before": int(treated[0]),
        "treated_after": int(treated[1]),
        "ring_before": int(ring[0]),
        "ring_after": int(ring[1]),
        "comparison_before": int(comparison[0]),
        "comparison_after": int(comparison[1]),
    }
    if any(v < 0 for v in counts.values()):
        raise InputError("weighted_displacement_quotient: counts must be 0 or more")
    if comparison[0] <= 0 or comparison[1] <= 0:
        return DisplacementQuotient(
            None, None, None, math.nan, math.nan, "not meaningful", 1.0, counts
        )
    values = [np.asarray([float(v)]) for v in (*treated, *ring, *comparison)]
    wdq, success, buffer = _quotient(*values)
    s, bf = float(success[0]), float(buffer[0])
    rng = np.random.default_rng(seed)
    sampled = [rng.poisson(max(float(v[0]), 0.0), draws).astype(np.float64) for v in values]
    q, s_draw, _ = _quotient(*sampled)
    ok = (s_draw < 0) & np.isfinite(q)
    unstable = float(1 - ok.mean())
    if s >= 0:
        return DisplacementQuotient(None, None, None, s, bf, "not meaningful", unstable, counts)
    low = high = None
    if ok.sum() >= 100:
        low, high = (float(x) for x in np.quantile(q[ok], [0.025, 0.975]))
    value = float(wdq[0])
    if low is not None and high is not None and low > 0:
        reading = "diffusion of benefits"
    elif low is not None and high is not None and high < 0:
        reading = "displacement"
    else:
        reading = "no clear change in the ring"
    return DisplacementQuotient(value, low, high, s, bf, reading, unstable, counts)
