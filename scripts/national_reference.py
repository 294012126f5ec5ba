"""Build the national area reference: every LSOA of England and Wales, its district and force.

What
----
Called by ``scripts/build_reference.py`` (kept in its own module so the Kent files and the
national files can change apart). Writes three files into ``src/vawg/datasets/``:

``england_wales_lsoa.csv.gz``
    One row per 2011 LSOA of England and Wales (34,753: 32,844 English, 1,909 Welsh): name,
    country, district (LAD 2019), police force area, IoD2019 mid-2015 population denominators,
    IMD 2019 rank and decile and the rank and decile of each of the seven domains, the ONS
    population-weighted centroid in British National Grid metres, the district's 2018 count of
    pubs and bars and its mid-2019 female population. **Welsh rows have no population and no
    deprivation**: the IoD2019 is England's index, and neither the Welsh Index of Multiple
    Deprivation nor Welsh LSOA population estimates are in the raw data (the columns are empty;
    nothing is invented).
``police_force_areas.csv``
    The 43 territorial police force areas: ONS code and name, the data.police.uk force id and
    the country.
``england_wales_district_population.csv.gz``
    Population by district (339 districts, LAD 2019) x sex x age band, built exactly as the Kent
    ``district_population.csv``: female rows are ONS mid-2019 estimates, male rows the same
    stated ASSUMPTION (female x fixed ratio).

How the force is found
----------------------
LSOA -> LAD 2017 (ONS OA/LSOA lookup in ``shared/data/raw``) -> police force area (ONS LAD 2016
-> CSP -> PFA lookup, vendored in ``scripts/data/`` with its PROVENANCE.md). District changes
between 2016 and 2019 were whole-district mergers inside one force, so the build checks that
every LSOA of a 2019 district lands in the same force, and that the 43 forces are all found.

Determinism
-----------
Rows are sorted by code, integers are written as integers, empty means missing, line endings
are ``\\n`` and the gzip stream has ``mtime=0``: a rebuild is byte-identical.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import polars as pl

# Constants shared with the Kent build (plain values, no functions: importing this module from
# build_reference.py's __main__ would otherwise load a second copy of its exception class).
from build_reference import AGE_BANDS, MALE_PER_100_FEMALES, WGS84_TO_BNG_PIPELINE
from pyproj import Transformer

__all__ = [
    "FORCES_FILE",
    "LSOA_FILE",
    "POPULATION_FILE",
    "NationalBuildError",
    "build_national",
    "write_csv_gz",
]

SCRIPTS = Path(__file__).resolve().parent
PFA_LOOKUP = SCRIPTS / "data" / "ons-lad16-csp16-pfa16-lookup" / "LAD16_CSP16_PFA16_lookup.csv"

LSOA_FILE = "england_wales_lsoa.csv.gz"
FORCES_FILE = "police_force_areas.csv"
POPULATION_FILE = "england_wales_district_population.csv.gz"

N_LSOAS_ENGLAND = 32_844
N_LSOAS_WALES = 1_909
N_FORCES = 43

IOD_FILE_1 = "iod2019/File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"
IOD_FILE_2 = "iod2019/File_2_-_IoD2019_Domains_of_Deprivation.csv.gz"
IOD_FILE_6 = "iod2019/File_6_-_IoD2019_Population_Denominators.csv.gz"
OA_LOOKUP = "ons-oa-lsoa-lad-lookup-2011/OA11_LSOA11_MSOA11_LAD17_OAC11_lookup.csv.gz"
CENTROIDS = (
    "ons-lsoa2011-pop-weighted-centroids/"
    "Lower_Layer_Super_Output_Areas_December_2011_Population_Weighted_Centroids.csv"
)
PUBS = "ons-pubs-bars-by-la-2001-2018/publichousesandbarsbylocalauthority20012018.csv"
FEMALES = "ons-mye2019-lad-female-population/femalePpltn2019ladcodes.csv"

# IoD2019 File 2 domain columns -> short names used in the shipped file.
DOMAINS: tuple[tuple[str, str], ...] = (
    ("income", "Income"),
    ("employment", "Employment"),
    ("education", "Education, Skills and Training"),
    ("health", "Health Deprivation and Disability"),
    ("crime", "Crime"),
    ("housing_services", "Barriers to Housing and Services"),
    ("living_environment", "Living Environment"),
)

# data.police.uk force ids (its /api/forces method, OGL v3) for each ONS police force area code,
# as paired in two public code files (see src/vawg/datasets/PROVENANCE.md); the build fails if a
# force of the ONS lookup has no id here or an id names no force.
POLICE_UK_IDS: dict[str, str] = {
    "E23000001": "metropolitan",
    "E23000002": "cumbria",
    "E23000003": "lancashire",
    "E23000004": "merseyside",
    "E23000005": "greater-manchester",
    "E23000006": "cheshire",
    "E23000007": "northumbria",
    "E23000008": "durham",
    "E23000009": "north-yorkshire",
    "E23000010": "west-yorkshire",
    "E23000011": "south-yorkshire",
    "E23000012": "humberside",
    "E23000013": "cleveland",
    "E23000014": "west-midlands",
    "E23000015": "staffordshire",
    "E23000016": "west-mercia",
    "E23000017": "warwickshire",
    "E23000018": "derbyshire",
    "E23000019": "nottinghamshire",
    "E23000020": "lincolnshire",
    "E23000021": "leicestershire",
    "E23000022": "northamptonshire",
    "E23000023": "cambridgeshire",
    "E23000024": "norfolk",
    "E23000025": "suffolk",
    "E23000026": "bedfordshire",
    "E23000027": "hertfordshire",
    "E23000028": "essex",
    "E23000029": "thames-valley",
    "E23000030": "hampshire",
    "E23000031": "surrey",
    "E23000032": "kent",
    "E23000033": "sussex",
    "E23000034": "city-of-london",
    "E23000035": "devon-and-cornwall",
    "E23000036": "avon-and-somerset",
    "E23000037": "gloucestershire",
    "E23000038": "wiltshire",
    "E23000039": "dorset",
    "W15000001": "north-wales",
    "W15000002": "gwent",
    "W15000003": "south-wales",
    "W15000004": "dyfed-powys",
}


class NationalBuildError(RuntimeError):
    """The raw data is not what this module expects; nothing is written."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise NationalBuildError(message)


