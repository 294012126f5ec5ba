"""Which population the area model uses, and that its methods say so.

The drivers report once said its population was "mid-2015, the ONS estimate used throughout",
while the profile and hot spots use ONS mid-2019 female populations. The shipped reference's
LSOA population is IoD2019's mid-2015 denominator (datasets/PROVENANCE.md); the expectation
here reads it straight from the shipped CSV, not through the code under test.
"""

from __future__ import annotations

import csv
from datetime import date
from types import SimpleNamespace
from typing import Any

import polars as pl

from vawg.datasets import dataset_path
from vawg.inputs.frames import population_source
from vawg.report.drivers.methods import _methods


def _reference_rows(n: int) -> list[tuple[str, str, int]]:
    with dataset_path("kent_lsoa.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:n]
    return [(r["lsoa_code"], r["district"], int(r["population"])) for r in rows]


def _areas(rows: list[tuple[str, str, int]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["lsoa_code", "district", "population"], orient="row")


def test_the_shipped_populations_are_named_mid_2015() -> None:
    said = population_source(_areas(_reference_rows(5)))
    assert "mid-2015" in said and "IoD2019" in said


def test_other_populations_are_the_file_s_own() -> None:
    rows = _reference_rows(5)
    code, district, population = rows[0]
    rows[0] = (code, district, population + 100)
    said = population_source(_areas(rows))
    assert "mid-2015" not in said and "areas.csv" in said


def test_the_methods_name_the_area_model_s_population_and_not_a_shared_one() -> None:
    result: Any = SimpleNamespace(
        params=SimpleNamespace(period=(date(2021, 4, 1), date(2022, 3, 31)), settings={}),
        population_source=population_source(_areas(_reference_rows(3))),
    )
    text = _methods(result)
    assert "used throughout" not in text
    assert "population is each LSOA's all-age residents at mid-2015" in text
    assert "ONS mid-2019 female populations" in text
