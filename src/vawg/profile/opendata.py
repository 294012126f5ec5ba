"""Open-data mode: what a profile can say from police.uk street-level files alone.

police.uk publishes every recorded crime as a row with a month, an anonymised snap point
("On or near ..."), its LSOA, a broad crime type and the latest outcome category. It has no
victim or suspect, no sex or age, no domestic abuse flag and no offence code, so VAWG cannot
be picked out: the nearest category is the broad "Violence and sexual offences" (VSO), which
includes violence against men and by women. This module reports what can be said honestly:
VSO volumes by month and district, place by LSOA and by snap-point type, and last outcome
categories; and it states what cannot be said.

* **Rates per 1,000 residents** (all residents, men and women): police.uk has no victim sex, so
  a rate "per 1,000 female residents" would put male victims over a female denominator. The
  denominator is the district's residents (the LSOA populations of the area reference), and the
  rate is per year of the months actually loaded.
* **Which months.** The months from the first to the last file loaded are checked: a month with
  no rows (a file not loaded) is listed as *missing*, so "October 2018 to March 2019" with
  December and January absent is never shown as one continuous period; rates use only the
  months present.
* **Feed check.** The months present go through the same feed anomaly check as the force
  extract (:func:`vawg.models.anomaly.feed_anomalies` on the police.uk series): in the real
  Kent files it flags November and December 2018, when Kent's move to a new records system
  cut the published counts (a recording artefact, not a fall in crime).
* **Placement.** Each row is placed in an LSOA of the area reference by its LSOA code, else by
  its longitude/latitude (:mod:`vawg.spatial.placement`); rows with neither, or outside the
  area, are counted as such. Where both are given, how often the snap point falls in another
  LSOA's boundary is reported (about 3.5% for the real Kent files: snap points on streets that
  are LSOA boundaries; the code is kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import ibis
import polars as pl

from vawg.config import Settings
from vawg.ingest.boundaries import boundaries_for
from vawg.inputs.open_data import flagged_police_months
from vawg.profile.data import district_lookup, to_polars
from vawg.query import Tables
from vawg.results import Params, ResultMixin
from vawg.spatial.placement import Placement, place_rows
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

    ``table``/``by_month``: month, all_crimes, vso, vso_share, flagged (the feed check flags
    the month in either police.uk series: probably a recording artefact), one row per month
    present. ``missing_months``: months between the first and last loaded with no rows.
    ``flagged_months``: months the feed check flags. ``by_crime_type``: crime_type, crimes.
    ``by_district``: district, vso, residents, vso_per_1000_residents_per_year, ci_low, ci_high
    (plus rows "No location" and "Outside the area covered"). ``by_lsoa``: the LSOAs with
    most VSO (lsoa_code, lsoa_name, district, vso). ``lsoa_concentration``: top_pct of LSOAs,
    lsoas, vso_share. ``outcomes``: last_outcome_category, vso, share. ``location_kinds``:
    kind, vso. ``placement``: how the VSO rows were placed in LSOAs (None when published).
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
    missing_months: tuple[date, ...] = ()
    flagged_months: tuple[date, ...] = ()
    months_loaded: int = 0
    placement: Placement | None = None


def _month_range(first: date, last: date) -> list[date]:
    out, m = [], first
    while m <= last:
        out.append(m)
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


def open_data_profile(
    tables: Tables, settings: Settings | None = None, *, top_lsoas: int = 25
) -> OpenDataResult:
    """Profile the police.uk street-level rows loaded in ``tables``."""
    settings = settings or Settings()
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
        .with_columns(pl.col("month").cast(pl.Date), pl.col("vso").fill_null(0).cast(pl.Int64))
        .sort("month")
        .with_columns(vso_share=pl.col("vso") / pl.col("all_crimes"))
    )
    present = by_month["month"].to_list()
    missing: tuple[date, ...] = ()
    flagged: tuple[date, ...] = ()
    if present:
        missing = tuple(m for m in _month_range(present[0], present[-1]) if m not in set(present))
        flagged = flagged_police_months(tables, settings)
    by_month = by_month.with_columns(flagged=pl.col("month").is_in(list(flagged)))
    n_months = by_month.height
    lookup, source = district_lookup(tables)
    reference_frame = to_polars(lookup)
    with_lsoa = vso.filter(vso.lsoa_code.notnull())
    names = to_polars(
        with_lsoa.group_by("lsoa_code").aggregate(lsoa_name=with_lsoa.lsoa_name.max())
    )
    reference = reference_frame.join(names, on="lsoa_code", how="left").select(
        "lsoa_code", "lsoa_name", "district"
    )
    rows_frame = to_polars(vso.select("lsoa_code", "longitude", "latitude"))
    placed, placement = place_rows(
        rows_frame,
        reference_frame["lsoa_code"],
        boundaries_for(settings),
        x="longitude",
        y="latitude",
        lonlat=True,
        noun="violence and sexual offences rows",
        unit="rows",
    )
    placed = placed.join(reference_frame, left_on="placed_lsoa", right_on="lsoa_code", how="left")
    no_location = pl.col("lsoa_code").is_null() & pl.col("longitude").is_null()
    district_counts = (
        placed.with_columns(
            district=pl.when(pl.col("placed_lsoa").is_not_null())
            .then(pl.col("district"))
            .when(no_location)
            .then(pl.lit("No location"))
            .otherwise(pl.lit("Outside the area covered"))
        )
        .group_by("district")
        .agg(vso=pl.len().cast(pl.Int64))
    )
    residents = _residents(tables)
    by_district = district_counts.join(residents, on="district", how="left").sort("district")
    years = n_months / 12.0
    rates = [
        (c / (p * years / 1000.0), *poisson_rate_interval(int(c), p * years / 1000.0))
        if p and years
        else (None, None, None)
        for c, p in zip(by_district["vso"], by_district["residents"], strict=True)
    ]
    by_district = by_district.with_columns(
        vso_per_1000_residents_per_year=pl.Series([r[0] for r in rates], dtype=pl.Float64),
        ci_low=pl.Series([r[1] for r in rates], dtype=pl.Float64),
        ci_high=pl.Series([r[2] for r in rates], dtype=pl.Float64),
    )
    per_lsoa = (
        placed.filter(pl.col("placed_lsoa").is_not_null())
        .group_by(pl.col("placed_lsoa").alias("lsoa_code"))
        .agg(vso=pl.len().cast(pl.Int64))
    )
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
    months = (present[0], present[-1]) if present else None
    rows = int(street.count().to_pyarrow().as_py())
    return OpenDataResult(
        params=Params(
            method=(
                "police.uk street-level rows (anti-social behaviour excluded); 'Violence and "
                "sexual offences' as the nearest category to VAWG; rates per 1,000 residents "
                "(all residents: police.uk has no victim sex) a year over the months loaded, "
                f"with exact Poisson intervals; rows placed in LSOAs by code, else by "
                f"coordinates; districts from {source}; months checked by the feed anomaly test"
            ),
            citation="data.police.uk street-level crime data (Open Government Licence v3.0)",
            period=months,
        ),
        months=months,
        rows=rows,
        vso_crimes=n_vso,
        no_location=int(counts.get("No location", 0)),
        outside_area=int(counts.get("Outside the area covered", 0)),
        table=by_month,
        by_month=by_month,
        by_crime_type=by_type,
        by_district=by_district,
        by_lsoa=all_lsoas.head(top_lsoas),
        lsoa_concentration=concentration,
        outcomes=outcomes,
        location_kinds=kinds,
        not_possible=NOT_POSSIBLE,
        missing_months=missing,
        flagged_months=flagged,
        months_loaded=n_months,
        placement=placement,
    )


def _residents(tables: Tables) -> pl.DataFrame:
    """district, residents: all residents of each district (the area reference's LSOAs)."""
    areas = tables.areas
    if int(areas.count().to_pyarrow().as_py()) > 0:
        frame = to_polars(areas.select("district", "population"))
    else:
        from vawg.datasets import kent_lsoas

        frame = kent_lsoas().select("district", "population")
    return frame.group_by("district").agg(residents=pl.col("population").sum().cast(pl.Int64))