def _read_csv(path: Path) -> pl.DataFrame:
    """Every column as a string; gzip and a byte-order mark are handled."""
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return pl.read_csv(io.StringIO(raw.decode("utf-8-sig")), infer_schema=False)


def _to_int(col: str) -> pl.Expr:
    """``"1,681"`` -> 1681 as Int64; anything else fails loudly."""
    return pl.col(col).str.strip_chars().str.replace_all(",", "").cast(pl.Int64, strict=True)


def build_police_forces(lookup: pl.DataFrame) -> pl.DataFrame:
    """The 43 police force areas: force_code, force, police_uk_id, country."""
    forces = (
        lookup.select(force_code="PFA16CD", force="PFA16NM")
        .unique()
        .sort("force_code")
        .with_columns(
            police_uk_id=pl.col("force_code").replace_strict(POLICE_UK_IDS, default=None),
            country=pl.when(pl.col("force_code").str.starts_with("W"))
            .then(pl.lit("Wales"))
            .otherwise(pl.lit("England")),
        )
    )
    _require(forces.height == N_FORCES, f"{forces.height} police force areas, not {N_FORCES}")
    _require(forces["force_code"].is_unique().all(), "a force code has two names")
    _require(forces["police_uk_id"].null_count() == 0, "a force has no data.police.uk id")
    _require(set(forces["force_code"]) == set(POLICE_UK_IDS), "police.uk id table mismatch")
    return forces


def _lsoa_lookup(raw: Path) -> pl.DataFrame:
    """One row per English or Welsh LSOA: name, LAD 2017 code and name, country."""
    oa = _read_csv(raw / OA_LOOKUP)
    lsoa = (
        oa.filter(pl.col("CTRY11NM").is_in(["England", "Wales"]))
        .select("LSOA11CD", "LSOA11NM", "LAD17CD", "LAD17NM", "CTRY11NM")
        .unique()
    )
    _require(lsoa["LSOA11CD"].is_unique().all(), "an LSOA lies in two LAD17s in the OA lookup")
    counts = dict(lsoa.group_by("CTRY11NM").len().iter_rows())
    _require(
        counts == {"England": N_LSOAS_ENGLAND, "Wales": N_LSOAS_WALES},
        f"OA lookup has {counts} LSOAs by country",
    )
    return lsoa.rename({"LSOA11CD": "lsoa_code", "CTRY11NM": "country"})


