"""Open-data mode: what a profile can say from police.uk street-level files alone.

police.uk publishes every recorded crime as a row with a month, an anonymised snap point
("On or near ..."), its LSOA, a broad crime type and the latest outcome category. It has no
victim or suspect, no sex or age, no domestic abuse flag and no offence code, so VAWG cannot
be picked out: the nearest category is the broad "Violence and sexual offences" (VSO), which
includes violence against men and by women. This module reports what can be said honestly:
VSO volumes by month and district (rates per 1,000 female residents are given only as context,
since victims' sex is unknown), place by LSOA and by snap-point type, and last outcome
categories; and it states what cannot be said.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date

import ibis
import polars as pl

from vawg.datasets import district_population
from vawg.profile.data import district_lookup, to_polars
from vawg.query import Tables
from vawg.results import Params, ResultMixin
from vawg.stats import poisson_rate_interval

__all__ = ["NOT_POSSIBLE", "VSO", "OpenDataResult", "open_data_profile"]

VSO = "Violence and sexual offences"
POINTS_OF_INTEREST = (
    "Nightclub",
    "Theatre/Concert Hall",
    "Supermarket",
    "Shopping Area",
    "Parking Area",
    "Petrol Station",
    "Sports/Recreation Area",
    "Park/Open Space",
    "Pedestrian Subway",
    "Hospital",
    "Police Station",
    "Further/Higher Educational Building",
    "Bus/Coach Station",
    "Airport/Airfield",
    "Conference/Exhibition Centre",
    "Prison",
)
NOT_POSSIBLE = (
    "Which crimes are violence against women and girls: police.uk gives no victim or suspect "
    "sex, no domestic abuse flag and one broad 'Violence and sexual offences' category.",
    "Numbers of perpetrators or victims, repeat victims or repeat perpetrators: there are no "
    "person identifiers.",
    "Ages, relationships, or offending by men aged 18+.",
    "Harm (Crime Harm Index) and harm concentration: no offence codes.",
    "Priority perpetrators (RFGV).",
    "Home versus public: locations are anonymised snap points, not location types; a snap "
    "point on a street may be a home on that street.",
    "Time of day or day of week: only the month is published.",
    "Reliable outcomes: the last outcome category is a snapshot that changes and is not "
    "quality-assured.",
)


@dataclass(frozen=True)
class OpenDataResult(ResultMixin):
    """The open-data profile (police.uk street-level files).

    ``table``/``by_month``: month, all_crimes, vso, vso_share, low_month (VSO below 60% of the
    median month: probably a recording artefact). ``by_crime_type``: crime_type, crimes.
    ``by_district``: district, vso, female_population, vso_per_1000_female_per_year, ci_low,
    ci_high. ``by_lsoa``: the LSOAs with most VSO (lsoa_code, lsoa_name, district, vso).
    ``lsoa_concentration``: top_pct of LSOAs, lsoas, vso_share. ``outcomes``:
    last_outcome_category, vso, share. ``location_kinds``: kind, vso.
    """

    params: Params
    months: tuple[date, date] | None
    rows: int
    vso_crimes: int | None
    no_location: int | None
    outside_area: int | None
    table: pl.DataFrame
    by_month: pl.DataFrame
    by_crime_type: pl.DataFrame
    by_district: pl.DataFrame
    by_lsoa: pl.DataFrame
    lsoa_concentration: pl.DataFrame
    outcomes: pl.DataFrame
    location_kinds: pl.DataFrame
    not_possible: tuple[str, ...]
    public: bool = False


def open_data_profile(tables: Tables, *, top_lsoas: int = 25) -> OpenDataResult:
    """Profile the police.uk street-level rows loaded in ``tables``."""
    street = tables.police_street
    crimes = street.filter(street.crime_type != "Anti-social behaviour")
    vso = crimes.filter(crimes.crime_type == VSO)
    by_type = to_polars(crimes.group_by("crime_type").aggregate(crimes=crimes.count())).sort(
        "crimes", descending=True
    )
    monthly_all = to_polars(crimes.group_by("month").aggregate(all_crimes=crimes.count()))
    monthly_vso = to_polars(vso.group_by("month").aggregate(vso=vso.count()))
    by_month = (
        monthly_all.join(monthly_vso, on="month", how="left")
        .with_columns(pl.col("vso").fill_null(0).cast(pl.Int64))
        .sort("month")
        .with_columns(vso_share=pl.col("vso") / pl.col("all_crimes"))
    )
    median = statistics.median(by_month["vso"].to_list()) if by_month.height else 0
    by_month = by_month.with_columns(low_month=pl.col("vso") < 0.6 * median)
    n_months = by_month.height
    lookup, source = district_lookup(tables)
    with_lsoa = vso.filter(vso.lsoa_code.notnull())
    names = to_polars(
        with_lsoa.group_by("lsoa_code").aggregate(lsoa_name=with_lsoa.lsoa_name.max())
    )
    reference = (
        to_polars(lookup)
        .join(names, on="lsoa_code", how="left")
        .select("lsoa_code", "lsoa_name", "district")
    )
    placed = vso.left_join(lookup, "lsoa_code")
    district_counts = to_polars(
        placed.group_by(
            district=ibis.cases(
                (placed.lsoa_code.isnull(), "No location"),
                (placed.district.isnull(), "Outside the area reference"),
                else_=placed.district,
            )
        ).aggregate(vso=placed.count())
    )
    female = (
        district_population()
        .filter(pl.col("sex") == "F")
        .group_by("district")
        .agg(female_population=pl.col("population").sum())
    )
    by_district = district_counts.join(female, on="district", how="left").sort("district")
    years = n_months / 12.0
    rates = [
        (c / (p * years / 1000.0), *poisson_rate_interval(int(c), p * years / 1000.0))
        if p and years
        else (None, None, None)
        for c, p in zip(by_district["vso"], by_district["female_population"], strict=True)
    ]
    by_district = by_district.with_columns(
        vso_per_1000_female_per_year=pl.Series([r[0] for r in rates], dtype=pl.Float64),
        ci_low=pl.Series([r[1] for r in rates], dtype=pl.Float64),
        ci_high=pl.Series([r[2] for r in rates], dtype=pl.Float64),
    )
    located = vso.filter(vso.lsoa_code.notnull())
    per_lsoa = to_polars(located.group_by("lsoa_code").aggregate(vso=located.count()))
    # Every LSOA of the area reference, with zero where none was recorded.
    all_lsoas = (
        reference.join(per_lsoa, on="lsoa_code", how="left")
        .with_columns(pl.col("vso").fill_null(0).cast(pl.Int64))
        .sort(["vso", "lsoa_code"], descending=[True, False])
    )
    total_in_area = int(all_lsoas["vso"].sum())
    concentration = pl.DataFrame(
        {
            "top_pct": [1, 5, 10, 20],
            "lsoas": [round(p / 100 * all_lsoas.height) for p in (1, 5, 10, 20)],
        }
    ).with_columns(
        vso_share=pl.Series(
            [
                int(all_lsoas["vso"].head(n).sum()) / total_in_area if total_in_area else None
                for n in (round(p / 100 * all_lsoas.height) for p in (1, 5, 10, 20))
            ],
            dtype=pl.Float64,
        )
    )
    outcomes = to_polars(
        vso.group_by(
            last_outcome_category=vso.last_outcome_category.fill_null("(none given)")
        ).aggregate(vso=vso.count())
    ).sort("vso", descending=True)
    n_vso = int(outcomes["vso"].sum()) if outcomes.height else 0
    outcomes = outcomes.with_columns(share=pl.col("vso") / max(n_vso, 1))
    kind = vso.location.replace("On or near ", "")
    kinds = to_polars(
        vso.group_by(
            kind=ibis.cases(
                (vso.location.isnull() | (vso.location == "No Location"), "no location"),
                (kind.isin(list(POINTS_OF_INTEREST)), kind),
                else_="a street or other named place",
            )
        ).aggregate(vso=vso.count())
    ).sort("vso", descending=True)
    counts = dict(district_counts.iter_rows())
    months = (by_month["month"].min(), by_month["month"].max()) if by_month.height else None
    rows = int(street.count().to_pyarrow().as_py())
    return OpenDataResult(
        params=Params(
            method=(
                "police.uk street-level rows (anti-social behaviour excluded); 'Violence and "
                "sexual offences' as the nearest category to VAWG; rates with exact Poisson "
                f"intervals over the months loaded; districts from {source}"
            ),
            citation="data.police.uk street-level crime data (Open Government Licence v3.0)",
            period=months,  # type: ignore[arg-type]
        ),
        months=months,  # type: ignore[arg-type]
        rows=rows,
        vso_crimes=n_vso,
        no_location=int(counts.get("No location", 0)),
        outside_area=int(counts.get("Outside the area reference", 0)),
        table=by_month,
        by_month=by_month,
        by_crime_type=by_type,
        by_district=by_district,
        by_lsoa=all_lsoas.head(top_lsoas),
        lsoa_concentration=concentration,
        outcomes=outcomes,
        location_kinds=kinds,
        not_possible=NOT_POSSIBLE,
    )
