"""Every interval in the drivers report is written one way, as the rest of the product writes
it: the figure, then the interval with "95% CI" inside the brackets (``12% fewer (95% CI 17%
fewer to 6.6% fewer)`` for a ratio, ``32.3 (95% CI 31.0 to 33.7)`` for a rate). One planted
case of each place an interval is written: the temperature curve's data table, the age rates
and the area forest plot's hover text (the same words as the table under it)."""

from __future__ import annotations

import html
import re
from datetime import date
from types import SimpleNamespace

import polars as pl

from vawg.models.age import AgeProfileResult
from vawg.report.drivers._format import _forest
from vawg.report.drivers.birthday import _age
from vawg.report.drivers.daily import _daily
from vawg.report.page import figure_html
from vawg.results import Estimate, Params


def _cells(page: str) -> list[str]:
    """The text of every table cell a reader sees."""
    return [html.unescape(c) for c in re.findall(r"<td[^>]*>([^<]*)</td>", page)]


def _bare_intervals(cells: list[str]) -> list[str]:
    """Cells with a bracketed 'a to b' that does not say 95% CI."""
    return [c for c in cells if re.search(r"\((?!95% CI )[^()]* to [^()]*\)", c)]


def test_the_temperature_curve_table_says_95_percent_ci_in_each_cell() -> None:
    # 4 °C: 0.88 times a typical day (12% fewer), 95% CI 0.83 to 0.934 (17% to 6.6% fewer).
    curve = SimpleNamespace(
        reference=14.0,
        lr_p_value=0.01,
        table=pl.DataFrame(
            {
                "temperature": [4.0, 14.0],
                "rate_ratio": [0.88, 1.0],
                "ci_low": [0.83, 1.0],
                "ci_high": [0.934, 1.0],
            }
        ),
    )
    fit = SimpleNamespace(rate_ratios={"temp": Estimate(1.01, 1.006, 1.014)})
    daily = SimpleNamespace(
        temperature="tmax_c",
        days=365,
        first_day=date(2023, 1, 1),
        last_day=date(2023, 12, 31),
        curves={"all": curve},
        fits={"all": fit},
        table=pl.DataFrame(
            {
                "series": ["all"],
                "crimes": [1000],
                "days": [365],
                "rate_ratio": [1.01],
                "ci_low": [1.006],
                "ci_high": [1.014],
                "p_value": [0.001],
                "method_used": ["poisson"],
                "dispersion_scale": [1.1],
                "poisson_rate_ratio": [1.01],
            }
        ),
        notes=(),
    )
    cells = _cells(_daily(SimpleNamespace(daily=daily)))  # type: ignore[arg-type]
    assert "12% fewer (95% CI 17% fewer to 6.6% fewer)" in cells
    assert "typical day" in cells
    assert _bare_intervals(cells) == []


def test_the_age_rates_say_95_percent_ci_as_the_comparisons_beside_them_do() -> None:
    # 18-24: 32.3 per 1,000 (95% CI 31.0 to 33.7); against 25-34, 38.1 per 1,000: 0.85 times,
    # 15% fewer (95% CI 0.81 to 0.89: 19% fewer to 11% fewer).
    table = pl.DataFrame(
        {
            "role": ["offender", "offender"],
            "age_band": ["18-24", "25-34"],
            "people": [2182, 4189],
            "population": [67500.0, 110000.0],
            "rate_per_1000": [32.33, 38.08],
            "ci_low": [30.98, 36.95],
            "ci_high": [33.72, 39.26],
            "rate_ratio": [0.849, 1.0],
            "rr_ci_low": [0.81, 1.0],
            "rr_ci_high": [0.89, 1.0],
        }
    )
    age = AgeProfileResult(params=Params(method="age"), table=table, reference_band="25-34")
    cells = _cells(_age(SimpleNamespace(age=age)))  # type: ignore[arg-type]
    assert "32.3 (95% CI 31.0 to 33.7)" in cells
    assert "38.1 (95% CI 37.0 to 39.3)" in cells
    assert "15% fewer (95% CI 19% fewer to 11% fewer)" in cells
    assert _bare_intervals(cells) == []


def test_the_forest_plot_hover_uses_the_words_of_the_table() -> None:
    # Town centres: 3.57 times as many crimes (95% CI 2.94 to 4.34); a decile less deprived:
    # 0.972 (2.8% fewer, 95% CI 4.2% fewer to 1.4% fewer).
    rows = [
        ("public places", "Town centre", Estimate(3.57, 2.94, 4.34)),
        ("public places", "Deprivation (decile)", Estimate(0.972, 0.958, 0.986)),
    ]
    # the hover text is in the page's chart data, its line breaks escaped
    page = figure_html(_forest(rows, "Area effects")).replace("\\u003cbr\\u003e", " ")
    assert (
        "Town centre, public places: 3.6 times as many crimes (95% CI 2.9 to 4.3 times as many)"
        in (page)
    )
    assert (
        "Deprivation (decile), public places: 2.8% fewer crimes (95% CI 4.2% fewer to 1.4% fewer)"
        in page
    )
    assert "+257%" not in page  # not a second way of writing the same ratio
