"""The profile page's repeat charts: one set of bands on each axis."""

from __future__ import annotations

import polars as pl

from vawg.web.pages.profile import repeat_charts


def test_crimes_each_and_victims_each_are_drawn_on_their_own_bands() -> None:
    # The analysis bands crimes each 1, 2, 3, 4, 5-9, 10+ and victims each 1, 2, 3, 4+.
    crimes = ["1", "2", "3", "4", "5-9", "10+"]
    repeats = pl.DataFrame(
        {
            "who": ["offenders: crimes each"] * 6
            + ["victims: crimes against each"] * 6
            + ["offenders: victims each"] * 4,
            "band": crimes + crimes + ["1", "2", "3", "4+"],
            "people": list(range(16)),
        }
    )
    charts = repeat_charts(repeats)
    assert [title for title, *_ in charts] == [
        "How many crimes each",
        "How many victims each perpetrator",
    ]
    (_, crimes_fig, crimes_rows, _), (_, victims_fig, victims_rows, _) = charts
    crime_axis = list(crimes_fig.layout.xaxis.categoryarray)
    victim_axis = list(victims_fig.layout.xaxis.categoryarray)
    assert crime_axis == ["1", "2", "3", "4", "5–9", "10 or more"]
    assert victim_axis == ["1", "2", "3", "4 or more"]
    drawn = {x for trace in crimes_fig.data for x in trace.x}
    assert "4 or more" not in drawn and drawn == set(crime_axis)
    assert {x for trace in victims_fig.data for x in trace.x} == set(victim_axis)
    # Each download holds the rows its chart draws, as the analysis wrote them.
    assert crimes_rows.height == 12 and victims_rows["band"].to_list() == ["1", "2", "3", "4+"]
