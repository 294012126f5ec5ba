"""Raking (iterative proportional fitting) of survey weights to population margins, with trimming.

Deming & Stephan (1940) iterative proportional fitting: starting from base weights (1, or the
weights supplied), the weights are scaled in turn so the weighted share of each level of each
raking variable equals its population share, cycling until no share is more than ``tolerance``
from its target. Extreme weights are then trimmed: capped at ``trim_ratio`` times the median
weight and re-raked, repeating until no weight exceeds the cap by more than 1% (Kalton & Flores-
Cervantes 2003, *J. Official Statistics* 19(2)). Final weights are scaled to average 1.

Respondents whose level of a raking variable has no population margin (sex ``U``, a missing age
band, a district outside the margins) keep their sample share of that variable; the other
levels share the rest in population proportion. A margin level nobody in the sample has cannot be
reached: it is dropped (and said) and the remaining levels are rescaled.

Kish's design effect from unequal weights is ``n * sum(w^2) / sum(w)^2`` and the effective
sample size ``n / deff`` (Kish 1965, *Survey Sampling*).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from vawg.errors import InputError
from vawg.results import Params, to_jsonable
from vawg.schema.labels import label
from vawg.survey.margins import Margins

__all__ = ["MISSING_LEVEL", "RakingResult", "kish", "rake"]

MISSING_LEVEL = "(missing)"
CITATION = (
    "Deming & Stephan (1940) Ann. Math. Statist. 11(4):427-444; Kalton & Flores-Cervantes "
    "(2003) J. Official Statistics 19(2):81-97; Kish (1965) Survey Sampling."
)


def kish(weights: np.ndarray) -> tuple[float, float]:
    """Kish's design effect from unequal weights and the effective sample size ``(deff, n_eff)``."""
    w = np.asarray(weights, dtype=float)
    if w.size == 0:
        return float("nan"), 0.0
    total, squares = float(w.sum()), float((w * w).sum())
    n_eff = total * total / squares if squares > 0 else 0.0
    return w.size / n_eff if n_eff > 0 else float("nan"), n_eff


