"""Population margins to rake the public survey to: district, sex and age band.

A margin is one raking variable's population total per level. Margins are a tidy frame
``variable, level, population, share`` (share within the variable), so they can come from the
shipped Kent population (:func:`kent_margins`) or from the user (:func:`margins_from_frame`, fed
by :func:`vawg.survey.inputs.read_margins`).

Kent margins: ONS mid-2019 population of the 13 Kent + Medway districts aged 16 and over (the
survey's youngest band is 16-24), from :func:`vawg.datasets.district_population`. The **female**
rows are ONS estimates; the **male rows are an assumption** (female x 0.96 for every adult
band, see ``datasets/PROVENANCE.md``): they understate young men and overstate men aged 65+, so
the sex and age margins for men are approximate. Replace them with user margins when an ONS
male file is available.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from vawg.datasets import district_population
from vawg.errors import InputError
from vawg.schema import AGE_BANDS

__all__ = [
    "KENT_MALE_ASSUMPTION",
    "RAKING_VARIABLES",
    "Margins",
    "kent_margins",
    "margins_from_frame",
]

RAKING_VARIABLES = ("district", "sex", "age_band")
"""The public-survey columns a margin may be given for."""

KENT_MALE_ASSUMPTION = (
    "The numbers of men are estimated, not published figures: 0.96 men for every woman in each "
    "adult age band (the open data used has no ONS figures for men). That is roughly 15% too "
    "few men aged 16-34 and too many aged 65+, so the weights by sex and age for men are "
    "approximate."
)


@dataclass(frozen=True)
class Margins:
    """Raking targets: ``table`` has ``variable, level, population, share`` (share within variable).

    ``source`` says where the figures come from; ``assumptions`` lists what is assumed in them.
    """

    table: pl.DataFrame
    source: str
    assumptions: tuple[str, ...] = ()

    @property
    def variables(self) -> tuple[str, ...]:
        """The raking variables, in the order they are raked."""
        present = set(self.table["variable"].to_list())
        return tuple(v for v in RAKING_VARIABLES if v in present)

    def levels(self, variable: str) -> dict[str, float]:
        """``{level: share}`` for one variable."""
        rows = self.table.filter(pl.col("variable") == variable)
        return dict(zip(rows["level"].to_list(), rows["share"].to_list(), strict=True))


def margins_from_frame(frame: pl.DataFrame, *, source: str = "user margins") -> Margins:
    """Validate a ``variable, level, population`` frame and add each level's share.

    ``population`` may be counts or shares: only the proportions within each variable are used.
    """
    need = {"variable", "level", "population"}
    missing = sorted(need - set(frame.columns))
    if missing:
        raise InputError(
            f"margins: missing column(s) {', '.join(missing)}; give variable, level, population"
        )
    frame = frame.select(
        pl.col("variable").cast(pl.String).str.strip_chars(),
        pl.col("level").cast(pl.String).str.strip_chars(),
        pl.col("population").cast(pl.Float64, strict=False),
    )
    bad_vars = sorted(set(frame["variable"].drop_nulls()) - set(RAKING_VARIABLES))
    if bad_vars or frame["variable"].null_count():
        raise InputError(
            f"margins: unknown variable {', '.join(bad_vars) or '(empty)'}; "
            f"use {', '.join(RAKING_VARIABLES)}"
        )
    bad = frame.filter(pl.col("population").is_null() | (pl.col("population") <= 0))
    if bad.height:
        row = bad.row(0, named=True)
        raise InputError(
            f"margins: population {row['population']!r} for {row['variable']}={row['level']} "
            "is not a number > 0; fix the value or drop the row"
        )
    dupes = frame.group_by("variable", "level").len().filter(pl.col("len") > 1)
    if dupes.height:
        row = dupes.row(0, named=True)
        raise InputError(f"margins: {row['variable']}={row['level']} is given twice; keep one row")
    if frame["level"].null_count():
        raise InputError("margins: a row has an empty level; fill it in or drop the row")
    ages = frame.filter(pl.col("variable") == "age_band")["level"].to_list()
    odd = [a for a in ages if a not in AGE_BANDS]
    if odd:
        raise InputError(f"margins: age band {odd[0]!r} is not one of {', '.join(AGE_BANDS)}")
    table = frame.with_columns(
        share=pl.col("population") / pl.col("population").sum().over("variable")
    ).sort(
        pl.col("variable").replace_strict({v: i for i, v in enumerate(RAKING_VARIABLES)}),
        "level",
    )
    return Margins(table=table, source=source)


def kent_margins() -> Margins:
    """Kent + Medway population aged 16+ by district, sex and age band (ONS mid-2019)."""
    pop = district_population().filter(pl.col("age_band") != "0-15")
    parts = [
        pop.group_by(v)
        .agg(pl.col("population").sum())
        .select(pl.lit(v).alias("variable"), pl.col(v).alias("level"), "population")
        for v in RAKING_VARIABLES
    ]
    margins = margins_from_frame(
        pl.concat(parts),
        source="ONS mid-2019 population estimates for the Kent and Medway districts, ages 16+",
    )
    return Margins(margins.table, margins.source, (KENT_MALE_ASSUMPTION,))
