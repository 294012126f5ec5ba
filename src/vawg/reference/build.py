"""A force's area reference, cut from the shipped national reference: what `vawg ingest` needs.

:func:`force_reference` selects the LSOAs of one police force area (or of a list of districts)
from ``vawg.datasets.england_wales_lsoas`` and shapes them as the data contract's ``areas``
table, with the district population table (for rates per 1,000 women and girls) and the full
LSOA rows (names, IMD domains) beside it. It computes nothing new and fills in no gaps:

* ``pubs`` repeats the district's 2018 count of pubs and bars on each of its LSOAs (ONS counts
  pubs by local authority only); the area model then uses it at district level, per 10,000
  residents, and says so.
* ``town_centre`` and ``imd_score`` are left empty: no open source in the data used flags town
  centres, and only IMD ranks and deciles (not scores) are shipped.
* Welsh LSOAs have no population and no deprivation in the shipped reference (IoD2019 covers
  England only; neither WIMD nor Welsh LSOA population estimates are in the data used), so a
  Welsh selection needs a population file (``population=``) and leaves ``imd_decile`` empty.

A population file (e.g. ONS LSOA mid-year estimates) may replace the IoD2019 mid-2015
denominators for an English force too; it must give every selected LSOA.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from vawg.datasets import england_wales_district_population, england_wales_lsoas
from vawg.errors import InputError
from vawg.reference.forces import Force, find_districts, find_force

__all__ = ["AREAS_COLUMNS", "ForceReference", "force_reference"]

AREAS_COLUMNS = (
    "lsoa_code",
    "district",
    "population",
    "imd_score",
    "imd_decile",
    "pubs",
    "town_centre",
    "easting",
    "northing",
    "force",
)
"""Columns of the written ``areas.csv``, in data-contract order."""

IOD_POPULATION = "IoD2019 population denominators, mid-2015, excluding prisoners (MHCLG)"


@dataclass(frozen=True)
class ForceReference:
    """The area reference of one force or set of districts.

    ``areas`` is the contract ``areas`` table; ``lsoas`` the full national rows of the same
    LSOAs (plus the population used); ``district_population`` district x sex x age band;
    ``notes`` say in words what is missing or assumed.
    """

    label: str
    force: Force | None
    areas: pl.DataFrame
    lsoas: pl.DataFrame
    district_population: pl.DataFrame
    population_source: str
    notes: tuple[str, ...]

    @property
    def slug(self) -> str:
        """A file-name-safe label: the police.uk id for a force, else ``districts``."""
        return self.force.police_uk_id if self.force is not None else "districts"


def _selection(
    force: str | None, districts: Sequence[str] | None
) -> tuple[str, Force | None, pl.DataFrame]:
    if (force is None) == (not districts):
        raise InputError(
            "give either a force (e.g. --force Kent) or districts (e.g. --districts Medway,Swale), "
            "not both and not neither"
        )
    lsoa = england_wales_lsoas()
    if force is not None:
        found = find_force(force)
        return found.name, found, lsoa.filter(pl.col("force_code") == found.code)
    codes = find_districts(list(districts or ()))
    chosen = lsoa.filter(pl.col("district_code").is_in(codes))
    names = chosen.select("district").unique().sort("district")["district"].to_list()
    return "districts: " + ", ".join(names), None, chosen


def _with_population(
    lsoa: pl.DataFrame, population: pl.DataFrame | None, source: str | None
) -> tuple[pl.DataFrame, str, list[str]]:
    notes: list[str] = []
    if population is None:
        welsh = lsoa.filter(pl.col("population").is_null())
        if welsh.height:
            raise InputError(
                f"{welsh.height:,} of the {lsoa.height:,} LSOAs chosen are in Wales, and the shipped "
                "reference has no population for Welsh LSOAs (IoD2019 covers England only). "
                "Download the ONS 'Lower layer Super Output Area population estimates' (mid-year, "
                "persons, all ages) and give it with --population FILE (columns: LSOA code and "
                "population)."
            )
        return lsoa, IOD_POPULATION, notes
    joined = lsoa.join(
        population.select("lsoa_code", pl.col("population").alias("_given")),
        on="lsoa_code",
        how="left",
    )
    missing = joined.filter(pl.col("_given").is_null())["lsoa_code"].to_list()
    if missing:
        raise InputError(
            f"the population file has no row for {len(missing):,} of the {lsoa.height:,} LSOAs "
            f"chosen (first: {', '.join(missing[:3])}); every LSOA needs its population"
        )
    notes.append(f"population from {source or 'the population file given'}, not IoD2019")
    out = joined.with_columns(pl.col("_given").alias("population")).drop("_given")
    return out, source or "population file given", notes


def force_reference(
    *,
    force: str | None = None,
    districts: Sequence[str] | None = None,
    population: pl.DataFrame | None = None,
    population_source: str | None = None,
) -> ForceReference:
    """The reference of ``force`` (a name, police.uk id or ONS code) or of ``districts``.

    ``population`` (columns ``lsoa_code``, ``population``) replaces the IoD2019 mid-2015
    denominators and is required when the selection includes Welsh LSOAs.
    """
    label, found, chosen = _selection(force, districts)
    chosen, source, notes = _with_population(chosen, population, population_source)
    if chosen.filter(pl.col("imd_decile").is_null()).height:
        notes.append(
            "imd_decile is empty for Welsh LSOAs: the English IMD 2019 does not cover Wales and "
            "the Welsh Index of Multiple Deprivation is not in the shipped reference"
        )
    notes += [
        "pubs repeats the district's 2018 count of pubs and bars (ONS) on each LSOA: pub counts "
        "are published by local authority only",
        "town_centre and imd_score are empty: no town-centre flag or IMD score is shipped",
    ]
    areas = chosen.select(
        "lsoa_code",
        "district",
        "population",
        pl.lit(None, dtype=pl.Float64).alias("imd_score"),
        "imd_decile",
        pl.col("district_pubs").alias("pubs"),
        pl.lit(None, dtype=pl.String).alias("town_centre"),
        "easting",
        "northing",
        "force",
    ).sort("lsoa_code")
    district_codes = chosen["district_code"].unique()
    pop = england_wales_district_population().filter(
        pl.col("district_code").is_in(district_codes.implode())
    )
    return ForceReference(
        label=label,
        force=found,
        areas=areas,
        lsoas=chosen.sort("lsoa_code"),
        district_population=pop,
        population_source=source,
        notes=tuple(notes),
    )
