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
    assert "point estimate 28% fewer crimes; 95% CI 49% fewer to 1.0% more" in html
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
    assert values[0] == "30% fewer crimes" and values[1] == "≈ 40"
    assert "95% CI 45% fewer to 11% fewer" in html
    assert "not clear" not in values
