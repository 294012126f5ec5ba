"""Small reference datasets that ship inside the ``vawg`` package.

The product turns police-recorded crime into rates and context, which needs denominators,
deprivation, locations and weather. Those come from large public files that are not available
at run time, so ``scripts/build_reference.py`` derives three compact CSV files and one boundary
file from them once and they are committed here (and packaged in the wheel via ``package-data``):

``kent_lsoa.csv``
    1,065 Kent + Medway 2011 LSOAs: district (LAD 2019), IoD2019 mid-2015 population
    denominators, IMD 2019 rank/decile, population-weighted centroid in British National Grid
    metres, and the district's 2018 pub/bar count (district-level only).
``district_population.csv``
    13 districts x sex x 7 age bands. Female rows are ONS mid-2019 estimates; male rows are an
    ASSUMPTION (female x fixed ratio) because no male file exists in the open data used.
``hadcet_daily.csv``
    Met Office HadCET daily mean temperature, 2016-01-01 .. 2023-12-31 (central England, a proxy
    for Kent).
``kent_lsoa_boundaries.geojson.gz``
    The 1,065 Kent + Medway LSOA 2011 polygons (ONS generalised, clipped) in British National Grid
    metres, simplified at 10 m keeping shared edges shared; gzipped GeoJSON (about 290 KB).

Sources, licences (OGL v3), transformations and column-level caveats are in ``PROVENANCE.md``
next to this file. The loaders read through :mod:`importlib.resources`, so they work from an
installed wheel as well as from a source checkout.
"""

from __future__ import annotations

import gzip
import io
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import polars as pl

__all__ = [
    "DISTRICT_POPULATION_SCHEMA",
    "HADCET_DAILY_SCHEMA",
    "KENT_LSOA_SCHEMA",
    "dataset_path",
    "district_population",
    "hadcet_daily",
    "kent_lsoa_boundaries_geojson",
    "kent_lsoas",
    "police_uk_kent_months",
]

# The national reference (every LSOA of England and Wales) lives in its own module.
from vawg.datasets.national import (
    ENGLAND_WALES_LSOA_SCHEMA,
    POLICE_FORCE_AREAS_SCHEMA,
    england_wales_district_population,
    england_wales_lsoas,
    police_force_areas,
)

__all__ += [
    "ENGLAND_WALES_LSOA_SCHEMA",
    "POLICE_FORCE_AREAS_SCHEMA",
    "england_wales_district_population",
    "england_wales_lsoas",
    "police_force_areas",
]

KENT_LSOA_SCHEMA: dict[str, pl.DataType] = {
    "lsoa_code": pl.String(),
    "lsoa_name": pl.String(),
    "district_code": pl.String(),
    "district": pl.String(),
    "population": pl.Int64(),
    "population_0_15": pl.Int64(),
    "population_16_59": pl.Int64(),
    "population_60_plus": pl.Int64(),
    "imd_rank": pl.Int64(),
    "imd_decile": pl.Int64(),
    "easting": pl.Int64(),
    "northing": pl.Int64(),
    "district_pubs": pl.Int64(),
}

DISTRICT_POPULATION_SCHEMA: dict[str, pl.DataType] = {
    "district_code": pl.String(),
    "district": pl.String(),
    "sex": pl.String(),
    "age_band": pl.String(),
    "population": pl.Int64(),
}

HADCET_DAILY_SCHEMA: dict[str, pl.DataType] = {
    "date": pl.Date(),
    "tmean_c": pl.Float64(),
}


def _resource(name: str) -> Traversable:
    """The packaged file ``name`` (a bare file name such as ``"kent_lsoa.csv"``)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"dataset name must be a bare file name, got {name!r}")
    resource = files(__name__).joinpath(name)
    if not resource.is_file():
        raise FileNotFoundError(f"no packaged dataset named {name!r} in {__name__}")
    return resource


def dataset_path(name: str) -> Path:
    """Filesystem path of a packaged dataset file, e.g. ``dataset_path("kent_lsoa.csv")``.

    Raises ``FileNotFoundError`` for an unknown name and ``RuntimeError`` if the package is
    installed somewhere without real files (e.g. a zip import); the loaders below still work then.
    """
    resource = _resource(name)
    if isinstance(resource, Path):
        return resource
    raise RuntimeError(
        f"{name!r} is not on the filesystem (zipped install?); "
        "use importlib.resources.as_file or the loader functions instead"
    )


def _read(name: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    data = _resource(name).read_bytes()
    df = pl.read_csv(io.BytesIO(data), schema=schema)
    return df


def kent_lsoas() -> pl.DataFrame:
    """One row per Kent + Medway 2011 LSOA (1,065 rows), sorted by ``lsoa_code``.

    Columns: lsoa_code, lsoa_name, district_code, district, population, population_0_15,
    population_16_59, population_60_plus (all mid-2015), imd_rank, imd_decile (IMD 2019; 1 =
    most deprived), easting, northing (EPSG:27700 metres), district_pubs (2018, whole district).
    """
    return _read("kent_lsoa.csv", KENT_LSOA_SCHEMA)


def district_population() -> pl.DataFrame:
    """Population by district (13) x sex ("F", "M") x age band (182 rows).

    Age bands: 0-15, 16-24, 25-34, 35-44, 45-54, 55-64, 65+. Female rows are ONS mid-2019
    estimates; male rows are an assumption (see ``PROVENANCE.md``) and should not be used for
    anything that needs accurate male denominators.
    """
    return _read("district_population.csv", DISTRICT_POPULATION_SCHEMA)


def hadcet_daily() -> pl.DataFrame:
    """HadCET daily mean temperature (deg C), one row per day 2016-01-01 .. 2023-12-31.

    ``date`` is ``pl.Date``; ``tmean_c`` is ``pl.Float64`` with one decimal place.
    """
    return _read("hadcet_daily.csv", HADCET_DAILY_SCHEMA)


def kent_lsoa_boundaries_geojson() -> str:
    """The shipped Kent + Medway LSOA 2011 boundaries as GeoJSON text (EPSG:27700 metres).

    A FeatureCollection of 1,065 features sorted by ``lsoa_code``, with properties lsoa_code,
    lsoa_name, district_code, district. Parse it with :func:`vawg.ingest.boundaries.shipped_boundaries`.
    """
    return gzip.decompress(_resource("kent_lsoa_boundaries.geojson.gz").read_bytes()).decode(
        "utf-8"
    )


def police_uk_kent_months(target: Path) -> list[Path]:
    """Write the four shipped police.uk Kent street files (2018-10 .. 2019-01) into ``target``.

    The files are the data.police.uk originals, byte for byte (gzipped in the package); see
    ``PROVENANCE.md``. Returns the paths written, in month order.
    """
    target.mkdir(parents=True, exist_ok=True)
    written = []
    folder = files(__name__).joinpath("police_uk")
    for name in sorted(r.name for r in folder.iterdir() if r.name.endswith(".csv.gz")):
        path = target / name.removesuffix(".gz")
        path.write_bytes(gzip.decompress(folder.joinpath(name).read_bytes()))
        written.append(path)
    return written
