"""Build the small reference files that ship inside the ``vawg`` package.

What
----
Reads the raw public data in ``shared/data/raw`` (see its ``INDEX.md`` and the ``PROVENANCE.md``
in each folder) and writes three compact CSV files into ``src/vawg/datasets/``:

``kent_lsoa.csv``
    One row per 2011 LSOA of Kent + Medway (1,065): names, LAD 2019 district, IoD2019 mid-2015
    population denominators, IMD 2019 rank and decile, the ONS population-weighted centroid in
    British National Grid metres, and the district's 2018 count of pubs and bars.
``district_population.csv``
    Population by district (13) x sex (F, M) x age band (7). Female rows are exact ONS mid-2019
    estimates; male rows are an ASSUMPTION (female x fixed ratio; there is no male file).
``hadcet_daily.csv``
    Met Office HadCET daily mean temperature for every day 2016-01-01 .. 2023-12-31.
``england_wales_lsoa.csv.gz``, ``police_force_areas.csv``, ``england_wales_district_population.csv.gz``
    The national area reference (every LSOA of England and Wales with its district and police
    force area), built by ``scripts/national_reference.py``; see its docstring.
``kent_lsoa_boundaries.geojson.gz``
    The 1,065 LSOA 2011 boundaries (ONS generalised, clipped to the coast) in British National
    Grid metres on a 1 m grid, simplified by GEOS coverage simplification at 10 m (shared edges
    stay shared: no gaps or overlaps), gzipped GeoJSON. Used to place crimes that have
    coordinates but no LSOA code, for queen contiguity, and to draw maps.

Why
---
The installed product must not depend on ``/work/shared`` (or any large download) at run time,
yet it needs denominators, deprivation, centroids and weather to turn police-recorded crime into
rates. These files are small (well under 1 MB together), are derived deterministically from the
raw data by this one script, and are documented column by column in
``src/vawg/datasets/PROVENANCE.md``.

Determinism
-----------
Rows are sorted, integers are written as integers, the one float column is written with exactly
one decimal place, line endings are ``\\n`` and the WGS84 -> BNG transformation is pinned to an
explicit PROJ pipeline (the 7-parameter Helmert, EPSG:1314 "OSGB36 to WGS 84 (6)") so the result
does not depend on whether the OSTN15 grid happens to be installed. Re-running gives byte-identical
files; ``tests/test_datasets.py`` checks that.

Usage::

    .venv/bin/python scripts/build_reference.py [--raw ../shared/data/raw] [--out DIR]

Requires polars and pyproj (the ``scripts`` extra) and shapely (a dependency of geopandas).
The gzip stream is written with ``mtime=0`` so it too is byte-identical on a rebuild.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import io
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import shapely
from pyproj import Transformer

REPO = Path(__file__).resolve().parents[1]
DEFAULT_RAW = REPO.parent / "shared" / "data" / "raw"
DEFAULT_OUT = REPO / "src" / "vawg" / "datasets"

# Kent County Council's 12 districts (LAD 2019 codes) + Medway unitary authority.
KENT_MEDWAY_LADS: tuple[str, ...] = (
    "E06000035",
    "E07000105",
    "E07000106",
    "E07000107",
    "E07000108",
    "E07000109",
    "E07000110",
    "E07000111",
    "E07000112",
    "E07000113",
    "E07000114",
    "E07000115",
    "E07000116",
)
EXPECTED_LSOAS = 1065
N_LSOAS_ENGLAND = 32844

# WGS84 lon/lat -> OSGB36 British National Grid via the OS 7-parameter Helmert (EPSG:1314,
# accuracy ~2 m). This is what PROJ itself picks when the OSTN15 grid is absent; pinning it makes
# the output identical on every machine.
WGS84_TO_BNG_PIPELINE = (
    "+proj=pipeline "
    "+step +proj=unitconvert +xy_in=deg +xy_out=rad "
    "+step +proj=push +v_3 "
    "+step +proj=cart +ellps=WGS84 "
    "+step +inv +proj=helmert +x=446.448 +y=-125.157 +z=542.06 +rx=0.15 +ry=0.247 +rz=0.842 "
    "+s=-20.489 +convention=position_vector "
    "+step +inv +proj=cart +ellps=airy "
    "+step +proj=pop +v_3 "
    "+step +proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy"
)

# Age bands for district_population.csv: (label, first single year, last single year or None
# meaning "up to and including female_90+").
AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-15", 0, 15),
    ("16-24", 16, 24),
    ("25-34", 25, 34),
    ("35-44", 35, 44),
    ("45-54", 45, 54),
    ("55-64", 55, 64),
    ("65+", 65, None),
)

# ASSUMPTION: there is no male population file in the raw data, so male counts are modelled as
# female count x ratio (in percent, integer arithmetic, rounded half up). 105 males per 100
# females for children reflects the sex ratio at birth; 96 for adults is a single rough adult
# ratio. It overstates men aged 65+ (nationally roughly 83 per 100). See PROVENANCE.md.
MALE_PER_100_FEMALES: dict[str, int] = {
    "0-15": 105,
    "16-24": 96,
    "25-34": 96,
    "35-44": 96,
    "45-54": 96,
    "55-64": 96,
    "65+": 96,
}

HADCET_START = dt.date(2016, 1, 1)
HADCET_END = dt.date(2023, 12, 31)

IOD_FILE_1 = "iod2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
IOD_FILE_6 = "iod2019/File_6_-_IoD2019_Population_Denominators.csv.gz"
CENTROIDS = (
    "ons-lsoa2011-pop-weighted-centroids/"
    "Lower_Layer_Super_Output_Areas_December_2011_Population_Weighted_Centroids.csv"
)
PUBS = "ons-pubs-bars-by-la-2001-2018/publichousesandbarsbylocalauthority20012018.csv"
FEMALES = "ons-mye2019-lad-female-population/femalePpltn2019ladcodes.csv"
HADCET = "hadcet-daily-mean/meantemp_daily_totals.txt"
BOUNDARIES = "ons-lsoa2011-boundaries-kent-medway"
# Coverage simplification tolerance (metres) for the shipped LSOA boundaries. The source is
# already generalised to about 20 m, so 10 m removes only near-collinear vertices (62,356 ->
# about 61,100) and changes the LSOA of about 0.3% of police.uk snap points (all within a few
# metres of a boundary); see PROVENANCE.md for the measurement.
BOUNDARY_TOLERANCE_M = 10.0


class BuildError(RuntimeError):
    """The raw data is not what this script expects; nothing is written."""


def _read_text(path: Path) -> str:
    """Read a (possibly gzipped) UTF-8 file, dropping a byte-order mark if present."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return raw.decode("utf-8-sig")


