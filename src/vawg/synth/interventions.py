"""Safer Streets interventions in real Kent town centres, with a planted, recorded effect.

The newsletter of the Kent PCC (summer 2022) names the town centres that Safer Streets money
went to: Gillingham, Ramsgate, Ashford, Canterbury, Rochester and Chatham, then Maidstone,
Canterbury again, Rochester and Chatham again, and Gravesham. The interventions below are
placed in the synthetic town-centre LSOAs of those towns (see ``areas.py``); their kinds follow
the newsletter, but their **start dates, costs and exact areas are ASSUMPTIONS** made for the
synthetic force, not the real schemes. One is given as a point and radius, to exercise that
form of the contract.

Outside Kent (the national geography, or one English force) the town centres are unnamed
proxies (:mod:`vawg.synth.geography`), so the same eight schemes (kinds, dates, costs and
funders) are placed by :func:`schemes` in the most populous districts: the largest district of
each of the most populous forces first, then the next largest districts. Each covers a town of
three town-centre LSOAs: the district's most populous town-centre LSOA and the two of its
town-centre LSOAs nearest it. These places are ASSUMPTIONS too.

The planted effect (:class:`~vawg.synth.params.SaferStreetsEffects`): from the start date,
each public-place crime committed in the evening or at night in a treated LSOA is prevented
with probability ``1 - rate_ratio``; a share of the prevented crimes is displaced into the
ring of LSOAs around the area (centroids within ``ring_metres``), the rest do not happen.
The truth recorded for each intervention: its LSOAs and ring, the rate ratio, the displaced
share and the ring's expected rate ratio (from the planted public-place shares of the LSOAs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from vawg.synth.areas import TOWN_CENTRES, AreaModel
from vawg.synth.crimes import PUBLIC
from vawg.synth.params import SaferStreetsEffects

__all__ = ["PLANNED", "InterventionPlan", "Scheme", "plant_interventions", "schemes"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# (id, name, type, town, start, end, cost in pounds, funder, radius in metres or 0 = the town's
# town-centre LSOAs). ASSUMPTIONS for the synthetic force: dates, costs and areas are made up.
PLANNED: tuple[tuple[str, str, str, str, str, str | None, float, str, float], ...] = (
    ("SS1-GILLINGHAM", "Gillingham: street lighting", "lighting", "Gillingham",
     "2020-01-01", None, 240_000.0, "Home Office Safer Streets Fund round 1", 0.0),
    ("SS1-RAMSGATE", "Ramsgate: CCTV", "cctv", "Ramsgate",
     "2020-01-01", None, 210_000.0, "Home Office Safer Streets Fund round 1", 0.0),
    ("SS2-ASHFORD", "Ashford: Safe Spaces in late-night venues", "safe_space", "Ashford",
     "2020-10-01", None, 120_000.0, "Home Office Safer Streets Fund round 2", 0.0),
    ("SS2-CANTERBURY", "Canterbury: active bystander training", "bystander_training",
     "Canterbury", "2020-10-01", "2021-09-30", 95_000.0,
     "Home Office Safer Streets Fund round 2", 600.0),
    ("SS2-CHATHAM", "Chatham: fly-tipping and graffiti removal", "environmental", "Chatham",
     "2020-10-01", "2021-03-31", 80_000.0, "Home Office Safer Streets Fund round 2", 0.0),
    ("SS2-ROCHESTER", "Rochester: CCTV and lighting", "cctv", "Rochester",
     "2020-10-01", None, 160_000.0, "Home Office Safer Streets Fund round 2", 0.0),
    ("SS3-MAIDSTONE", "Maidstone: outreach workers at night", "outreach", "Maidstone",
     "2021-04-01", None, 310_000.0, "Home Office Safer Streets Fund round 3", 0.0),
    ("SS3-GRAVESEND", "Gravesend: safe travel home", "safe_travel", "Gravesend",
     "2021-04-01", None, 185_000.0, "Home Office Safer Streets Fund round 3", 0.0),
)  # fmt: skip

_DAY0 = date(1970, 1, 1)
_TOWN_LSOAS = 3  # town-centre LSOAs of a town outside Kent (as the proxy flags a town)


@dataclass(frozen=True)
class Scheme:
    """One planned intervention: a row of :data:`PLANNED`, placed on the area model.

    ``treated``: the indices of the LSOAs it covers; ``centre``: the point it is given as
    (with ``radius``) in interventions.csv, or None when it is given as a list of LSOAs.
    """

    intervention_id: str
    name: str
    kind: str
    town: str
    start: str
    end: str | None
    cost: float
    funder: str
    treated: IntArray
    centre: tuple[int, int] | None
    radius: float


@dataclass(frozen=True)
class InterventionPlan:
    """What :func:`plant_interventions` did: the file, the new crime LSOAs and the truth."""

    table: pl.DataFrame  # interventions.csv in contract column order
    crime_lsoa: IntArray  # after displacement
    prevented: BoolArray
    truth: dict[str, Any]


def _days(iso: str) -> int:
    return (date.fromisoformat(iso) - _DAY0).days


def _treated(areas: AreaModel, town: str, radius: float) -> IntArray:
    """Indices of the LSOAs an intervention covers (the same rule as the analysis)."""
    table = areas.table
    if radius <= 0:
        names = table["town_centre_name"].to_list()
        return np.asarray([i for i, n in enumerate(names) if n == town], dtype=np.int64)
    east = table["easting"].to_numpy().astype(np.float64)
    north = table["northing"].to_numpy().astype(np.float64)
    x, y = next((e, n) for name, e, n, _ in TOWN_CENTRES if name == town)
    inside = np.flatnonzero(np.hypot(east - x, north - y) <= radius)
    return inside.astype(np.int64)


def _kent_schemes(areas: AreaModel) -> list[Scheme]:
    out = []
    for plan_id, name, kind, town, start, end, cost, funder, radius in PLANNED:
        centre = next((e, n) for t, e, n, _ in TOWN_CENTRES if t == town) if radius else None
        out.append(
            Scheme(plan_id, name, kind, town, start, end, cost, funder,
                   _treated(areas, town, radius), centre, radius)
        )  # fmt: skip
    return out


def _largest_districts(table: pl.DataFrame, n: int) -> list[str]:
    """``n`` districts with town centres: the largest of each force (forces by population),
    then the next largest districts."""
    flagged = table.filter(pl.col("town_centre"))["district"].unique()
    by_district = (
        table.filter(pl.col("district").is_in(flagged.implode()))
        .group_by("district", "force")
        .agg(pl.col("population").sum())
        .with_columns(force_population=pl.col("population").sum().over("force"))
        .sort(["force_population", "population", "district"], descending=[True, True, False])
    )
    first = by_district.unique("force", keep="first", maintain_order=True)["district"].to_list()
    rest = [d for d in by_district["district"].to_list() if d not in first]
    return (first + rest)[:n]


def _town_schemes(areas: AreaModel) -> list[Scheme]:
    table = areas.table.with_row_index("row")
    if "force" not in table.columns:
        table = table.with_columns(force=pl.lit(""))
    out = []
    districts = _largest_districts(table, len(PLANNED))
    for plan, district in zip(PLANNED, districts, strict=False):
        plan_id, name, kind, _, start, end, cost, funder, _ = plan
        centres = table.filter(pl.col("district") == district, pl.col("town_centre"))
        peak = centres.sort(["population", "lsoa_code"], descending=[True, False]).row(
            0, named=True
        )
        near = centres.with_columns(
            metres=((pl.col("easting") - peak["easting"]) ** 2
                    + (pl.col("northing") - peak["northing"]) ** 2).sqrt()
        ).sort("metres", "lsoa_code")  # fmt: skip
        treated = np.sort(near["row"].head(_TOWN_LSOAS).to_numpy().astype(np.int64))
        scheme_id = f"{plan_id.split('-')[0]}-{district.upper().replace(' ', '-')}"
        what = name.split(": ", 1)[1]
        out.append(
            Scheme(scheme_id, f"{district}: {what}", kind, district, start, end, cost, funder,
                   treated, None, 0.0)
        )  # fmt: skip
    return out


def schemes(areas: AreaModel) -> list[Scheme]:
    """The planned interventions on ``areas``: Kent's named town centres when the areas are
    Kent's (they carry town names), else the largest districts' proxy town centres."""
    if areas.table["town_centre_name"].drop_nulls().len():
        return _kent_schemes(areas)
    return _town_schemes(areas)


def _ring(areas: AreaModel, treated: IntArray, all_treated: IntArray, metres: float) -> IntArray:
    east = areas.table["easting"].to_numpy().astype(np.float64)
    north = areas.table["northing"].to_numpy().astype(np.float64)
    near = np.zeros(east.size, dtype=bool)
    for i in treated:
        near |= np.hypot(east - east[i], north - north[i]) <= metres
    near[all_treated] = False
    return np.flatnonzero(near).astype(np.int64)


def _evening(hour: IntArray, start: int, end: int) -> BoolArray:
    if start > end:
        return np.asarray((hour >= start) | (hour < end), dtype=bool)
    return np.asarray((hour >= start) & (hour < end), dtype=bool)


def plant_interventions(
    areas: AreaModel,
    crime_lsoa: IntArray,
    committed_day: IntArray,
    hour: IntArray,
    place_class: IntArray,
    unknown_location: BoolArray,
    effects: SaferStreetsEffects,
    rng: np.random.Generator,
) -> InterventionPlan:
    """Prevent (and partly displace) the treated areas' evening and night public-place crimes.

    ``committed_day`` is in days since 1970-01-01. The interventions file is written whatever
    the effect (a null force has the same interventions with no effect).
    """
    planned = schemes(areas)
    all_treated = np.unique(np.concatenate([plan.treated for plan in planned]))
    codes = areas.table["lsoa_code"].to_list()
    lsoa = crime_lsoa.copy()
    prevented = np.zeros(lsoa.size, dtype=bool)
    public_night = (
        (place_class == PUBLIC)
        & ~unknown_location
        & _evening(hour, effects.evening_from, effects.evening_to)
    )
    rows, truth = [], []
    for plan in planned:
        treated, start = plan.treated, plan.start
        ring = _ring(areas, treated, all_treated, effects.ring_metres)
        hit = public_night & np.isin(crime_lsoa, treated) & (committed_day >= _days(start))
        hit &= ~prevented
        stop = hit & (rng.random(lsoa.size) >= effects.rate_ratio)
        move = stop & (rng.random(lsoa.size) < effects.displacement_share) & (ring.size > 0)
        if ring.size and move.any():
            weights = areas.public_prob[ring] / areas.public_prob[ring].sum()
            lsoa[move] = ring[rng.choice(ring.size, size=int(move.sum()), p=weights)]
        prevented |= stop & ~move
        treated_p = float(areas.public_prob[treated].sum())
        ring_p = float(areas.public_prob[ring].sum())
        moved = effects.displacement_share * (1 - effects.rate_ratio)
        x, y = plan.centre if plan.centre else (None, None)
        rows.append(
            {
                "intervention_id": plan.intervention_id,
                "name": plan.name,
                "type": plan.kind,
                "lsoa_codes": None if plan.centre else ";".join(codes[i] for i in treated),
                "easting": x,
                "northing": y,
                "radius_m": plan.radius if plan.centre else None,
                "start_date": start,
                "end_date": plan.end,
                "cost": plan.cost,
                "funder": plan.funder,
            }
        )
        truth.append(
            {
                "intervention_id": plan.intervention_id,
                "town": plan.town,
                "start_date": start,
                "treated_lsoas": [codes[i] for i in treated],
                "ring_lsoas": [codes[i] for i in ring],
                "rate_ratio": effects.rate_ratio,
                "displacement_share": effects.displacement_share,
                "ring_rate_ratio_expected": (
                    1.0 + moved * treated_p / ring_p if ring_p > 0 else None
                ),
                "prevented_crimes": int((stop & ~move).sum()),
                "displaced_crimes": int(move.sum()),
            }
        )
    table = pl.DataFrame(
        rows,
        schema={
            "intervention_id": pl.String,
            "name": pl.String,
            "type": pl.String,
            "lsoa_codes": pl.String,
            "easting": pl.Int64,
            "northing": pl.Int64,
            "radius_m": pl.Float64,
            "start_date": pl.String,
            "end_date": pl.String,
            "cost": pl.Float64,
            "funder": pl.String,
        },
    )
    return InterventionPlan(
        table=table,
        crime_lsoa=lsoa,
        prevented=prevented,
        truth={
            "outcome": (
                "in-scope VAWG crimes in public places (location type other than dwelling or "
                f"unknown) committed from {effects.evening_from:02d}:00 to "
                f"{effects.evening_to:02d}:00, per LSOA and month"
            ),
            "rate_ratio": effects.rate_ratio,
            "displacement_share": effects.displacement_share,
            "ring_metres": effects.ring_metres,
            "effect_applies": (
                "from the start date to the end of the data (also after an end date): crimes "
                "prevented with probability 1 - rate_ratio, a share of them displaced into the "
                "ring; counts prevented and displaced cover all crimes, in scope or not"
            ),
            "interventions": truth,
        },
    )
