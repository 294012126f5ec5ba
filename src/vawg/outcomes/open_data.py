"""Outcomes on open data alone: police.uk outcome categories, mapped to Home Office groups.

With only police.uk street files loaded there are no Home Office outcome types, dates or
people, so the whole-period outcome summary cannot run. What can be said: how many violence and
sexual offences carry each published "Last outcome category", and the nearest Home Office
outcome group of each (:data:`~vawg.outcomes.framework.POLICE_UK_CATEGORIES`, shown in full
beside the counts because the mapping is unverified and coarse in places).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from vawg.inputs.open_data import OPEN_DATA_CANNOT_SHOW, VIOLENCE_AND_SEXUAL
from vawg.outcomes.framework import police_uk_table
from vawg.outcomes.police_uk import PoliceUkOutcomes, police_uk_outcomes
from vawg.query import Tables
from vawg.results import Params, ResultMixin

__all__ = ["OpenDataOutcomes", "open_data_outcomes"]


@dataclass(frozen=True)
class OpenDataOutcomes(ResultMixin):
    """``police``: counts by published category and by nearest group; ``mapping``: every
    category's group, likely Home Office types and precision; ``cannot_show``: what open data
    lacks, for the report's first lines."""

    params: Params
    police: PoliceUkOutcomes
    mapping: pl.DataFrame
    cannot_show: tuple[str, ...]
    outcomes_files_rows: int

    @property
    def table(self) -> pl.DataFrame:
        """The counts by published category (the Result's main table)."""
        return self.police.table


def open_data_outcomes(tables: Tables, *, level: float = 0.95) -> OpenDataOutcomes:
    """Outcome categories of violence and sexual offences in the loaded police.uk files."""
    police = police_uk_outcomes(tables, crime_type=VIOLENCE_AND_SEXUAL, level=level)
    outcomes_rows = int(tables.police_outcomes.count().to_pyarrow().as_py())
    return OpenDataOutcomes(
        Params(
            method="police.uk 'Last outcome category' counts with Wilson intervals for shares, "
            "each category placed in its nearest Home Office outcome group",
            citation="data.police.uk street-level files; Home Office outcome types; Wilson (1927)",
        ),
        police,
        police_uk_table(),
        (
            *OPEN_DATA_CANNOT_SHOW,
            "Home Office outcome types: police.uk categories are a snapshot with no official "
            "crosswalk, so charge and 'victim does not support' rates on the Home Office count "
            "bases, time to outcome and attrition need a force extract",
        ),
        outcomes_rows,
    )
