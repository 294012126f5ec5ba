"""Reading what the user supplies (a population file, a boundary file) and writing a reference.

* :func:`read_lsoa_population`: an LSOA population CSV (e.g. ONS "Lower layer Super Output
  Area population estimates" saved as CSV). The code column is found by name (``lsoa_code``,
  ``LSOA11CD``, ``LSOA Code``, ``LSOA code (2011)``...), the count column likewise
  (``population``, ``All Ages``, ``All persons``, ``Total``); thousands separators are allowed.
* :func:`cut_boundaries`: keep the chosen LSOAs' polygons from a GeoJSON the user downloaded
  (any extent: a national file is fine), as ``areas.geojson`` with ``lsoa_code``,
  ``lsoa_name`` and ``district`` properties. LSOAs the file lacks are counted, not hidden.
* :func:`write_force_reference`: ``areas.csv`` (ready for ``vawg ingest``),
  ``district_population.csv``, ``lsoa_reference.csv``, ``README.md`` and, when boundaries were
  given, ``areas.geojson``.

Boundaries cannot be shipped for every force (the national LSOA polygons are tens of MB), so
when none are given the result names the file to download: :data:`BOUNDARY_DOWNLOAD`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from vawg.errors import InputError
from vawg.reference.build import AREAS_COLUMNS, ForceReference

__all__ = [
    "BOUNDARY_DOWNLOAD",
    "WrittenReference",
    "cut_boundaries",
    "read_lsoa_population",
    "write_force_reference",
]

BOUNDARY_DOWNLOAD = (
    "ONS Open Geography Portal (geoportal.statistics.gov.uk): 'Lower Layer Super Output Areas "
    "(December 2011) Boundaries EW BGC' (generalised, clipped), downloaded as GeoJSON"
)
"""The boundary file to download for a force outside Kent and Medway."""

_CODE_HEADERS = {"lsoacode", "lsoa11cd", "lsoa21cd", "lsoacode2011", "lsoa2011code", "code"}
_POP_HEADERS = {"population", "allages", "allpersons", "total", "totalpopulation", "persons"}
_CODE_PROPERTIES = ("lsoa_code", "lsoa11cd", "lsoa21cd", "code")
_NAME_PROPERTIES = ("lsoa_name", "lsoa11nm", "lsoa21nm", "name")


def _flat(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", header.lower())


def read_lsoa_population(path: Path) -> pl.DataFrame:
    """``lsoa_code``, ``population`` from a CSV; an InputError names what is wrong."""
    if not path.is_file():
        raise InputError(f"population file {str(path)!r} not found")
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    frame = pl.read_csv(text.encode("utf-8"), infer_schema=False)
    by_flat = {_flat(c): c for c in frame.columns}
    code = next((by_flat[h] for h in by_flat if h in _CODE_HEADERS), None)
    count = next((by_flat[h] for h in by_flat if h in _POP_HEADERS), None)
    if code is None or count is None:
        raise InputError(
            f"{path.name}: need an LSOA code column (e.g. 'lsoa_code', 'LSOA Code', 'LSOA11CD') "
            f"and a population column (e.g. 'population', 'All Ages'); found {frame.columns}"
        )
    out = frame.select(
        pl.col(code).str.strip_chars().alias("lsoa_code"),
        pl.col(count).str.strip_chars().str.replace_all(",", "").alias("_raw"),
    ).with_columns(population=pl.col("_raw").cast(pl.Int64, strict=False))
    bad = out.filter(pl.col("population").is_null() | (pl.col("population") < 1))
    if bad.height:
        row = bad.row(0, named=True)
        raise InputError(
            f"{path.name}: {bad.height:,} rows have no usable population (a whole number >= 1), "
            f"e.g. {row['lsoa_code']!r} = {row['_raw']!r}"
        )
    repeated = out.filter(pl.col("lsoa_code").is_duplicated())["lsoa_code"].unique().to_list()
    if repeated:
        raise InputError(f"{path.name}: LSOA codes repeat, e.g. {sorted(repeated)[:3]}")
    return out.select("lsoa_code", "population")


def _property(props: dict[str, Any], names: tuple[str, ...]) -> Any:
    lower = {k.lower(): v for k, v in props.items()}
    return next((lower[n] for n in names if lower.get(n) not in (None, "")), None)


def cut_boundaries(path: Path, reference: ForceReference) -> tuple[dict[str, Any], list[str]]:
    """The GeoJSON FeatureCollection of the reference's LSOAs and the codes the file lacks."""
    if not path.is_file():
        raise InputError(f"boundary file {str(path)!r} not found; download {BOUNDARY_DOWNLOAD}")
    if path.suffix.lower() not in (".geojson", ".json"):
        raise InputError(
            f"{path.name}: cutting boundaries needs GeoJSON (.geojson or .json); convert it, or "
            "name the file in the boundaries setting without cutting it"
        )
    try:
        source = json.loads(path.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{path.name} is not readable GeoJSON: {error}") from error
    features = source.get("features") if isinstance(source, dict) else None
    if not isinstance(features, list):
        raise InputError(f"{path.name} is not a GeoJSON FeatureCollection (no 'features' list)")
    rows = reference.lsoas.select("lsoa_code", "lsoa_name", "district")
    wanted = {code: (name, district) for code, name, district in rows.iter_rows()}
    kept: dict[str, dict[str, Any]] = {}
    for feature in features:
        props = feature.get("properties") or {}
        code = _property(props, _CODE_PROPERTIES)
        if code not in wanted or code in kept:
            continue
        name, district = wanted[code]
        kept[code] = {
            "type": "Feature",
            "properties": {
                "lsoa_code": code,
                "lsoa_name": _property(props, _NAME_PROPERTIES) or name,
                "district": district,
            },
            "geometry": feature.get("geometry"),
        }
    out: dict[str, Any] = {"type": "FeatureCollection"}
    if isinstance(source.get("crs"), dict):
        out["crs"] = source["crs"]
    out["features"] = [kept[c] for c in sorted(kept)]
    return out, sorted(set(wanted) - set(kept))


@dataclass(frozen=True)
class WrittenReference:
    """Files written, by role; the LSOAs the boundary file lacked (None: no boundaries given)."""

    out_dir: Path
    files: dict[str, Path]
    boundaries_missing: tuple[str, ...] | None


def _readme(ref: ForceReference, boundaries: str) -> str:
    lines = [
        f"# Area reference: {ref.label}",
        "",
        "Made by `vawg reference build` from the national reference shipped with vawg-insight",
        "(sources and column meanings: `src/vawg/datasets/PROVENANCE.md`). Open Government",
        "Licence v3.0: contains MHCLG, ONS and OS data © Crown copyright and database right.",
        "",
        f"- LSOAs (2011): {ref.areas.height:,} in "
        f"{ref.lsoas['district_code'].n_unique():,} districts",
        f"- population: {ref.population_source}",
        f"- boundaries: {boundaries}",
        "",
        "| file | what |",
        "|---|---|",
        "| `areas.csv` | the data contract's area table: load it with `vawg ingest` |",
        "| `district_population.csv` | district x sex x age band (female: ONS mid-2019; male: "
        "modelled, see PROVENANCE.md) |",
        "| `lsoa_reference.csv` | every shipped column for these LSOAs (names, IMD rank, the seven "
        "domains, district pubs and female population) |",
    ]
    if boundaries.startswith("areas.geojson"):
        lines.append('| `areas.geojson` | LSOA polygons: set `boundaries = "areas.geojson"` |')
    lines += ["", "## What is missing or assumed", ""]
    lines += [f"- {note}" for note in ref.notes]
    return "\n".join(lines) + "\n"


def write_force_reference(
    reference: ForceReference, out_dir: Path, *, boundaries: Path | None = None
) -> WrittenReference:
    """Write the reference's files into ``out_dir`` (created if needed)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {str(out)!r} is a file; give a folder")
    missing: tuple[str, ...] | None = None
    collection: dict[str, Any] | None = None
    if boundaries is not None:
        collection, lacking = cut_boundaries(boundaries, reference)
        missing = tuple(lacking)
        if not collection["features"]:
            raise InputError(
                f"{boundaries.name} has none of the {reference.areas.height:,} LSOAs chosen "
                "(is it LSOA 2011 boundaries, with an LSOA11CD or lsoa_code property?)"
            )
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "areas": out / "areas.csv",
        "district_population": out / "district_population.csv",
        "lsoa_reference": out / "lsoa_reference.csv",
        "readme": out / "README.md",
    }
    reference.areas.select(AREAS_COLUMNS).write_csv(
        files["areas"], null_value="", line_terminator="\n"
    )
    reference.district_population.write_csv(files["district_population"], line_terminator="\n")
    reference.lsoas.write_csv(files["lsoa_reference"], null_value="", line_terminator="\n")
    if collection is not None:
        files["boundaries"] = out / "areas.geojson"
        files["boundaries"].write_text(
            json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8"
        )
        described = f"areas.geojson, {len(collection['features']):,} polygons from {boundaries}"
        if missing:
            described += f" ({len(missing):,} LSOAs had no polygon there)"
    else:
        described = (
            f"none given; for maps and placement by coordinates download {BOUNDARY_DOWNLOAD}"
        )
    files["readme"].write_text(_readme(reference, described), encoding="utf-8")
    return WrittenReference(out_dir=out, files=files, boundaries_missing=missing)
