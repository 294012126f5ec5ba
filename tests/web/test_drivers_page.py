"""The drivers page's area chart: short two-line labels, a row's room for each."""

from __future__ import annotations

from vawg.web.pages.drivers import ROW_PX, area_labels, forest_height


def test_area_labels_are_two_short_lines_and_each_row_has_room() -> None:
    outcomes = ["all", "all", "all", "public", "public", "public", "home", "home", "home"]
    terms = ["imd_decile_step", "pubs", "town_centre"] * 3
    labels = area_labels(outcomes, terms)
    assert labels[0] == "All places<br>A tenth less deprived"
    assert labels[5] == "Public places<br>In a town centre"
    for text in labels:
        lines = text.split("<br>")
        assert len(lines) == 2 and all(len(line) <= 22 for line in lines)
    # Nine rows of two 13 px lines (about 36 px with spacing) need more than 9 x 36 px.
    assert forest_height(9) >= 9 * ROW_PX > 9 * 36