def _england(raw: Path) -> pl.DataFrame:
    """IoD2019 Files 1, 2 and 6 joined: one row per English LSOA."""
    f1 = _read_csv(raw / IOD_FILE_1)
    f2 = _read_csv(raw / IOD_FILE_2)
    f6 = _read_csv(raw / IOD_FILE_6)
    for name, frame in (("File 1", f1), ("File 2", f2), ("File 6", f6)):
        _require(frame.height == N_LSOAS_ENGLAND, f"IoD {name} has {frame.height} rows")
    imd = f1.select(
        pl.col("LSOA code (2011)").alias("lsoa_code"),
        pl.col("LSOA name (2011)").alias("lsoa_name"),
        pl.col("Local Authority District code (2019)").alias("district_code"),
        pl.col("Local Authority District name (2019)").alias("district"),
        _to_int("Index of Multiple Deprivation (IMD) Rank").alias("imd_rank"),
        _to_int("Index of Multiple Deprivation (IMD) Decile").alias("imd_decile"),
    )
    domain_cols: list[pl.Expr] = [pl.col("LSOA code (2011)").alias("lsoa_code")]
    f2_imd_rank = "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"
    domain_cols.append(_to_int(f2_imd_rank).alias("_imd_rank_f2"))
    for short, long in DOMAINS:
        domain_cols += [
            _to_int(f"{long} Rank (where 1 is most deprived)").alias(f"{short}_rank"),
            _to_int(f"{long} Decile (where 1 is most deprived 10% of LSOAs)").alias(
                f"{short}_decile"
            ),
        ]
    domains = f2.select(domain_cols)
    pop = f6.select(
        pl.col("LSOA code (2011)").alias("lsoa_code"),
        _to_int("Total population: mid 2015 (excluding prisoners)").alias("population"),
        _to_int("Dependent Children aged 0-15: mid 2015 (excluding prisoners)").alias(
            "population_0_15"
        ),
        _to_int("Population aged 16-59: mid 2015 (excluding prisoners)").alias("population_16_59"),
        _to_int("Older population aged 60 and over: mid 2015 (excluding prisoners)").alias(
            "population_60_plus"
        ),
    )
    df = imd.join(domains, on="lsoa_code", how="left", validate="1:1").join(
        pop, on="lsoa_code", how="left", validate="1:1"
    )
    _require(df["population"].null_count() == 0, "LSOAs of File 1 missing from File 6")
    _require(df["_imd_rank_f2"].null_count() == 0, "LSOAs of File 1 missing from File 2")
    _require((df["imd_rank"] == df["_imd_rank_f2"]).all(), "Files 1 and 2 disagree on IMD rank")
    _require(
        (
            df["population"]
            == df["population_0_15"] + df["population_16_59"] + df["population_60_plus"]
        ).all(),
        "File 6 age bands do not sum to the total",
    )
    rank_cols = ["imd_rank", *(f"{s}_rank" for s, _ in DOMAINS)]
    decile_cols = ["imd_decile", *(f"{s}_decile" for s, _ in DOMAINS)]
    _require(
        all(df[c].is_between(1, N_LSOAS_ENGLAND).all() for c in rank_cols)
        and all(df[c].is_between(1, 10).all() for c in decile_cols),
        "an IoD rank or decile is out of range",
    )
    return df.drop("_imd_rank_f2")


def _centroids(raw: Path) -> pl.DataFrame:
    """LSOA -> easting, northing (BNG metres) of the population-weighted centroid."""
    cen = _read_csv(raw / CENTROIDS).select(
        pl.col("lsoa11cd").alias("lsoa_code"),
        pl.col("X").cast(pl.Float64, strict=True).alias("lon"),
        pl.col("Y").cast(pl.Float64, strict=True).alias("lat"),
    )
    _require(cen["lsoa_code"].is_unique().all(), "duplicate LSOA in the centroid file")
    transformer = Transformer.from_pipeline(WGS84_TO_BNG_PIPELINE)
    easting, northing = transformer.transform(cen["lon"].to_numpy(), cen["lat"].to_numpy())
    return cen.select("lsoa_code").with_columns(
        pl.Series("easting", [round(float(e)) for e in easting], dtype=pl.Int64),
        pl.Series("northing", [round(float(n)) for n in northing], dtype=pl.Int64),
    )


