"""Area model: in-scope crimes per LSOA against deprivation, pubs and town centres.

For each outcome (crimes at home, in public places, and all together) a negative binomial
(NB2) GLM of the LSOA count with log(population) as offset, so every effect is a rate ratio
on crimes per resident, with the Poisson fit and dispersion tests beside it
(:mod:`vawg.models.glm`). Terms, with stable keys:

* ``imd_decile_step``: per one-decile step in the Index of Multiple Deprivation decile. Decile
  1 is the most deprived, so a ratio below 1 means more crime where deprivation is higher.
* ``pubs``: per licensed pub or bar in the LSOA. When ``pubs`` only varies between districts
  (the public data: ONS counts pubs by local authority, not by LSOA) the term becomes district
  pubs per 10,000 district residents, standard errors are clustered by district and intervals
  use t with (districts - 1) degrees of freedom: the estimate then rests on a dozen or so
  district values and is confounded with everything else that differs between districts. It
  can say whether districts with more pubs per head have more recorded VAWG per head; it
  cannot say that pubs in a place raise crime there.
* ``town_centre``: an LSOA flagged as a town centre, against all others.

A term with no variation (or absent) is dropped, with a note. Residual spatial
autocorrelation is checked with Moran's I of the NB Pearson residuals on the hot-spot weights
(row-standardised), with inference under randomisation (Cliff & Ord 1981): a clear positive I
means neighbouring LSOAs share something the covariates miss, and the standard errors are
then optimistic.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import polars as pl

from vawg.errors import InputError, ModelError
from vawg.models.glm import NB_CITATION, CountFit, fit_count_model
from vawg.results import Estimate, Params, ResultMixin
from vawg.spatial.weights import SpatialWeights

__all__ = [
    "AREA_TERMS",
    "OUTCOMES",
    "AreaModelResult",
    "MoranCheck",
    "area_design",
    "fit_area_model",
]

AREA_TERMS = ("imd_decile_step", "pubs", "town_centre")
OUTCOMES = ("home", "public", "all")
_SOURCE = {"imd_decile_step": "imd_decile", "pubs": "pubs", "town_centre": "town_centre"}
_TERM_WORDS = {
    "imd_decile_step": "Deprivation",
    "pubs": "Pubs",
    "town_centre": "Town-centre status",
}
"""Each term in words, for the notes a report prints."""

MORAN_CITATION = (
    "Moran PAP (1950) Notes on continuous stochastic phenomena. Biometrika 37:17-23; Cliff AD, "
    "Ord JK (1981) Spatial Processes. Pion (moments under randomisation); esda.Moran (PySAL)."
)


@dataclass(frozen=True)
class MoranCheck:
    """Moran's I of one model's residuals."""

    outcome: str
    morans_i: float
    expected: float
    z: float
    p_value: float


@dataclass(frozen=True)
class AreaModelResult(ResultMixin):
    """Rate ratios per outcome. ``table``: outcome, model (the reported model's ``method_used``,
    then the Poisson beside it), term, rate_ratio, ci_low, ci_high, p_value. ``effects``: the headline rate ratios (from ``headline_outcome``) by stable key."""

    params: Params
    table: pl.DataFrame
    fit_table: pl.DataFrame
    fits: dict[str, CountFit]
    moran: dict[str, MoranCheck]
    effects: dict[str, Estimate]
    headline_outcome: str
    units: dict[str, str]
    pubs_level: str
    areas: int
    notes: tuple[str, ...]
    lsoas: pl.DataFrame = field(default_factory=pl.DataFrame)
    """One row per LSOA modelled, for the headline outcome: lsoa_code, district, crimes,
    expected (the model's fitted count), excess_ratio (crimes / expected: above 1, more crime
    than deprivation, pubs, town-centre status and population predict)."""


def _excess(data: pl.DataFrame, outcome: str, fitted: np.ndarray) -> pl.DataFrame:
    """Each LSOA's crimes against the model's expectation (see ``AreaModelResult.lsoas``)."""
    expected = pl.Series("expected", fitted, dtype=pl.Float64)
    return data.select(
        "lsoa_code", "district", pl.col(outcome).cast(pl.Int64).alias("crimes")
    ).with_columns(expected, excess_ratio=pl.col("crimes") / expected)


def _varies(series: pd.Series) -> bool:
    return bool(series.notna().all() and series.nunique() > 1)


def area_design(
    frame: pl.DataFrame,
) -> tuple[pd.DataFrame, dict[str, str], str, tuple[str, ...]]:
    """The design matrix (const + terms), units per term, pubs level and notes."""
    required = ("lsoa_code", "district", "population")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise InputError(
            f"area model: the area table lacks {', '.join(missing)}; load areas.csv (see the data contract)"
        )
    data = frame.to_pandas()
    notes: list[str] = []
    units: dict[str, str] = {}
    columns: dict[str, pd.Series] = {"const": pd.Series(1.0, index=data.index)}
    pubs_level = "none"
    for term in AREA_TERMS:
        source = _SOURCE[term]
        if source not in data.columns or data[source].isna().all():
            notes.append(
                f"{_TERM_WORDS[term]}: not known for the areas covered, so not in the model."
            )
            continue
        values = data[source].astype(float)
        if values.isna().any():
            notes.append(
                f"{term}: {int(values.isna().sum())} LSOAs have no {source}; they are left out."
            )
        if not values.dropna().nunique() > 1:
            notes.append(f"{term}: {source} does not vary, so it cannot be estimated.")
            continue
        if term == "pubs":
            within = data.assign(_v=values).groupby("district")["_v"].nunique(dropna=True)
            if bool((within <= 1).all()):
                pubs_level = "district"
                pop = data.groupby("district")["population"].transform("sum").astype(float)
                values = values / pop * 10_000
                units[term] = "per extra pub per 10,000 residents in the district"
                notes.append(
                    "pubs vary only between districts (district totals): the pubs effect is "
                    "estimated from the district values alone, with standard errors clustered by "
                    "district, and is confounded with everything else about a district."
                )
            else:
                pubs_level = "lsoa"
                units[term] = "per licensed pub or bar in the LSOA"
        elif term == "imd_decile_step":
            units[term] = "per one-decile step towards less deprived (decile 1 = most deprived)"
        else:
            units[term] = "town-centre LSOA vs all other LSOAs"
        columns[term] = values
    return pd.DataFrame(columns), units, pubs_level, tuple(notes)


def _moran(outcome: str, residuals: np.ndarray, w: object) -> MoranCheck:
    import esda

    moran = esda.Moran(residuals, w, permutations=0)
    return MoranCheck(
        outcome, float(moran.I), float(moran.EI), float(moran.z_rand), float(moran.p_rand)
    )


def _rows(outcome: str, model: str, estimates: dict[str, Estimate]) -> list[dict[str, object]]:
    return [
        {
            "outcome": outcome,
            "model": model,
            "term": term,
            "rate_ratio": e.estimate,
            "ci_low": e.ci_low,
            "ci_high": e.ci_high,
            "p_value": e.p_value,
        }
        for term, e in estimates.items()
    ]


def fit_area_model(
    frame: pl.DataFrame,
    *,
    outcomes: Sequence[str] = OUTCOMES,
    weights: SpatialWeights | None = None,
    headline_outcome: str | None = None,
    params: Params | None = None,
) -> AreaModelResult:
    """Fit the area model to ``frame``: one row per LSOA with the area columns and a count
    column per outcome (``home``, ``public``, ``all``). The headline effects come from
    ``headline_outcome`` (default ``all`` when modelled, else the first outcome)."""
    if headline_outcome is None:
        headline_outcome = "all" if "all" in outcomes else outcomes[0]
    for outcome in outcomes:
        if outcome not in frame.columns:
            raise InputError(
                f"area model: no count column {outcome!r}; columns are {', '.join(frame.columns)}"
            )
    if headline_outcome not in outcomes:
        raise InputError(f"area model: headline_outcome={headline_outcome!r} is not in {outcomes}")
    if (frame["population"] <= 0).any():
        raise InputError("area model: every LSOA needs a population > 0 (the exposure)")
    design, units, pubs_level, notes = area_design(frame)
    terms = tuple(c for c in design.columns if c != "const")
    if not terms:
        raise ModelError(
            "area model: no area column varies; load areas.csv with IMD, pubs or town centres"
        )
    keep = design.notna().all(axis=1).to_numpy()
    design = design.loc[keep].reset_index(drop=True)
    data = frame.filter(pl.Series(keep))
    offset = np.log(data["population"].cast(pl.Float64).to_numpy())
    groups = data["district"].to_numpy() if pubs_level == "district" else None
    fits: dict[str, CountFit] = {}
    moran: dict[str, MoranCheck] = {}
    rows: list[dict[str, object]] = []
    w = None
    if weights is not None:
        if tuple(data["lsoa_code"].to_list()) == weights.ids:
            w = weights.to_libpysal()
            w.transform = "R"
        else:
            notes = (
                *notes,
                "Moran's I is not computed: the weights do not cover exactly the LSOAs modelled.",
            )
    for outcome in outcomes:
        y = data[outcome].cast(pl.Float64).to_numpy()
        fit = fit_count_model(y, design, offset, outcome=outcome, terms=terms, groups=groups)
        fits[outcome] = fit
        if fit.is_fallback:
            notes = (*notes, f"{outcome}: {fit.method_used}. {fit.method_note}")
        rows += _rows(outcome, fit.method_used, fit.rate_ratios)
        rows += _rows(outcome, "Poisson", fit.poisson_rate_ratios)
        if w is not None:
            moran[outcome] = _moran(outcome, fit.pearson_residuals, w)
    fit_rows = []
    for outcome, fit in fits.items():
        m = moran.get(outcome)
        fit_rows.append(
            {
                "outcome": outcome,
                "lsoas": fit.n,
                "crimes": fit.events,
                "method_used": fit.method_used,
                "alpha": fit.alpha.estimate,
                "alpha_ci_low": fit.alpha.ci_low,
                "alpha_ci_high": fit.alpha.ci_high,
                "aic_nb": fit.aic_nb,
                "aic_poisson": fit.aic_poisson,
                "pearson_chi2_df_poisson": fit.dispersion.pearson_chi2_df,
                "cameron_trivedi_p": fit.dispersion.cameron_trivedi_p,
                "lr_alpha_p": fit.dispersion.lr_p_value,
                "morans_i": m.morans_i if m else math.nan,
                "morans_i_p": m.p_value if m else math.nan,
                "standard_errors": fit.cov_type
                + (f" by district ({fit.clusters})" if fit.clusters else ""),
            }
        )
    headline = fits[headline_outcome]
    effects = {
        term: headline.rate_ratios.get(term, Estimate(math.nan, math.nan, math.nan))
        for term in AREA_TERMS
    }
    return AreaModelResult(
        params=params
        or Params(
            method="negative binomial (NB2) GLM of crimes per LSOA, offset log(population); "
            "Poisson beside it; Moran's I of residuals",
            citation=NB_CITATION + " " + MORAN_CITATION,
        ),
        table=pl.DataFrame(rows),
        fit_table=pl.DataFrame(fit_rows),
        fits=fits,
        moran=moran,
        effects=effects,
        headline_outcome=headline_outcome,
        units=units,
        pubs_level=pubs_level,
        areas=int(keep.sum()),
        notes=notes,
        lsoas=_excess(data, headline_outcome, headline.fitted),
    )
