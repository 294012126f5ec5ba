"""The targeting report's Model details for the Knox test: the ratio in words, and the p column
shown in a restricted report and never in a public one (decided by the Result, not the data)."""

from __future__ import annotations

import re
from datetime import date

import polars as pl

from vawg.report.targeting.report import _knox_section
from vawg.results import Params
from vawg.targeting.analysis import TargetingResult
from vawg.targeting.knox import KnoxResult
from vawg.targeting.repeats import RepeatResult


def _knox() -> KnoxResult:
    table = pl.DataFrame(
        {
            "distance_band": ["0-100 m", "0-100 m", "100-200 m", "100-200 m"],
            "time_band": ["0-7 days", "more than 7 days", "0-7 days", "more than 7 days"],
            "distance_index": [0, 0, 1, 1],
            "time_index": [0, 1, 0, 1],
            "observed": [15, 30, 8, 50],
            "expected": [10.0, 30.0, 10.0, 50.0],
            "knox_ratio": [1.5, 1.0, 0.8, 1.0],
            "p_value": [0.012, 0.531, 0.874, 0.497],
            "above_chance": [True, False, False, False],
        }
    )
    return KnoxResult(
        params=Params(method="Knox test", seed=7),
        table=table,
        events=200,
        pairs=19900,
        near_pairs=300,
        distance_edges=(0.0, 100.0, 200.0),
        time_edges=(0.0, 7.0, 1000.0),
        permutations=999,
    )


def _result(*, public: bool) -> TargetingResult:
    empty = pl.DataFrame()
    return TargetingResult(
        params=Params(method="targeting"),
        table=empty,
        towns=empty,
        coverage=empty,
        town_coverage=empty,
        survey=empty,
        knox=_knox(),
        repeats=RepeatResult(
            params=Params(method="repeats"),
            table=empty,
            offences=None,
            locations=None,
            repeat_locations=None,
            offences_at_repeat_locations=None,
            metres=50.0,
        ),
        crimes=None,
        harm_days=None,
        evening_night_hour=(18, 6),
        top_rank=10,
        knox_window=(date(2023, 1, 1), date(2023, 12, 31)),
        town_source="",
        survey_source="",
        harm_source="",
        public=public,
        notes=(),
    )


def _details(html: str) -> str:
    return html[html.index("Model details") :]


def _headers(html: str) -> list[str]:
    return re.findall(r'<th scope="col">([^<]*)</th>', _details(html))


def test_the_knox_ratio_is_written_as_pairs_against_chance() -> None:
    html = _knox_section(_result(public=False))
    headers = _headers(html)
    assert "pairs against chance" in headers
    assert not any("÷" in h or "Knox ratio" in h for h in headers)
    # 15 observed pairs against 10 expected: 50% more, as the main table writes it
    assert "<td>50% more</td>" in _details(html)
    assert "20% fewer" in _details(html)
    assert "Knox test" in _details(html)  # the method is still named


def test_a_restricted_report_shows_the_p_values() -> None:
    html = _knox_section(_result(public=False))
    assert "share of shuffles as high (p)" in _headers(html)
    assert "0.012" in _details(html)


def test_a_public_report_never_has_a_p_column_even_if_p_values_are_present() -> None:
    html = _knox_section(_result(public=True))  # the p-values above were not blanked
    assert not any("(p)" in h or "p-value" in h for h in _headers(html))
    assert "0.012" not in html and "p-value" not in html