def _district_pubs(raw: Path, lad_map: pl.DataFrame) -> pl.DataFrame:
    """district_code -> 2018 pubs and bars; a 2019 district formed by merger sums its parts."""
    pubs = (
        _read_csv(raw / PUBS)
        .filter(pl.col("Number of employees in public house or bar") == "Any number of employees")
        .select(pl.col("Area code").alias("code"), _to_int("count_2018").alias("pubs"))
    )
    _require(pubs["code"].is_unique().all(), "a pubs area code repeats")
    direct = lad_map.join(pubs, left_on="district_code", right_on="code", how="inner")
    merged = (
        lad_map.join(direct.select("district_code"), on="district_code", how="anti")
        .join(pubs, left_on="LAD17CD", right_on="code", how="left")
        .group_by("district_code")
        .agg(pl.col("pubs").sum(), pl.col("pubs").null_count().alias("_missing"))
    )
    _require(
        merged["_missing"].sum() == 0, "a district has neither its own nor its parts' pub count"
    )
    out = pl.concat(
        [direct.select("district_code", "pubs").unique(), merged.select("district_code", "pubs")]
    )
    _require(out["district_code"].is_unique().all(), "district pubs computed twice")
    return out.rename({"pubs": "district_pubs"})


def _females(raw: Path) -> pl.DataFrame:
    fem = _read_csv(raw / FEMALES)
    return fem.select(
        pl.col("Code").alias("district_code"),
        pl.col("Name").alias("mye_name"),
        _to_int("All_females").alias("district_females"),
    )


def build_england_wales_lsoa(raw: Path, lookup: pl.DataFrame) -> pl.DataFrame:
    """One row per LSOA of England and Wales; see the module docstring."""
    lsoa = _lsoa_lookup(raw)
    eng = _england(raw).join(
        lsoa.select("lsoa_code", "LAD17CD", "LSOA11NM", "country"),
        on="lsoa_code",
        how="left",
        validate="1:1",
    )
    _require(eng["LAD17CD"].null_count() == 0, "an IoD LSOA is not in the OA lookup")
    _require((eng["country"] == "England").all(), "an IoD LSOA is not English in the OA lookup")
    _require((eng["lsoa_name"] == eng["LSOA11NM"]).all(), "IoD and ONS disagree on LSOA names")
    eng = eng.drop("LSOA11NM")

    females = _females(raw)
    wales = (
        lsoa.filter(pl.col("country") == "Wales")
        .rename({"LSOA11NM": "lsoa_name"})
        .with_columns(district_code=pl.col("LAD17CD"))
        .join(females.select("district_code", "mye_name"), on="district_code", how="left")
    )
    _require(wales["mye_name"].null_count() == 0, "a Welsh district is not in the ONS MYE file")
    # The OA lookup says "The Vale of Glamorgan", the 2019 estimates "Vale of Glamorgan".
    same = wales["mye_name"] == wales["LAD17NM"].str.strip_prefix("The ")
    _require(same.all(), "ONS files disagree on a Welsh district name")
    wales = wales.rename({"mye_name": "district"}).drop("LAD17NM")
    df = pl.concat([eng, wales.select("lsoa_code", "lsoa_name", "district_code", "district",
                                       "LAD17CD", "country")], how="diagonal_relaxed")  # fmt: skip

    pfa = lookup.select(LAD17CD="LAD16CD", force_code="PFA16CD", force="PFA16NM")
    df = df.join(pfa, on="LAD17CD", how="left", validate="m:1")
    _require(df["force_code"].null_count() == 0, "an LSOA's district is not in the PFA lookup")
    per_district = df.group_by("district_code").agg(pl.col("force_code").n_unique())
    _require(
        (per_district["force_code"] == 1).all(), "a 2019 district spans two police force areas"
    )
    _require(df["force_code"].n_unique() == N_FORCES, "not every police force area has LSOAs")
    names = df.select("district_code", "district").unique()
    _require(names["district_code"].is_unique().all(), "a district code has two names")
    _require(names["district"].is_unique().all(), "two districts share a name")

    lad_map = df.select("district_code", "LAD17CD").unique()
    df = df.join(_district_pubs(raw, lad_map), on="district_code", how="left", validate="m:1")
    _require(df["district_pubs"].null_count() == 0, "a district has no pub count")
    df = df.join(
        females.select("district_code", "district_females"),
        on="district_code",
        how="left",
        validate="m:1",
    )
    _require(df["district_females"].null_count() == 0, "a district has no female population")
    df = df.join(_centroids(raw), on="lsoa_code", how="left", validate="1:1")
    _require(df["easting"].null_count() == 0, "an LSOA has no population-weighted centroid")

    columns = [
        "lsoa_code",
        "lsoa_name",
        "country",
        "district_code",
        "district",
        "force_code",
        "force",
        "population",
        "population_0_15",
        "population_16_59",
        "population_60_plus",
        "imd_rank",
        "imd_decile",
        *[f"{s}_{k}" for s, _ in DOMAINS for k in ("rank", "decile")],
        "easting",
        "northing",
        "district_pubs",
        "district_females",
    ]
    out = df.select(columns).sort("lsoa_code")
    _require(out.height == N_LSOAS_ENGLAND + N_LSOAS_WALES, f"{out.height} LSOAs in all")
    return out


