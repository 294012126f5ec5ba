"""Age as a driver: people involved in in-scope crime per 1,000 residents, by age band.

For offenders (men 18+) and victims (women), the number of distinct people involved during the
period in each age band (age on the first in-scope crime), divided by the resident population
of that sex and band, with a 95% interval (exact Poisson, Garwood 1936) and the rate ratio
against a reference band (Wald interval on the log scale). The population for 18-24 is the
16-24 band x 7/9 (ages assumed evenly spread in the band). Male populations in the shipped
reference are an ASSUMPTION (female x a fixed ratio; see vawg.datasets), so the offender
rates are indicative; their ratios between bands are unaffected by a constant ratio.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import polars as pl

from vawg.errors import InputError
from vawg.results import Params, ResultMixin
from vawg.stats import poisson_interval

__all__ = ["AGE_BANDS", "AgeProfileResult", "age_profile"]

AGE_BANDS: tuple[tuple[str, int, int, str, float], ...] = (
    # label, lowest age, highest age, population band, share of that band's population
    ("18-24", 18, 24, "16-24", 7 / 9),
    ("25-34", 25, 34, "25-34", 1.0),
    ("35-44", 35, 44, "35-44", 1.0),
    ("45-54", 45, 54, "45-54", 1.0),
    ("55-64", 55, 64, "55-64", 1.0),
    ("65+", 65, 200, "65+", 1.0),
)
AGE_CITATION = (
    "Garwood F (1936) Fiducial limits for the Poisson distribution. Biometrika 28:437-442; "
    "Rothman KJ, Greenland S, Lash TL (2008) Modern Epidemiology, 3rd ed. (rate ratios)."
)


@dataclass(frozen=True)
class AgeProfileResult(ResultMixin):
    """``table``: role, age_band, people, population, rate_per_1000, ci_low, ci_high,
    rate_ratio, rr_ci_low, rr_ci_high (against ``reference_band``)."""

    params: Params
    table: pl.DataFrame
    reference_band: str


def _band(age: int) -> str | None:
    for label, lo, hi, _, _ in AGE_BANDS:
        if lo <= age <= hi:
            return label
    return None


def age_profile(
    people: pl.DataFrame,
    population: pl.DataFrame,
    *,
    reference_band: str = "25-34",
    params: Params | None = None,
) -> AgeProfileResult:
    """``people``: role (offender/victim), person_id, age (at the first in-scope crime).
    ``population``: sex, age_band, population (summed over areas)."""
    for column in ("role", "person_id", "age"):
        if column not in people.columns:
            raise InputError(f"age profile: people lacks {column!r}")
    if reference_band not in [b[0] for b in AGE_BANDS]:
        raise InputError(f"age profile: reference_band={reference_band!r} is not an age band")
    pop = population.group_by("sex", "age_band").agg(pl.col("population").sum())
    lookup = {(r["sex"], r["age_band"]): float(r["population"]) for r in pop.to_dicts()}
    rows = []
    for role, sex in (("offender", "M"), ("victim", "F")):
        who = people.filter(pl.col("role") == role, pl.col("age").is_not_null())
        first = who.group_by("person_id").agg(pl.col("age").min())
        bands = [_band(int(a)) for a in first["age"].to_list()]
        counts = {label: bands.count(label) for label, *_ in AGE_BANDS}
        reference = counts[reference_band]
        ref_pop = 0.0
        for label, _, _, pop_band, share in AGE_BANDS:
            if label == reference_band:
                ref_pop = lookup.get((sex, pop_band), 0.0) * share
        for label, _, _, pop_band, share in AGE_BANDS:
            n = counts[label]
            p = lookup.get((sex, pop_band), 0.0) * share
            if p <= 0:
                continue
            low, high = poisson_interval(n)
            if n > 0 and reference > 0 and ref_pop > 0:
                rr = (n / p) / (reference / ref_pop)
                se = math.sqrt(1 / n + 1 / reference) if label != reference_band else 0.0
                rr_low, rr_high = rr * math.exp(-1.96 * se), rr * math.exp(1.96 * se)
            else:
                rr = rr_low = rr_high = math.nan
            rows.append(
                {
                    "role": role,
                    "age_band": label,
                    "people": n,
                    "population": round(p),
                    "rate_per_1000": 1000 * n / p,
                    "ci_low": 1000 * low / p,
                    "ci_high": 1000 * high / p,
                    "rate_ratio": rr,
                    "rr_ci_low": rr_low,
                    "rr_ci_high": rr_high,
                }
            )
    return AgeProfileResult(
        params=params
        or Params(
            method="people involved per 1,000 residents by sex and age band; exact Poisson CIs",
            citation=AGE_CITATION,
        ),
        table=pl.DataFrame(rows),
        reference_band=reference_band,
    )
