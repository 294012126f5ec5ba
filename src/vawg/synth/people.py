"""Perpetrators, their careers, and the victims they harm: the people behind the rows.

The unit of generation is the perpetrator, not the crime. Each perpetrator has a career in
"operational time" (days of the generation window, stretched where crime is more likely; see
``calendar.py``): a start drawn uniformly from [-A, W) and a number of *dyads* (victim
relationships), each with its own offset inside the career, a span, and a number of crimes. A
dyad is one perpetrator and one victim: an intimate relationship (partner, then perhaps ex-
partner after separation), a family member, an acquaintance or a stranger. Because every crime
lies within A days of its perpetrator's start, the crimes falling in [0, W) are uniform in
operational time, whatever the career shapes: the daily planted effects stay exact, and careers
are censored at both ends of the window as in a real extract.

Heavy tails (``heavy_tailed_careers``): a perpetrator's number of dyads is 1 + negative
binomial, and crimes per dyad are 1 + Poisson(perpetrator intensity x dyad frailty x mean),
both gamma-mixed so a few perpetrators are prolific and most offend once; intimate dyads repeat
most. Off, the same means with Poisson counts (concentration by chance only).

Noise the VAWG scope must exclude comes from perpetrator *kinds* other than ``CORE`` (adult men
harming women and girls): boys under 18, female suspects, male victims, non-domestic
``other`` offences, and crimes whose suspect was never identified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from vawg.synth.sampling import categorical

__all__ = [
    "CAREER_REACH_DAYS",
    "KIND_NAMES",
    "REL_NAMES",
    "Cast",
    "career_parameters",
    "draw_cast",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

# Perpetrator kinds.
CORE, YOUTH, FEMALE_SUSPECT, MALE_VICTIM, OTHER_NON_DA, UNIDENTIFIED = range(6)
KIND_NAMES = ("core", "youth", "female_suspect", "male_victim", "other_non_da", "unidentified")

# Dyad relationship kinds (an intimate dyad's crimes are recorded as partner or ex_partner).
INTIMATE, FAMILY, ACQUAINTANCE, STRANGER = range(4)
REL_NAMES = ("intimate", "family", "acquaintance", "stranger")

# Every crime lies within this many operational days after its perpetrator's career start.
CAREER_REACH_DAYS = 2200.0
_MAX_CAREER_OFFSET = 900.0
_MAX_DYAD_SPAN = 1200.0

# Perpetrators per unit scale, by kind, before censoring by the window. The CORE figure is
# calibrated so that scale 1.0 gives about 49,000 distinct in-scope offenders (see README).
KIND_COUNTS: dict[int, float] = {
    CORE: 114_600.0,
    YOUTH: 2_600.0,
    FEMALE_SUSPECT: 4_500.0,
    MALE_VICTIM: 6_500.0,
    OTHER_NON_DA: 4_500.0,
    UNIDENTIFIED: 13_000.0,
}

# P(relationship kind) by perpetrator kind; CORE splits into domestic / non-domestic offenders.
_REL_PROBS: dict[str, tuple[float, float, float, float]] = {
    "core_domestic": (0.84, 0.13, 0.03, 0.00),
    "core_non_domestic": (0.04, 0.01, 0.50, 0.45),
    "youth": (0.15, 0.35, 0.50, 0.00),
    "female_suspect": (0.20, 0.50, 0.30, 0.00),
    "male_victim": (0.62, 0.10, 0.18, 0.10),
    "other_non_da": (0.00, 0.00, 0.40, 0.60),
    "unidentified": (0.00, 0.00, 0.25, 0.75),
    "male_victim_by_female": (0.85, 0.10, 0.05, 0.00),
}
_CORE_DOMESTIC_SHARE = 0.76
# Poisson careers put fewer crimes on the same people, so more distinct people reach the
# window; this keeps the null model's distinct offenders and victims at the same volume.
_NULL_CORE_FACTOR = 0.968
_NULL_EXTRA_CRIMES_FACTOR = 1.157

# Extra dyads per perpetrator (mean) and negative-binomial size; extra crimes per dyad (mean).
_EXTRA_DYADS = {CORE: 0.25, YOUTH: 0.10, FEMALE_SUSPECT: 0.10, MALE_VICTIM: 0.15}
_EXTRA_DYADS_SIZE = 0.45
_EXTRA_CRIMES = (1.6, 1.0, 0.45, 0.12)  # by relationship kind
_INTENSITY_SHAPE = 2.5  # gamma shape of perpetrator intensity (mean 1)
_ONE_OFF_SHARE = 0.32  # share of perpetrators with one dyad and one crime (heavy model)
_DYAD_FRAILTY_SHAPE = 4.0
_NOISE_EXTRA_CRIMES_FACTOR = 0.5  # noise perpetrators repeat less

# Dyad span (operational days): lognormal median and sigma by relationship kind.
_SPAN_MEDIAN = (260.0, 160.0, 25.0, 2.0)
_SPAN_SIGMA = (0.9, 1.0, 1.2, 1.0)


@dataclass(frozen=True)
class Cast:
    """Perpetrators (``perp_*``) and dyads (``dyad_*``), as aligned numpy arrays.

    ``dyad_start`` is in operational days of the window (may be negative or beyond it);
    ``dyad_separation`` is the fraction of an intimate dyad's span after which crimes are
    recorded as ex-partner crimes (1 = never separated, 0 = already separated).
    """

    perp_kind: IntArray
    perp_domestic: npt.NDArray[np.bool_]
    perp_female: npt.NDArray[np.bool_]
    dyad_perp: IntArray
    dyad_rel: IntArray
    dyad_crimes: IntArray
    dyad_start: FloatArray
    dyad_span: FloatArray
    dyad_separation: FloatArray

    @property
    def n_perps(self) -> int:
        return int(self.perp_kind.size)

    @property
    def n_dyads(self) -> int:
        return int(self.dyad_perp.size)


def _gamma_mean_one(shape: float, n: int, rng: np.random.Generator, heavy: bool) -> FloatArray:
    if not heavy:
        return np.ones(n)
    return rng.gamma(shape, 1.0 / shape, n)


def draw_cast(scale: float, window_days: float, heavy: bool, rng: np.random.Generator) -> Cast:
    """Draw every perpetrator and dyad whose career could touch the window."""
    counts = {k: round(v * scale) for k, v in KIND_COUNTS.items()}
    if not heavy:
        counts[CORE] = round(KIND_COUNTS[CORE] * _NULL_CORE_FACTOR * scale)
    kind = np.concatenate([np.full(n, k, dtype=np.int64) for k, n in sorted(counts.items())])
    n_perps = kind.size
    domestic = (kind == CORE) & (rng.random(n_perps) < _CORE_DOMESTIC_SHARE)
    # Female perpetrators: all female suspects, most perpetrators of the male-victim noise.
    female = (kind == FEMALE_SUSPECT) | ((kind == MALE_VICTIM) & (rng.random(n_perps) < 0.75))
    intensity = _gamma_mean_one(_INTENSITY_SHAPE, n_perps, rng, heavy)
    one_off = np.zeros(n_perps, dtype=bool)
    if heavy:
        # Zero-inflation: a share of perpetrators offend once against one victim; the rest
        # carry the same total (means scaled up), so volumes do not change.
        one_off = rng.random(n_perps) < _ONE_OFF_SHARE
        intensity = np.where(one_off, 0.0, intensity / (1 - _ONE_OFF_SHARE))

    extra_mean = np.zeros(n_perps)
    for k, m in _EXTRA_DYADS.items():
        extra_mean[kind == k] = m
    if heavy:
        size = _EXTRA_DYADS_SIZE
        mean = np.maximum(extra_mean / (1 - _ONE_OFF_SHARE), 1e-12)
        extra = rng.negative_binomial(size, size / (size + mean))
        extra = np.where((extra_mean > 0) & ~one_off, extra, 0)
    else:
        extra = rng.poisson(extra_mean)
    n_dyads_per_perp = (1 + extra).astype(np.int64)

    dyad_perp = np.repeat(np.arange(n_perps, dtype=np.int64), n_dyads_per_perp)
    n_dyads = dyad_perp.size
    dkind = kind[dyad_perp]

    # Row of _REL_PROBS for each dyad (kind, split by domestic / female perpetrator).
    row_names = list(_REL_PROBS)
    row = np.full(n_dyads, row_names.index("unidentified"), dtype=np.int64)
    for k in (YOUTH, FEMALE_SUSPECT, MALE_VICTIM, OTHER_NON_DA):
        row[dkind == k] = row_names.index(KIND_NAMES[k])
    core = dkind == CORE
    row[core] = np.where(
        domestic[dyad_perp[core]],
        row_names.index("core_domestic"),
        row_names.index("core_non_domestic"),
    )
    row[(dkind == MALE_VICTIM) & female[dyad_perp]] = row_names.index("male_victim_by_female")
    rel = categorical(np.asarray(list(_REL_PROBS.values())), row, rng)

    frailty = _gamma_mean_one(_DYAD_FRAILTY_SHAPE, n_dyads, rng, heavy)
    extra_crimes = np.asarray(_EXTRA_CRIMES)[rel] * np.where(
        dkind == CORE, 1.0, _NOISE_EXTRA_CRIMES_FACTOR
    )
    if not heavy:
        extra_crimes = extra_crimes * _NULL_EXTRA_CRIMES_FACTOR
    crimes = 1 + rng.poisson(intensity[dyad_perp] * frailty * extra_crimes)

    span = np.minimum(
        rng.lognormal(np.log(np.asarray(_SPAN_MEDIAN)[rel]), np.asarray(_SPAN_SIGMA)[rel]),
        _MAX_DYAD_SPAN,
    )
    span = np.where(crimes == 1, 0.0, span)
    # Career: dyads spread over up to ~300 days per extra dyad, capped.
    career_len = np.minimum(
        rng.exponential(300.0, n_perps) * (n_dyads_per_perp - 1), _MAX_CAREER_OFFSET
    )
    career_start = rng.uniform(-CAREER_REACH_DAYS, window_days, n_perps)
    dyad_start = career_start[dyad_perp] + rng.random(n_dyads) * career_len[dyad_perp]

    separated = rng.random(n_dyads)
    sep = np.where(
        separated < 0.35, 1.0, np.where(separated < 0.55, 0.0, rng.uniform(0.3, 0.9, n_dyads))
    )
    sep = np.where(rel == INTIMATE, sep, 1.0)
    return Cast(
        perp_kind=kind,
        perp_domestic=domestic,
        perp_female=female,
        dyad_perp=dyad_perp,
        dyad_rel=rel,
        dyad_crimes=crimes.astype(np.int64),
        dyad_start=dyad_start,
        dyad_span=span,
        dyad_separation=sep,
    )


def career_parameters(heavy: bool) -> dict[str, Any]:
    """The perpetrator and career parameters, for truth.json."""
    return {
        "perpetrators_per_unit_scale": {KIND_NAMES[k]: v for k, v in KIND_COUNTS.items()},
        "null_core_factor": None if heavy else _NULL_CORE_FACTOR,
        "core_domestic_share": _CORE_DOMESTIC_SHARE,
        "relationship_mix_by_perpetrator": {
            k: dict(zip(REL_NAMES, v, strict=True)) for k, v in _REL_PROBS.items()
        },
        "extra_dyads_mean": {KIND_NAMES[k]: v for k, v in _EXTRA_DYADS.items()},
        "extra_crimes_per_dyad_mean": dict(zip(REL_NAMES, _EXTRA_CRIMES, strict=True)),
        "noise_extra_crimes_factor": _NOISE_EXTRA_CRIMES_FACTOR,
        "heavy_tailed": heavy,
        "one_off_share": _ONE_OFF_SHARE if heavy else 0.0,
        "intensity_gamma_shape": _INTENSITY_SHAPE if heavy else None,
        "dyad_frailty_gamma_shape": _DYAD_FRAILTY_SHAPE if heavy else None,
        "extra_dyads_negative_binomial_size": _EXTRA_DYADS_SIZE if heavy else None,
        "dyad_span_median_days": dict(zip(REL_NAMES, _SPAN_MEDIAN, strict=True)),
        "career_reach_days": CAREER_REACH_DAYS,
    }
