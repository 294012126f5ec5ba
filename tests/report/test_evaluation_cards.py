"""The Safer Streets effect cards: a figure a PCC would quote is never a point estimate whose
interval holds no change."""

from __future__ import annotations

import re

from vawg.report.evaluation.place import _effect_cards
from vawg.results import Estimate


def _values(html: str) -> list[str]:
    return re.findall(r'<div class="v">([^<]*)</div>', html)


def test_an_unclear_effect_leads_every_card_with_not_clear() -> None:
    # The demo's pooled result: rate ratio 0.72 (0.51 to 1.01), crimes averted 35 (-1 to 86).
    html = _effect_cards(
        Estimate(0.72, 0.51, 1.01),
        Estimate(35.0, -1.0, 86.0),
        Estimate(6439.0, -135.0, 16733.0),
        Estimate(30.0, -8.0, 80.0),
        Estimate(39937.0, 16000.0, 1e9),
        Estimate(220.0, 80.0, 1e9),
    )
    assert _values(html) == ["no clear change"] + ["not clear"] * 5
    assert "estimate 28% fewer crimes, 95% CI 49% fewer to 1.0% more" in html
    assert "39,937" not in html and "£" not in html


def test_a_clear_effect_is_quoted_with_its_interval() -> None:
    html = _effect_cards(
        Estimate(0.70, 0.55, 0.89),
        Estimate(40.0, 12.0, 70.0),
        None,
        None,
        Estimate(25000.0, 14000.0, 83000.0),
        None,
    )
    values = _values(html)
    assert values[0] == "30% fewer crimes" and values[1] == "about 40"
    assert "95% CI 45% fewer to 11% fewer" in html
    assert "not clear" not in values


def test_no_cost_per_crime_when_about_none_are_averted() -> None:
    # Chatham in the demo: about 0 crimes averted beside a cost of £176,000 per crime averted.
    html = _effect_cards(
        Estimate(0.60, 0.40, 0.90),
        Estimate(0.3, -5.0, 6.0),
        None,
        None,
        Estimate(176000.0, 30000.0, 1e9),
        None,
    )
    assert "176,000" not in html
    assert _values(html)[4] == "none"


def test_no_cost_per_crime_when_the_interval_of_crimes_averted_includes_none() -> None:
    html = _effect_cards(
        Estimate(0.70, 0.50, 0.95),
        Estimate(12.0, -1.0, 30.0),
        None,
        None,
        Estimate(13912.0, 5000.0, 1e9),
        None,
    )
    assert "13,912" not in html
    assert _values(html)[4] == "not clear"


def test_diagnostics_are_a_folded_table_not_headline_tiles() -> None:
    from vawg.report.evaluation.place import _diagnostics

    html = _diagnostics(Estimate(0.36, 0.15, 0.85), Estimate(9.0, 1.0, 20.0), None, None, None)
    assert 'class="kpi"' not in html and "<details" in html
    assert "64% fewer crimes" in html and "not fit for conclusions" in html


def test_a_ratio_whose_interval_holds_no_change_says_so_first() -> None:
    from vawg.report.evaluation.place import ratio_words

    assert ratio_words(Estimate(1.28, 0.83, 1.98)).startswith("no clear change")
    assert ratio_words(Estimate(4.01, 1.28, 12.53)) == (
        "4.0 times as many crimes (95% CI 1.28 to 12.5 times as many)"
    )


def test_estimated_numbers_are_rounded_with_a_real_minus_sign() -> None:
    # The demo's tile: "point estimate ≈ 5,774; 95% CI -287 to 14,574"
    html = _effect_cards(
        Estimate(0.72, 0.51, 1.01),
        Estimate(35.0, -1.0, 86.0),
        Estimate(5774.0, -287.0, 14574.0),
        None,
        None,
        None,
    )
    assert "estimate 5,800, 95% CI \u2212290 to 15,000" in html
    assert "≈" not in html and "-287" not in html
    clear = _effect_cards(Estimate(0.7, 0.55, 0.89), Estimate(1234.0, 96.4, 2987.0), *[None] * 4)
    assert _values(clear)[1] == "about 1,200"
    assert "95% CI 96 to 3,000" in clear


def test_a_negative_number_averted_is_said_in_words() -> None:
    # The public demo's Ramsgate tiles read "point estimate −1", "−170" and "−12": a reader
    # had to work out that a negative number averted is more crimes, not fewer.
    html = _effect_cards(
        Estimate(1.038, 0.59, 1.82),
        Estimate(-1.2, -15.0, 23.0),
        Estimate(-171.0, -2400.0, 3300.0),
        Estimate(-12.0, -27.0, 15.0),
        None,
        None,
    )
    assert "none averted (estimate 1 more crime, 95% CI" in html
    assert "none averted (estimate 170 more days of harm, 95% CI" in html
    assert "none averted (estimate 12 more crimes, 95% CI" in html
    assert "estimate \u22121" not in html and "estimate \u221212" not in html
    # a clear rise: the tile itself says none were averted
    rise = _effect_cards(Estimate(1.5, 1.2, 1.9), Estimate(-30.0, -45.0, -12.0), *[None] * 4)
    assert _values(rise)[1] == "none averted (estimate 30 more crimes)"
    from vawg.report.evaluation.place import estimate_text

    assert estimate_text(Estimate(0.2, -9.0, 9.0)) == "none averted (estimate 0, 95% CI −9 to 9)"
