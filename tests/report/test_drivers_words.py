"""How the drivers report words an effect: never stronger than its interval."""

from __future__ import annotations

import re

from vawg.report.drivers._format import _ci, _rr, effect_words
from vawg.results import Estimate


def test_an_interval_that_includes_no_change_reads_no_clear_change_first() -> None:
    words = effect_words(1.089, 0.931, 1.27)
    assert words.startswith("no clear change")
    assert "8.9% more crimes" in words and "6.9% fewer to 27% more" in words


def test_a_clear_effect_leads_with_its_size() -> None:
    assert effect_words(1.57, 1.31, 1.88) == "57% more crimes (95% CI 31% more to 88% more)"


def test_the_reference_group_says_reference_and_nothing_else() -> None:
    assert effect_words(1.0, 1.0, 1.0, "people") == "reference"
    assert effect_words(1.0, None, None, "people", reference=True) == "reference"


def test_a_tile_with_an_unclear_effect_says_so_with_its_estimate_below() -> None:
    e = Estimate(estimate=1.05, ci_low=0.97, ci_high=1.14)
    assert _rr(e) == "no clear change"
    assert _ci(e).startswith("estimate 5.0% more crimes, 95% CI")
    clear = Estimate(estimate=1.2, ci_low=1.1, ci_high=1.3)
    assert _rr(clear) == "20% more crimes"


def test_the_feed_check_writes_months_and_series_in_words() -> None:
    from datetime import date
    from types import SimpleNamespace

    import polars as pl

    from vawg.report.drivers.feed import _feed

    table = pl.DataFrame(
        {
            "series": ["force extract: in scope"] * 3,
            "month": [date(2017, 4, 1), date(2017, 5, 1), date(2017, 6, 1)],
            "count": [400, 90, 410],
            "expected": [405.0, 402.5, 405.0],
            "ratio": [0.99, 0.224, 1.01],
            "z": [0.1, -6.0, 0.1],
            "flagged": [False, True, False],
            "direction": [None, "low", None],
        }
    )
    anomalies = SimpleNamespace(table=table, cv={"force extract: in scope": 0.05})
    page = _feed(SimpleNamespace(anomalies=anomalies))  # type: ignore[arg-type]
    page = re.sub(r"<script.*?</script>", "", page, flags=re.S)  # the words a reader sees
    assert "Apr 2017" in page and "May 2017" in page
    assert "2017-04-01" not in page and "2017-05-01" not in page
    assert "group" not in page and "category" not in page
    assert "78% fewer" in page  # the flagged month against expected, in words