@dataclass(frozen=True)
class RakingResult:
    """Raked weights and how well they meet the margins.

    ``weights`` (``respondent_id, weight``) is respondent-level and is left out of ``to_dict``.
    ``table`` has one row per variable and level: ``target_share`` (population, after the
    adjustments in the module docstring), ``sample_share`` (base-weighted), ``weighted_share``,
    ``respondents``. ``design_effect``/``n_effective`` are Kish's, from the final weights.
    """

    params: Params
    weights: pl.DataFrame
    table: pl.DataFrame
    converged: bool
    iterations: int
    max_margin_error: float
    design_effect: float
    n: int
    n_effective: float
    trimmed: int
    trim_ratio: float
    max_weight_ratio: float
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe summary (no respondent-level weights)."""
        return {
            "method": self.params.method,
            "citation": self.params.citation,
            "converged": self.converged,
            "iterations": self.iterations,
            "max_margin_error": to_jsonable(self.max_margin_error),
            "design_effect": to_jsonable(self.design_effect),
            "n": self.n,
            "n_effective": to_jsonable(self.n_effective),
            "trimmed": self.trimmed,
            "trim_ratio": self.trim_ratio,
            "max_weight_ratio": to_jsonable(self.max_weight_ratio),
            "notes": list(self.notes),
            "margins": to_jsonable(self.table),
        }


@dataclass
class _Variable:
    name: str
    codes: np.ndarray  # level index per respondent
    levels: list[str]
    targets: np.ndarray  # share per level


def _check(
    sample: pl.DataFrame, margins: Margins, tolerance: float, max_iterations: int, trim_ratio: float
) -> None:
    if sample.height == 0:
        raise InputError("rake: the sample is empty; load public_survey.csv first")
    missing = [v for v in ("respondent_id", *margins.variables) if v not in sample.columns]
    if missing:
        raise InputError(f"rake: the sample has no column {', '.join(missing)}")
    if not margins.variables:
        raise InputError(
            "rake: the margins give no raking variable; give district, sex or age_band"
        )
    if not tolerance > 0:
        raise InputError(f"rake: tolerance={tolerance!r} must be > 0, e.g. 1e-6")
    if max_iterations < 1:
        raise InputError(f"rake: max_iterations={max_iterations!r} must be at least 1, e.g. 100")
    if trim_ratio != 0 and not trim_ratio > 1:
        raise InputError(
            f"rake: trim_ratio={trim_ratio!r} must be > 1 (a multiple of the median weight) or 0 "
            "for no trimming, e.g. 5"
        )


def _variables(
    sample: pl.DataFrame, margins: Margins, base: np.ndarray, notes: list[str]
) -> list[_Variable]:
    out = []
    for name in margins.variables:
        values = sample[name].cast(pl.String).fill_null(MISSING_LEVEL).to_list()
        population = margins.levels(name)
        levels = sorted(set(values) | set(population))
        index = {lv: i for i, lv in enumerate(levels)}
        codes = np.array([index[v] for v in values], dtype=np.int64)
        sample_share = np.bincount(codes, weights=base, minlength=len(levels)) / base.sum()
        present = sample_share > 0
        absent = [lv for lv in population if not present[index[lv]]]
        if absent:
            notes.append(
                f"No one who answered is in {_levels(name, absent)} ({label(name, 'field')}), "
                "so the weights cannot match the population there; the other groups are "
                "scaled up to make up the whole"
            )
        unmatched = [lv for lv in levels if lv not in population and present[index[lv]]]
        fixed = float(sum(sample_share[index[lv]] for lv in unmatched))
        if unmatched:
            notes.append(
                f"People with no population figure for their {label(name, 'field')} "
                f"({_levels(name, unmatched)}) are not weighted by it: they keep their share "
                "of those who answered"
            )
        known = np.array([population.get(lv, 0.0) if present[index[lv]] else 0.0 for lv in levels])
        if known.sum() == 0:
            raise InputError(
                f"rake: no respondent has a {name} level that is in the margins "
                f"({', '.join(sorted(population))}); check the spelling of the levels"
            )
        targets = known / known.sum() * (1.0 - fixed)
        for lv in unmatched:
            targets[index[lv]] = sample_share[index[lv]]
        out.append(_Variable(name, codes, levels, targets))
    return out


def _ipf(
    w: np.ndarray, variables: list[_Variable], tolerance: float, max_iterations: int
) -> tuple[np.ndarray, int, float]:
    w = w.copy()
    error = float("inf")
    for iteration in range(1, max_iterations + 1):
        for var in variables:
            totals = np.bincount(var.codes, weights=w, minlength=len(var.levels))
            wanted = var.targets * w.sum()
            factor = np.divide(wanted, totals, out=np.ones_like(totals), where=totals > 0)
            w *= factor[var.codes]
        error = _error(w, variables)
        if error < tolerance:
            return w, iteration, error
    return w, max_iterations, error


def _error(w: np.ndarray, variables: list[_Variable]) -> float:
    worst = 0.0
    for var in variables:
        shares = np.bincount(var.codes, weights=w, minlength=len(var.levels)) / w.sum()
        worst = max(worst, float(np.max(np.abs(shares - var.targets))))
    return worst


def _levels(variable: str, levels: list[str]) -> str:
    """Levels of a raking variable in words (sex codes as words; others as they are)."""
    return ", ".join(label(lv, "sex").lower() if variable == "sex" else lv for lv in levels)


def rake(
    sample: pl.DataFrame,
    margins: Margins,
    *,
    base_weights: np.ndarray | None = None,
    tolerance: float = 1e-6,
    max_iterations: int = 100,
    trim_ratio: float = 5.0,
    max_trim_rounds: int = 20,
) -> RakingResult:
    """Rake ``sample`` (``respondent_id`` and the margins' variables) to ``margins``.

    ``base_weights`` (e.g. weights supplied with the survey) are the starting weights; default 1.
    ``trim_ratio`` caps weights at that multiple of the median (0 = no trimming).
    """
    _check(sample, margins, tolerance, max_iterations, trim_ratio)
    n = sample.height
    base = np.ones(n) if base_weights is None else np.asarray(base_weights, dtype=float)
    if base.shape != (n,) or not np.all(np.isfinite(base)) or np.any(base <= 0):
        raise InputError(
            "rake: base_weights must be one finite weight > 0 per respondent; "
            "fix or drop the weight column"
        )
    notes: list[str] = []
    variables = _variables(sample, margins, base, notes)
    w, iterations, error = _ipf(base / base.mean(), variables, tolerance, max_iterations)
    converged = error < tolerance
    ever_capped = np.zeros(n, dtype=bool)
    rounds = 0
    while trim_ratio and converged and rounds < max_trim_rounds:
        cap = trim_ratio * float(np.median(w))
        if w.max() <= cap * 1.01:
            break
        ever_capped |= w > cap
        w, more, error = _ipf(np.minimum(w, cap), variables, tolerance, max_iterations)
        iterations += more
        converged = error < tolerance
        rounds += 1
    if trim_ratio and rounds == max_trim_rounds:
        notes.append(
            f"trimming stopped after {rounds} rounds: the largest weight is "
            f"{w.max() / np.median(w):.1f} x the median (cap {trim_ratio:g}); the margins and the "
            "cap cannot both be met, consider coarser margins or a higher cap"
        )
    if not converged:
        notes.append(
            f"raking did not converge in {max_iterations} iterations (largest margin error "
            f"{error:.2g}); the weights meet the margins only approximately"
        )
    w = w / w.mean()
    deff, n_eff = kish(w)
    rows = []
    for var in variables:
        weighted = np.bincount(var.codes, weights=w, minlength=len(var.levels)) / w.sum()
        sampled = np.bincount(var.codes, weights=base, minlength=len(var.levels)) / base.sum()
        counts = np.bincount(var.codes, minlength=len(var.levels))
        for i, level in enumerate(var.levels):
            rows.append(
                (
                    var.name,
                    level,
                    float(var.targets[i]),
                    float(sampled[i]),
                    float(weighted[i]),
                    int(counts[i]),
                )
            )
    table = pl.DataFrame(
        rows,
        schema=[
            "variable",
            "level",
            "target_share",
            "sample_share",
            "weighted_share",
            "respondents",
        ],
        orient="row",
    )
    params = Params(
        method="raking (iterative proportional fitting) with weight trimming",
        citation=CITATION,
        settings={
            "tolerance": tolerance,
            "max_iterations": max_iterations,
            "trim_ratio": trim_ratio,
            "margins": margins.source,
            "base_weights": "supplied" if base_weights is not None else "equal",
        },
    )
    weights = pl.DataFrame({"respondent_id": sample["respondent_id"], "weight": w})
    return RakingResult(
        params=params,
        weights=weights,
        table=table,
        converged=converged,
        iterations=iterations,
        max_margin_error=error,
        design_effect=deff,
        n=n,
        n_effective=n_eff,
        trimmed=int(ever_capped.sum()),
        trim_ratio=trim_ratio,
        max_weight_ratio=float(w.max() / np.median(w)),
        notes=(*margins.assumptions, *notes),
    )
