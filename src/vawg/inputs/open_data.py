"""What a database of police.uk open data alone can and cannot support, said once.

A PCC without an extract yet, a journalist or a neighbouring force may load only the monthly
police.uk street and outcomes files. Those have no victim sex, no domestic abuse flag, no people
and one broad "Violence and sexual offences" type, so every analysis run on them says so where
the reader looks first, in these words.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from vawg.config import Settings
from vawg.inputs import frames
from vawg.inputs.anomaly import feed_anomalies
from vawg.query import Tables

__all__ = [
    "OPEN_DATA_CANNOT_SHOW",
    "VIOLENCE_AND_SEXUAL",
    "excluded_note",
    "flagged_police_months",
    "open_data_only",
]

VIOLENCE_AND_SEXUAL = "Violence and sexual offences"

OPEN_DATA_CANNOT_SHOW = (
    "the sex of victims: police.uk does not publish it, so violence against women and girls "
    "cannot be told apart from violence against men and boys",
    "the domestic abuse flag: domestic and non-domestic crimes are counted together",
    "people: no victims, suspects or offenders, so no repeat victims, repeat perpetrators or "
    "relationships",
    "offence detail: 'Violence and sexual offences' mixes assault, harassment, stalking, rape "
    "and other sexual offences in one type",
    "exact places and times: locations are snapped to anonymised points and dates to the month",
)
"""What open data cannot show, each as a plain clause (shown first in every open-data report)."""


def open_data_only(tables: Tables) -> bool:
    """True when no force extract is loaded but police.uk street files are."""
    crimes = int(tables.crimes.count().to_pyarrow().as_py())
    street = int(tables.police_street.count().to_pyarrow().as_py())
    return crimes == 0 and street > 0


def flagged_police_months(tables: Tables, settings: Settings) -> tuple[date, ...]:
    """The months of the loaded police.uk files that the feed check flags (the same check, on
    the same series, as the open-data profile): what ``--exclude-anomalies`` leaves out."""
    series = frames.police_monthly_series(tables)
    if series.is_empty():
        return ()
    present = series.filter(pl.col("count") > 0)["month"].unique().to_list()
    series = series.filter(pl.col("month").is_in(present))
    return feed_anomalies(
        series, z_threshold=settings.anomaly_z, default_cv=settings.anomaly_cv
    ).flagged_in("police.uk")


def excluded_note(months: tuple[date, ...]) -> list[str]:
    """The note a Result carries when ``--exclude-anomalies`` left months out (none if not)."""
    if not months:
        return []
    named = ", ".join(f"{m:%B %Y}" for m in months)
    return [
        f"Left out (--exclude-anomalies): {named}, flagged by the feed check as far from the "
        "other months in every crime type at once; rates are per year of the months kept."
    ]