def _read_csv_as_strings(path: Path) -> pl.DataFrame:
    """Read a CSV with every column as a string (numbers carry thousands separators)."""
    text = _read_text(path)
    return pl.read_csv(io.StringIO(text), infer_schema=False)


def _to_int(col: str) -> pl.Expr:
    """Parse a string column like ``"1,681"`` to Int64; fails loudly on anything else."""
    return pl.col(col).str.strip_chars().str.replace_all(",", "").cast(pl.Int64, strict=True)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise BuildError(message)


def build_kent_lsoa(raw: Path) -> pl.DataFrame:
    """One row per Kent + Medway 2011 LSOA; see module docstring."""
    f1 = _read_csv_as_strings(raw / IOD_FILE_1)
    _require(f1.height == N_LSOAS_ENGLAND, f"IoD File 1 has {f1.height} rows")
    imd = f1.select(
        pl.col("LSOA code (2011)").alias("lsoa_code"),
        pl.col("LSOA name (2011)").alias("lsoa_name"),
        pl.col("Local Authority District code (2019)").alias("district_code"),
        pl.col("Local Authority District name (2019)").alias("district"),
        _to_int("Index of Multiple Deprivation (IMD) Rank").alias("imd_rank"),
        _to_int("Index of Multiple Deprivation (IMD) Decile").alias("imd_decile"),
    ).filter(pl.col("district_code").is_in(KENT_MEDWAY_LADS))
    _require(imd.height == EXPECTED_LSOAS, f"{imd.height} Kent+Medway LSOAs in File 1")
    _require(imd["lsoa_code"].is_unique().all(), "duplicate LSOA codes in File 1")
    _require(
        imd["imd_rank"].is_between(1, N_LSOAS_ENGLAND).all()
        and imd["imd_decile"].is_between(1, 10).all(),
        "IMD rank/decile out of range",
    )

    f6 = _read_csv_as_strings(raw / IOD_FILE_6)
    _require(f6.height == N_LSOAS_ENGLAND, f"IoD File 6 has {f6.height} rows")
    pop = f6.select(
        pl.col("LSOA code (2011)").alias("lsoa_code"),
        pl.col("Local Authority District code (2019)").alias("district_code_f6"),
        _to_int("Total population: mid 2015 (excluding prisoners)").alias("population"),
        _to_int("Dependent Children aged 0-15: mid 2015 (excluding prisoners)").alias(
            "population_0_15"
        ),
        _to_int("Population aged 16-59: mid 2015 (excluding prisoners)").alias("population_16_59"),
        _to_int("Older population aged 60 and over: mid 2015 (excluding prisoners)").alias(
            "population_60_plus"
        ),
    )
    df = imd.join(pop, on="lsoa_code", how="left", validate="1:1")
    _require(df["population"].null_count() == 0, "LSOAs missing from File 6")
    _require(
        (df["district_code"] == df["district_code_f6"]).all(), "File 1 and File 6 disagree on LAD"
    )
    _require(
        (
            df["population"]
            == df["population_0_15"] + df["population_16_59"] + df["population_60_plus"]
        ).all(),
        "File 6 age bands do not sum to the total",
    )
    df = df.drop("district_code_f6")

    cen = _read_csv_as_strings(raw / CENTROIDS).select(
        pl.col("lsoa11cd").alias("lsoa_code"),
        pl.col("X").cast(pl.Float64, strict=True).alias("lon"),
        pl.col("Y").cast(pl.Float64, strict=True).alias("lat"),
    )
    df = df.join(cen, on="lsoa_code", how="left", validate="1:1")
    _require(df["lon"].null_count() == 0, "LSOAs without a population-weighted centroid")
    transformer = Transformer.from_pipeline(WGS84_TO_BNG_PIPELINE)
    easting, northing = transformer.transform(df["lon"].to_numpy(), df["lat"].to_numpy())
    df = df.with_columns(
        # Python's round(): exact, half-to-even; the values are never exact halves in practice.
        pl.Series("easting", [round(float(e)) for e in easting], dtype=pl.Int64),
        pl.Series("northing", [round(float(n)) for n in northing], dtype=pl.Int64),
    ).drop("lon", "lat")

    pubs = (
        _read_csv_as_strings(raw / PUBS)
        .filter(
            pl.col("Number of employees in public house or bar") == "Any number of employees",
            pl.col("Area code").is_in(KENT_MEDWAY_LADS),
        )
        .select(
            pl.col("Area code").alias("district_code"),
            _to_int("count_2018").alias("district_pubs"),
        )
    )
    _require(pubs.height == len(KENT_MEDWAY_LADS), f"{pubs.height} pub rows for Kent+Medway")
    df = df.join(pubs, on="district_code", how="left", validate="m:1")
    _require(df["district_pubs"].null_count() == 0, "district without a pub count")

    return df.select(
        "lsoa_code",
        "lsoa_name",
        "district_code",
        "district",
        "population",
        "population_0_15",
        "population_16_59",
        "population_60_plus",
        "imd_rank",
        "imd_decile",
        "easting",
        "northing",
        "district_pubs",
    ).sort("lsoa_code")


