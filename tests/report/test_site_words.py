"""The open site's words: notes a reader needs beside a chart."""

from __future__ import annotations

import polars as pl

from vawg.report.site.sections import _relationship_note


def test_the_relationship_bars_say_why_they_add_up_to_more_than_the_victims() -> None:
    # The demo's bars summed to 13,715 against 11,275 victims with no note on the site.
    rel = pl.DataFrame(
        {"relationship": ["partner", "ex_partner", "other"], "victims": [8000, 5000, None]}
    )
    text = _relationship_note(rel, 11_275)
    assert "counted under every relationship" in text
    assert "add up to 13,000, more than the 11,275 different victims" in text
    assert "add up to" not in _relationship_note(rel, 13_000)
