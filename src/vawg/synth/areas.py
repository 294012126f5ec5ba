"""Kent and Medway LSOAs with synthetic pubs and town centres, and the planted area model.

The LSOAs, populations, IMD deciles and population-weighted centroids are real (shipped
reference data). Two things are not, and the README says so:

* **Town centres.** The LSOAs whose centroids are nearest the centres of Kent's main towns are
  flagged (3 for the larger towns, 2 for the smaller). The town-centre coordinates below are
  approximate British National Grid positions of each high street, an ASSUMPTION read off
  Ordnance Survey grid references to about 100 m, not a published boundary. Each flagged LSOA
  carries its town's name (``town_centre_name``), so whole town centres can be ranked.
* **Pubs per LSOA.** Only district totals are published (ONS, 2018), so each district's real
  total is allocated to its LSOAs by a multinomial draw, with ten times the weight in
  town-centre LSOAs and gamma-distributed variation elsewhere.

Each LSOA then gets an expected share of home crimes proportional to
``population * exp(x'beta_home) * g`` and of public crimes ``population * exp(x'beta_public) * g``
with x = (IMD decile, pubs, town centre) and g a mean-one gamma frailty of variance alpha shared
by both classes, so LSOA counts are negative binomial given x.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from vawg.errors import InputError
from vawg.synth.params import AreaEffects, PlantedEffects

__all__ = [
    "TOWN_CENTRES",
    "AreaModel",
    "build_area_model",
    "pseudo_true_combined",
    "town_centre_towns",
]

# (town, easting, northing, LSOAs to flag): approximate BNG of each town's high street (ASSUMPTION).
TOWN_CENTRES: tuple[tuple[str, int, int, int], ...] = (
    ("Maidstone", 575900, 155700, 3),
    ("Canterbury", 615000, 157800, 3),
    ("Ashford", 601200, 142800, 3),
    ("Dartford", 554200, 174200, 3),
    ("Gravesend", 564700, 174200, 3),
    ("Margate", 635200, 170900, 3),
    ("Ramsgate", 638200, 164800, 3),
    ("Folkestone", 622900, 135900, 3),
    ("Dover", 631800, 141400, 3),
    ("Tunbridge Wells", 558600, 139500, 3),
    ("Sevenoaks", 553000, 155200, 2),
    ("Tonbridge", 559100, 146500, 2),
    ("Sittingbourne", 590700, 163800, 3),
    ("Chatham", 575800, 167700, 3),
    ("Rochester", 574300, 168500, 2),
    ("Gillingham", 577700, 168300, 3),
    ("Herne Bay", 617600, 168200, 2),
    ("Whitstable", 610700, 166600, 2),
    ("Deal", 637600, 152800, 2),
    ("Faversham", 601700, 161300, 2),
)

_TOWN_CENTRE_PUB_WEIGHT = 10.0

_REQUIRED = ("lsoa_code", "district", "population", "imd_decile", "easting", "northing")


@dataclass(frozen=True)
class AreaModel:
    """LSOA attributes and the planted per-LSOA crime shares (arrays aligned with ``table``)."""

    table: pl.DataFrame  # lsoa_code, district, population, imd_decile, pubs, town_centre, e, n,
    # town_centre_name
    district_index: npt.NDArray[np.int64]
    districts: tuple[str, ...]
    frailty: npt.NDArray[np.float64]
    home_prob: npt.NDArray[np.float64]
    public_prob: npt.NDArray[np.float64]

    def design(self) -> npt.NDArray[np.float64]:
        """Columns (IMD decile, pubs, town centre 0/1) as floats."""
        return _design(self.table)

    def areas_frame(self) -> pl.DataFrame:
        """The ``areas.csv`` table in contract column order (imd_score left empty)."""
        return self.table.select(
            "lsoa_code",
            "district",
            "population",
            pl.lit(None, dtype=pl.Float64).alias("imd_score"),
            "imd_decile",
            "pubs",
            pl.when(pl.col("town_centre"))
            .then(pl.lit("Y"))
            .otherwise(pl.lit("N"))
            .alias("town_centre"),
            "easting",
            "northing",
            *(["force"] if "force" in self.table.columns else []),
            "town_centre_name",
        )


def _design(table: pl.DataFrame) -> npt.NDArray[np.float64]:
    return np.column_stack(
        [
            table["imd_decile"].to_numpy().astype(np.float64),
            table["pubs"].to_numpy().astype(np.float64),
            table["town_centre"].to_numpy().astype(np.float64),
        ]
    )


def town_centre_towns(
    east: npt.NDArray[np.float64], north: npt.NDArray[np.float64]
) -> list[str | None]:
    """The town whose centre each LSOA is flagged for (None for the rest).

    The ``k`` LSOAs whose centroids are nearest each town's high street; an LSOA near two
    high streets keeps the first town in ``TOWN_CENTRES``.
    """
    towns: list[str | None] = [None] * east.size
    for town, e, n, k in TOWN_CENTRES:
        dist = np.hypot(east - e, north - n)
        for i in np.argsort(dist, kind="stable")[:k]:
            if towns[i] is None:
                towns[i] = town
    return towns


def _flag_town_centres(
    east: npt.NDArray[np.float64], north: npt.NDArray[np.float64]
) -> list[str | None]:
    """Each LSOA's town centre (``None``: not a town-centre LSOA)."""
    return town_centre_towns(east, north)