def build_district_population(raw: Path, districts: pl.DataFrame) -> pl.DataFrame:
    """District x sex x age band. ``districts`` maps district_code -> district (IoD names)."""
    fem = _read_csv_as_strings(raw / FEMALES).filter(pl.col("Code").is_in(KENT_MEDWAY_LADS))
    _require(fem.height == len(KENT_MEDWAY_LADS), f"{fem.height} female rows for Kent+Medway")
    single_years = [f"female_{age}" for age in range(90)] + ["female_90+"]
    _require(all(c in fem.columns for c in single_years), "female single-year columns are missing")
    fem = fem.select(
        pl.col("Code").alias("district_code"),
        _to_int("All_females").alias("all_females"),
        *[_to_int(c).alias(c) for c in single_years],
    )
    band_exprs = []
    for label, lo, hi in AGE_BANDS:
        cols = [f"female_{a}" for a in range(lo, 90 if hi is None else hi + 1)]
        if hi is None:
            cols.append("female_90+")
        band_exprs.append(pl.sum_horizontal(cols).alias(label))
    wide = fem.select("district_code", "all_females", *band_exprs)
    band_labels = [label for label, _, _ in AGE_BANDS]
    _require(
        (wide["all_females"] == wide.select(pl.sum_horizontal(band_labels)).to_series()).all(),
        "female single years do not sum to All_females",
    )

    female = (
        wide.drop("all_females")
        .unpivot(index="district_code", variable_name="age_band", value_name="population")
        .with_columns(pl.lit("F").alias("sex"))
    )
    ratio = pl.DataFrame(
        {
            "age_band": list(MALE_PER_100_FEMALES),
            "per_100": list(MALE_PER_100_FEMALES.values()),
        }
    )
    male = (
        female.join(ratio, on="age_band", how="left", validate="m:1")
        .with_columns(
            # round half up in exact integer arithmetic
            ((pl.col("population") * pl.col("per_100") + 50) // 100).alias("population"),
            pl.lit("M").alias("sex"),
        )
        .drop("per_100")
    )
    band_order = pl.DataFrame({"age_band": band_labels, "_order": list(range(len(band_labels)))})
    out = (
        pl.concat([female, male], how="vertical")
        .join(districts, on="district_code", how="left", validate="m:1")
        .join(band_order, on="age_band", how="left", validate="m:1")
        .sort("district_code", "sex", "_order")
        .select("district_code", "district", "sex", "age_band", "population")
    )
    _require(out["district"].null_count() == 0, "female file has a district not in IoD")
    _require(out.height == len(KENT_MEDWAY_LADS) * 2 * len(AGE_BANDS), "wrong row count")
    return out


def build_hadcet(raw: Path) -> pl.DataFrame:
    """Daily HadCET mean for HADCET_START..HADCET_END; raises on any gap or duplicate."""
    values: dict[dt.date, float] = {}
    for lineno, line in enumerate(_read_text(raw / HADCET).splitlines(), start=1):
        parts = line.split()
        if not parts or parts[0] == "Date":
            continue
        _require(len(parts) == 2, f"HadCET line {lineno}: unexpected {line!r}")
        day = dt.date.fromisoformat(parts[0])
        if not HADCET_START <= day <= HADCET_END:
            continue
        _require(day not in values, f"HadCET duplicate date {day}")
        value = float(parts[1])
        _require(-30.0 < value < 40.0, f"HadCET implausible/missing value {value} on {day}")
        values[day] = value
    expected = [
        HADCET_START + dt.timedelta(days=i) for i in range((HADCET_END - HADCET_START).days + 1)
    ]
    missing = [d for d in expected if d not in values]
    _require(not missing, f"HadCET has {len(missing)} missing days, first {missing[:5]}")
    return pl.DataFrame(
        {
            "date": [d.isoformat() for d in expected],
            "tmean_c": [f"{values[d]:.1f}" for d in expected],
        }
    )


def _integer_coordinates(value: Any) -> Any:
    """GeoJSON coordinates (nested tuples of floats on a 1 m grid) as nested lists of ints."""
    if isinstance(value, tuple | list):
        if value and isinstance(value[0], float):
            return [round(v) for v in value]
        return [_integer_coordinates(v) for v in value]
    return value


def _counter_clockwise(geom: Any) -> Any:
    """Exterior rings counter-clockwise, holes clockwise (the RFC 7946 convention)."""
    orient = shapely.geometry.polygon.orient
    if geom.geom_type == "Polygon":
        return orient(geom, 1.0)
    return shapely.MultiPolygon([orient(part, 1.0) for part in geom.geoms])


def build_boundaries(raw: Path, lsoa: pl.DataFrame) -> bytes:
    """Kent + Medway LSOA polygons in BNG metres as a gzipped GeoJSON FeatureCollection.

    Steps: read the 13 district files (WGS84); transform every vertex with the pinned Helmert
    pipeline; repair the two self-intersecting rings (``make_valid``); snap to a 1 m grid
    (``set_precision``, which also makes shared edges identical); simplify the whole coverage
    at ``BOUNDARY_TOLERANCE_M`` keeping shared edges shared (``coverage_simplify``); orient
    exteriors counter-clockwise (RFC 7946). Fails unless the result is a valid coverage of
    exactly the 1,065 LSOAs of ``lsoa``.
    """
    codes: list[str] = []
    names: list[str] = []
    geoms: list[Any] = []
    for lad in KENT_MEDWAY_LADS:
        collection = json.loads(_read_text(raw / BOUNDARIES / f"{lad}.json"))
        for feature in collection["features"]:
            codes.append(str(feature["properties"]["LSOA11CD"]))
            names.append(str(feature["properties"]["LSOA11NM"]))
            geoms.append(shapely.geometry.shape(feature["geometry"]))
    _require(len(codes) == EXPECTED_LSOAS, f"{len(codes)} boundary features, not {EXPECTED_LSOAS}")
    _require(len(set(codes)) == len(codes), "duplicate LSOA codes in the boundary files")
    _require(set(codes) == set(lsoa["lsoa_code"].to_list()), "boundary codes differ from IoD")
    transformer = Transformer.from_pipeline(WGS84_TO_BNG_PIPELINE)

    def to_bng(xy: np.ndarray) -> np.ndarray:
        east, north = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([east, north])

    polygons = shapely.transform(np.asarray(geoms, dtype=object), to_bng)
    polygons = shapely.set_precision(shapely.make_valid(polygons), 1.0)
    polygons = shapely.coverage_simplify(polygons, BOUNDARY_TOLERANCE_M, simplify_boundary=True)
    polygons = shapely.set_precision(polygons, 1.0)
    kinds = set(shapely.get_type_id(polygons).tolist())
    _require(kinds <= {3, 6}, f"boundaries are not all (Multi)Polygons: type ids {kinds}")
    _require(bool(shapely.is_valid(polygons).all()), "a simplified boundary is invalid")
    _require(bool(shapely.coverage_is_valid(polygons)), "simplified boundaries overlap")
    polygons = np.asarray([_counter_clockwise(p) for p in polygons], dtype=object)
    attributes = lsoa.select("lsoa_code", "district_code", "district")
    lookup = {row[0]: row for row in attributes.iter_rows()}
    order = np.argsort(np.asarray(codes), kind="stable")
    lines = [
        '{"type":"FeatureCollection",',
        '"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::27700"}},',
        '"features":[',
    ]
    features = []
    for i in order:
        code = codes[i]
        geometry = shapely.geometry.mapping(polygons[i])
        feature = {
            "type": "Feature",
            "properties": {
                "lsoa_code": code,
                "lsoa_name": names[i],
                "district_code": lookup[code][1],
                "district": lookup[code][2],
            },
            "geometry": {
                "type": geometry["type"],
                "coordinates": _integer_coordinates(geometry["coordinates"]),
            },
        }
        features.append(json.dumps(feature, separators=(",", ":"), ensure_ascii=False))
    lines.append(",\n".join(features))
    lines.append("]}")
    text = "\n".join(lines) + "\n"
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def write_csv(df: pl.DataFrame, path: Path) -> None:
    """Write with ``\\n`` line endings and no float ambiguity (floats are pre-formatted)."""
    for name, dtype in df.schema.items():
        _require(not dtype.is_float(), f"{path.name}:{name} is a float; format it as a string")
    buf = io.StringIO()
    df.write_csv(buf, line_terminator="\n")
    path.write_bytes(buf.getvalue().encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    # The national files (every LSOA of England and Wales, the 43 forces) are built by their own
    # module next to this script; see its docstring.
    from national_reference import NationalBuildError, build_national, write_csv_gz

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--raw", type=Path, default=DEFAULT_RAW, help=f"raw data folder (default {DEFAULT_RAW})"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"output folder (default {DEFAULT_OUT})"
    )
    args = parser.parse_args(argv)
    raw: Path = args.raw.resolve()
    out: Path = args.out.resolve()
    if not raw.is_dir():
        parser.error(f"raw data folder not found: {raw}")
    out.mkdir(parents=True, exist_ok=True)

    try:
        lsoa = build_kent_lsoa(raw)
        districts = lsoa.select("district_code", "district").unique().sort("district_code")
        _require(districts.height == len(KENT_MEDWAY_LADS), "district code/name not 1:1")
        popn = build_district_population(raw, districts)
        hadcet = build_hadcet(raw)
        national = build_national(raw)
        boundaries = build_boundaries(raw, lsoa)
    except (BuildError, NationalBuildError) as exc:
        print(f"build_reference: {exc}", file=sys.stderr)
        return 1

    for name, df in (
        ("kent_lsoa.csv", lsoa),
        ("district_population.csv", popn),
        ("hadcet_daily.csv", hadcet),
    ):
        write_csv(df, out / name)
        print(f"wrote {out / name} ({df.height:,} rows)")
    for name, df in national.items():
        write_csv_gz(df, out / name)
        print(f"wrote {out / name} ({df.height:,} rows)")
    path = out / "kent_lsoa_boundaries.geojson.gz"
    path.write_bytes(boundaries)
    print(f"wrote {path} ({len(boundaries):,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
