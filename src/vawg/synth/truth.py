"""The true headline values, computed from the written files alone.

This module shares no code with the planting: it re-reads ``crimes.csv``, ``people.csv`` and
``involvements.csv`` as text and applies the default VAWG scope rule as written in the brief
and the data contract:

* recorded_date within [start, end] inclusive;
* at least one involvement with role ``victim`` whose person has sex ``F``;
* at least one involvement with role ``suspect`` or ``offender`` whose person has sex ``M``
  and is 18 or over on the date of ``committed_from`` (completed years; no date of birth =
  not counted as 18+);
* ``domestic_abuse = Y`` or ``offence_group`` other than ``other``.

Distinct offenders are the distinct male 18+ suspects/offenders of in-scope crimes; distinct
victims the distinct female victims. Harm per offender is the sum of the planted harm of his
in-scope crimes (the generator's own harm per offence group, :mod:`vawg.synth.harm`, not the
product's weight table); a crime with two such suspects counts fully for each. The share of the
top p% is read off the Lorenz curve through (i/n, cumulative share of the i least harmful), so a
fraction of a person counts pro rata (10% of 19 offenders = the top 1.9); shares are of the total
over offenders.
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from vawg.synth.harm import HARM_DAYS

__all__ = ["FINANCIAL_YEAR", "compute_truth"]

FINANCIAL_YEAR = "April to March, labelled by its first year, e.g. 2017/18"
_TOP_SHARES = (1, 5, 10, 20)


def _scan(path: Path) -> pl.LazyFrame:
    """The table at ``path`` (``x.csv``), or its Parquet twin ``x.parquet`` when written so."""
    parquet = path.with_suffix(".parquet")
    if not path.exists() and parquet.exists():
        return pl.scan_parquet(parquet).select(pl.all().cast(pl.String))
    return pl.scan_csv(path, infer_schema=False)


def _age_expr(on: str, dob: str) -> pl.Expr:
    on_d, dob_d = pl.col(on), pl.col(dob)
    years = on_d.dt.year() - dob_d.dt.year()
    before = (on_d.dt.month() < dob_d.dt.month()) | (
        (on_d.dt.month() == dob_d.dt.month()) & (on_d.dt.day() < dob_d.dt.day())
    )
    return years - before.cast(pl.Int32)


def _fy(col: str) -> pl.Expr:
    d = pl.col(col)
    first = d.dt.year() - (d.dt.month() < 4).cast(pl.Int32)
    return pl.format("{}/{}", first, ((first + 1) % 100).cast(pl.String).str.zfill(2))


def compute_truth(out_dir: Path, start: date, end: date) -> dict[str, Any]:
    """Headline values of the extract in ``out_dir`` under the default scope."""
    crimes = (
        _scan(out_dir / "crimes.csv")
        .select(
            "crime_ref",
            pl.col("recorded_date").str.to_date("%Y-%m-%d"),
            pl.col("committed_from").str.slice(0, 10).str.to_date("%Y-%m-%d").alias("cdate"),
            "offence_code",
            "offence_group",
            "domestic_abuse",
            "location_type",
            "outcome_code",
            pl.col("outcome_date").str.to_date("%Y-%m-%d"),
        )
        .collect()
    )
    people = _scan(out_dir / "people.csv").with_columns(
        pl.col("date_of_birth").str.to_date("%Y-%m-%d")
    )
    inv = _scan(out_dir / "involvements.csv").select("crime_ref", "person_id", "role")
    # Only the involvements that can satisfy a rule: female victims and male suspects/offenders.
    joined = (
        inv.join(people, on="person_id", how="left")
        .filter(
            ((pl.col("role") == "victim") & (pl.col("sex") == "F"))
            | ((pl.col("role") != "victim") & (pl.col("sex") == "M"))
        )
        .join(crimes.lazy().select("crime_ref", "cdate"), on="crime_ref", how="left")
        .with_columns(_age_expr("cdate", "date_of_birth").alias("age"))
        .select("crime_ref", "person_id", "role", "sex", "age")
        .collect()
    )
    female_victims = joined.filter(pl.col("role") == "victim")
    any_male = joined.filter(pl.col("role").is_in(["suspect", "offender"]))
    male_adults = any_male.filter(pl.col("age").is_not_null() & (pl.col("age") >= 18))

    def flag(rows: pl.DataFrame, name: str) -> pl.DataFrame:
        return rows.select("crime_ref").unique().with_columns(pl.lit(True).alias(name))

    flags = (
        crimes.join(flag(female_victims, "has_f_victim"), on="crime_ref", how="left")
        .join(flag(male_adults, "has_m18"), on="crime_ref", how="left")
        .join(flag(any_male, "has_m"), on="crime_ref", how="left")
        .with_columns(
            pl.col("has_f_victim", "has_m18", "has_m").fill_null(False),
            (pl.col("recorded_date") < start).alias("before"),
            (pl.col("recorded_date") > end).alias("after"),
            ((pl.col("domestic_abuse") == "Y") | (pl.col("offence_group") != "other")).alias(
                "offence_ok"
            ),
        )
    )
    in_period = ~pl.col("before") & ~pl.col("after")
    scope = in_period & pl.col("has_f_victim") & pl.col("has_m18") & pl.col("offence_ok")
    flags = flags.with_columns(scope.alias("in_scope"))
    sc = flags.filter(pl.col("in_scope"))
    scope_refs = sc.select("crime_ref")

    offenders = male_adults.join(scope_refs, on="crime_ref", how="semi").unique(
        ["crime_ref", "person_id"]
    )
    victims = female_victims.join(scope_refs, on="crime_ref", how="semi").unique(
        ["crime_ref", "person_id"]
    )
    off_counts = offenders.group_by("person_id").len()
    vic_counts = victims.group_by("person_id").len()

    harm = sc.with_columns(
        pl.col("offence_group").replace_strict(HARM_DAYS, return_dtype=pl.Float64).alias("harm")
    ).select("crime_ref", "harm")
    per_off = (
        offenders.join(harm, on="crime_ref")
        .group_by("person_id")
        .agg(pl.col("harm").sum())
        .sort("harm", descending=True)
    )
    total_harm = float(per_off["harm"].sum())
    n_off = per_off.height
    harm_shares = {}
    desc = per_off["harm"].to_list()
    for p in _TOP_SHARES:
        k = p / 100 * n_off
        whole = math.floor(k)
        head = sum(desc[:whole]) + ((k - whole) * desc[whole] if whole < n_off else 0.0)
        share = head / total_harm if total_harm else 0.0
        harm_shares[f"harm_share_top_{p}pct"] = round(share, 6)

    loc = sc["location_type"]
    home = int((loc == "dwelling").sum())
    unknown = int((loc == "unknown").sum())

    remaining = flags
    excluded: dict[str, int] = {}
    for name, bad in (
        ("recorded_before_start", pl.col("before")),
        ("recorded_after_end", pl.col("after")),
        ("no_female_victim", ~pl.col("has_f_victim")),
        ("no_male_suspect_18_plus", ~pl.col("has_m18")),
        ("other_offence_not_domestic_abuse", ~pl.col("offence_ok")),
    ):
        excluded[name] = int(remaining.filter(bad).height)
        remaining = remaining.filter(~bad)
    failing = {
        "outside_period": int(flags.filter(~in_period).height),
        "no_female_victim": int(flags.filter(~pl.col("has_f_victim")).height),
        "no_male_suspect": int(flags.filter(~pl.col("has_m")).height),
        "male_suspects_all_under_18_or_no_dob": int(
            flags.filter(pl.col("has_m") & ~pl.col("has_m18")).height
        ),
        "other_offence_not_domestic_abuse": int(flags.filter(~pl.col("offence_ok")).height),
    }

    by_group_counts = dict(sc.group_by("offence_group").len().sort("offence_group").iter_rows())
    by_fy = (
        sc.with_columns(_fy("recorded_date").alias("fy"))
        .group_by("fy", "offence_group")
        .len()
        .sort("fy", "offence_group")
    )
    fy_table: dict[str, dict[str, int]] = {}
    for fy, grp, n in by_fy.iter_rows():
        fy_table.setdefault(fy, {})[grp] = n

    outcome = sc.with_columns(pl.col("outcome_code").fill_null("under_investigation"))
    outcome_shares = {
        str(k): round(v / sc.height, 6)
        for k, v in outcome.group_by("outcome_code").len().sort("outcome_code").iter_rows()
    }
    closed = sc.filter(pl.col("outcome_code").is_not_null()).with_columns(
        (pl.col("outcome_date") - pl.col("recorded_date")).dt.total_days().alias("days")
    )
    medians = {
        g: float(m)
        for g, m in closed.group_by("offence_group")
        .agg(pl.col("days").median())
        .sort("offence_group")
        .iter_rows()
    }
    charge_rates = {
        g: round(float(r), 6)
        for g, r in closed.group_by("offence_group")
        .agg((pl.col("outcome_code") == "1").mean())
        .sort("offence_group")
        .iter_rows()
    }
    return {
        "crimes_in_extract": crimes.height,
        "crimes_in_scope": sc.height,
        "distinct_offenders": off_counts.height,
        "distinct_victims": vic_counts.height,
        "home_crimes": home,
        "public_crimes": sc.height - home - unknown,
        "unknown_location_crimes": unknown,
        "repeat_victims": int((vic_counts["len"] >= 2).sum()),
        "repeat_offenders": int((off_counts["len"] >= 2).sum()),
        **harm_shares,
        "harm_total_days": total_harm,
        "crimes_by_offence_group": by_group_counts,
        "crimes_by_financial_year_and_group": fy_table,
        "excluded_by_rule": excluded,
        "failing_rule": failing,
        "outcome_shares": outcome_shares,
        "charge_rate_by_group_closed": charge_rates,
        "median_days_to_outcome_by_group": medians,
    }
