"""The national area reference: every LSOA of England and Wales, its district and police force.

Three files built by ``scripts/build_reference.py`` (its national part is
``scripts/national_reference.py``) and documented column by column in ``PROVENANCE.md``:

``england_wales_lsoa.csv.gz``
    34,753 LSOAs (2011): name, country, district (LAD 2019), police force area, IoD2019 mid-2015
    population denominators, IMD 2019 rank/decile and the seven domains' ranks/deciles,
    population-weighted centroid (BNG metres), the district's 2018 pubs and bars and its
    mid-2019 female population. Welsh LSOAs have no population and no deprivation (IoD2019 is
    England's index; WIMD and Welsh LSOA population estimates are not in the data used).
``police_force_areas.csv``
    The 43 territorial police force areas of England and Wales: ONS code and name,
    data.police.uk id, country.
``england_wales_district_population.csv.gz``
    339 districts x sex x age band, as ``district_population.csv`` for Kent (female rows ONS
    mid-2019; male rows an ASSUMPTION, female x a fixed ratio).

The loaders cache the parsed frame (polars frames are immutable, so sharing is safe).
"""

from __future__ import annotations

import gzip
import io
from functools import cache
from importlib.resources import files

import polars as pl

__all__ = [
    "ENGLAND_WALES_LSOA_SCHEMA",
    "POLICE_FORCE_AREAS_SCHEMA",
    "england_wales_district_population",
    "england_wales_lsoas",
    "police_force_areas",
]

_DOMAINS = (
    "income",
    "employment",
    "education",
    "health",
    "crime",
    "housing_services",
    "living_environment",
)

ENGLAND_WALES_LSOA_SCHEMA: dict[str, pl.DataType] = {
    "lsoa_code": pl.String(),
    "lsoa_name": pl.String(),
    "country": pl.String(),
    "district_code": pl.String(),
    "district": pl.String(),
    "force_code": pl.String(),
    "force": pl.String(),
    "population": pl.Int64(),
    "population_0_15": pl.Int64(),
    "population_16_59": pl.Int64(),
    "population_60_plus": pl.Int64(),
    "imd_rank": pl.Int64(),
    "imd_decile": pl.Int64(),
    **{f"{d}_{k}": pl.Int64() for d in _DOMAINS for k in ("rank", "decile")},
    "easting": pl.Int64(),
    "northing": pl.Int64(),
    "district_pubs": pl.Int64(),
    "district_females": pl.Int64(),
}

POLICE_FORCE_AREAS_SCHEMA: dict[str, pl.DataType] = {
    "force_code": pl.String(),
    "force": pl.String(),
    "police_uk_id": pl.String(),
    "country": pl.String(),
}

_DISTRICT_POPULATION_SCHEMA: dict[str, pl.DataType] = {
    "district_code": pl.String(),
    "district": pl.String(),
    "sex": pl.String(),
    "age_band": pl.String(),
    "population": pl.Int64(),
}


def _read(name: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    data = files("vawg.datasets").joinpath(name).read_bytes()
    if name.endswith(".gz"):
        data = gzip.decompress(data)
    return pl.read_csv(io.BytesIO(data), schema=schema)


@cache
def england_wales_lsoas() -> pl.DataFrame:
    """One row per LSOA (2011) of England and Wales (34,753), sorted by ``lsoa_code``.

    ``population*``, ``imd_*`` and the domain columns are empty (null) for the 1,909 Welsh
    LSOAs. ``district_pubs`` and ``district_females`` repeat the district's value on each row.
    """
    return _read("england_wales_lsoa.csv.gz", ENGLAND_WALES_LSOA_SCHEMA)


@cache
def police_force_areas() -> pl.DataFrame:
    """The 43 police force areas: force_code, force (ONS name), police_uk_id, country."""
    return _read("police_force_areas.csv", POLICE_FORCE_AREAS_SCHEMA)


@cache
def england_wales_district_population() -> pl.DataFrame:
    """Population by district (339, LAD 2019) x sex ("F", "M") x age band (4,746 rows).

    Female rows are ONS mid-2019 estimates; male rows are an assumption (see PROVENANCE.md).
    """
    return _read("england_wales_district_population.csv.gz", _DISTRICT_POPULATION_SCHEMA)