def build_national_district_population(raw: Path, lsoa: pl.DataFrame) -> pl.DataFrame:
    """District x sex x age band for every district of ``lsoa`` (female exact, male modelled)."""
    districts = lsoa.select("district_code", "district").unique()
    fem = _read_csv(raw / FEMALES).join(
        districts, left_on="Code", right_on="district_code", how="semi"
    )
    _require(fem.height == districts.height, f"{fem.height} female rows for {districts.height}")
    single_years = [f"female_{age}" for age in range(90)] + ["female_90+"]
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
    labels = [label for label, _, _ in AGE_BANDS]
    _require(
        (wide["all_females"] == wide.select(pl.sum_horizontal(labels)).to_series()).all(),
        "female single years do not sum to All_females",
    )
    female = (
        wide.drop("all_females")
        .unpivot(index="district_code", variable_name="age_band", value_name="population")
        .with_columns(pl.lit("F").alias("sex"))
    )
    ratio = pl.DataFrame(
        {"age_band": list(MALE_PER_100_FEMALES), "per_100": list(MALE_PER_100_FEMALES.values())}
    )
    male = (
        female.join(ratio, on="age_band", how="left", validate="m:1")
        .with_columns(
            ((pl.col("population") * pl.col("per_100") + 50) // 100).alias("population"),
            pl.lit("M").alias("sex"),
        )
        .drop("per_100")
    )
    order = pl.DataFrame({"age_band": labels, "_order": list(range(len(labels)))})
    out = (
        pl.concat([female, male], how="vertical")
        .join(districts, on="district_code", how="left", validate="m:1")
        .join(order, on="age_band", how="left", validate="m:1")
        .sort("district_code", "sex", "_order")
        .select("district_code", "district", "sex", "age_band", "population")
    )
    _require(out.height == districts.height * 2 * len(labels), "wrong district population rows")
    return out


def build_national(raw: Path) -> dict[str, pl.DataFrame]:
    """The three national files by file name; raises NationalBuildError on bad input."""
    lookup = _read_csv(PFA_LOOKUP)
    _require(lookup["LAD16CD"].is_unique().all(), "a district repeats in the PFA lookup")
    forces = build_police_forces(lookup)
    lsoa = build_england_wales_lsoa(raw, lookup)
    return {
        LSOA_FILE: lsoa,
        FORCES_FILE: forces,
        POPULATION_FILE: build_national_district_population(raw, lsoa),
    }


def write_csv_gz(df: pl.DataFrame, path: Path) -> None:
    """CSV (``\\n``, empty = missing) compressed with ``mtime=0``; plain CSV if not ``.gz``."""
    for name, dtype in df.schema.items():
        _require(not dtype.is_float(), f"{path.name}:{name} is a float")
    buf = io.StringIO()
    df.write_csv(buf, line_terminator="\n", null_value="")
    data = buf.getvalue().encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=9, mtime=0)
    path.write_bytes(data)
