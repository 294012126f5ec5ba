"""The open site's words: notes a reader needs beside a chart."""

from __future__ import annotations

import polars as pl

from vawg.report.site.sections import _ages_note, _relationship_note


def test_the_relationship_bars_say_why_they_add_up_to_more_than_the_victims() -> None:
    # The demo's bars summed to 13,715 against 11,275 victims with no note on the site.
    rel = pl.DataFrame(
        {"relationship": ["partner", "ex_partner", "other"], "victims": [8000, 5000, None]}
    )
    text = _relationship_note(rel, 11_275)
    assert "counted under every relationship" in text
    assert "add up to 13,000, more than the 11,275 different victims" in text
    assert "add up to" not in _relationship_note(rel, 13_000)


def test_the_ages_chart_says_why_suspects_have_no_bar_under_18() -> None:
    # The site's ages table had victims under 16 and 16-17 but no row for suspects or
    # offenders there, with no word: they are out of scope (18 or over), not zeros.
    text = _ages_note(["18-24", "25-34", "35-44", "45-54", "55-64", "65+"])
    assert "counted only from age 18" in text and "aged 18 or over" in text
    assert "the younger age bands and “unknown” have victims only" in text
    assert "from age 16" in _ages_note(["16-17", "18-24", "65+"])
    assert _ages_note(["under 16", "16-17", "18-24"]) == ""