def _allocate_pubs(
    district_index: npt.NDArray[np.int64],
    district_totals: npt.NDArray[np.int64],
    town_centre: npt.NDArray[np.bool_],
    rng: np.random.Generator,
) -> npt.NDArray[np.int64]:
    weight = rng.gamma(1.5, 1 / 1.5, district_index.size)
    weight = np.where(town_centre, _TOWN_CENTRE_PUB_WEIGHT * weight + 4.0, weight)
    pubs = np.zeros(district_index.size, dtype=np.int64)
    for d, total in enumerate(district_totals):
        members = np.flatnonzero(district_index == d)
        w = weight[members]
        pubs[members] = rng.multinomial(int(total), w / w.sum())
    return pubs


def _class_prob(
    population: npt.NDArray[np.float64],
    x: npt.NDArray[np.float64],
    eff: AreaEffects,
    frailty: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    beta = np.log([eff.imd_decile_step, eff.pubs, eff.town_centre])
    w = population * np.exp(x @ beta) * frailty
    return np.asarray(w / w.sum(), dtype=np.float64)


def build_area_model(
    lsoas: pl.DataFrame, effects: PlantedEffects, rng: np.random.Generator
) -> AreaModel:
    """Flag town centres, allocate pubs, draw frailties and the per-class LSOA shares."""
    missing = [c for c in (*_REQUIRED, "district_pubs") if c not in lsoas.columns]
    if missing:
        raise InputError(
            f"the shipped LSOA reference lacks columns {missing}; reinstall vawg-insight "
            "or rebuild src/vawg/datasets with scripts/."
        )
    t = lsoas.sort("lsoa_code")
    districts = tuple(sorted(t["district"].unique().to_list()))
    district_index = (
        t["district"].replace_strict(districts, list(range(len(districts)))).to_numpy()
    ).astype(np.int64)
    totals = (
        t.group_by("district")
        .agg(pl.col("district_pubs").first())
        .sort("district")["district_pubs"]
        .to_numpy()
        .astype(np.int64)
    )
    east = t["easting"].to_numpy().astype(np.float64)
    north = t["northing"].to_numpy().astype(np.float64)
    # A geography outside Kent brings its own (proxy) flags, unnamed: see vawg.synth.geography.
    if "town_centre" in t.columns:
        town_centre = t["town_centre"].to_numpy().astype(bool)
        town_names: list[str | None] = [None] * t.height
    else:
        town_names = _flag_town_centres(east, north)
        town_centre = np.asarray([name is not None for name in town_names], dtype=bool)
    pubs = _allocate_pubs(district_index, totals, town_centre, rng)
    table = t.select(
        "lsoa_code",
        "district",
        pl.col("population").cast(pl.Int64),
        pl.col("imd_decile").cast(pl.Int64),
        pl.Series("pubs", pubs, dtype=pl.Int64),
        pl.Series("town_centre", town_centre, dtype=pl.Boolean),
        pl.col("easting").round(0).cast(pl.Int64),
        pl.col("northing").round(0).cast(pl.Int64),
        *([pl.col("force")] if "force" in t.columns else []),
        pl.Series("town_centre_name", town_names, dtype=pl.String),
    )
    alpha = effects.area_alpha
    frailty = rng.gamma(1 / alpha, alpha, t.height) if alpha > 0 else np.ones(t.height)
    population = table["population"].to_numpy().astype(np.float64)
    x = _design(table)
    return AreaModel(
        table=table,
        district_index=district_index,
        districts=districts,
        frailty=frailty,
        home_prob=_class_prob(population, x, effects.home_area, frailty),
        public_prob=_class_prob(population, x, effects.public_area, frailty),
    )


def _poisson_irls(
    y: npt.NDArray[np.float64], x: npt.NDArray[np.float64], offset: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    design = np.column_stack([np.ones(y.size), x])
    beta = np.zeros(design.shape[1])
    beta[0] = np.log(y.sum() / np.exp(offset).sum())
    for _ in range(50):
        mu = np.exp(design @ beta + offset)
        z = design @ beta + (y - mu) / mu
        wx = design * mu[:, None]
        new = np.linalg.solve(design.T @ wx, wx.T @ z)
        if np.max(np.abs(new - beta)) < 1e-12:
            return new
        beta = new
    return beta


def pseudo_true_combined(
    model: AreaModel, effects: PlantedEffects, home_total: float, public_total: float
) -> dict[str, float]:
    """Rate ratios a Poisson/NB GLM on home + public counts converges to (the pseudo-true values).

    The sum of two log-linear classes is not log-linear, so the combined model's estimand is
    the projection of the expected counts (frailty averaged out) onto the log-linear family.
    """
    population = model.table["population"].to_numpy().astype(np.float64)
    x = model.design()
    ones = np.ones(population.size)
    expected = home_total * _class_prob(population, x, effects.home_area, ones) + (
        public_total * _class_prob(population, x, effects.public_area, ones)
    )
    beta = _poisson_irls(expected, x, np.log(population))
    rr = np.exp(beta[1:])
    return {
        "imd_decile_step": float(rr[0]),
        "pubs": float(rr[1]),
        "town_centre": float(rr[2]),
    }
