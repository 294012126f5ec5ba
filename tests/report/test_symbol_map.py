"""District names on the symbol maps (vawg.report.symbol_map.district_labels): each at the mean
of its LSOAs' centroids, none for a district with no located LSOA, declared a label (not a
count) for the leak scanner. Known answers worked out by hand from the table below."""

from __future__ import annotations

import polars as pl

from vawg.report.symbol_map import district_labels


def test_each_district_is_named_at_the_mean_of_its_located_lsoas() -> None:
    table = pl.DataFrame(
        {
            "district": ["Dover", "Ashford", "Dover", "Thanet", "Ashford"],
            "easting": [630_000.0, 600_000.0, 634_000.0, None, None],
            "northing": [140_000.0, 142_000.0, 144_000.0, None, 150_000.0],
        }
    )
    trace = district_labels(table)
    # Sorted by name; Ashford from its one located LSOA; Thanet has none, so no name.
    assert list(trace.text) == ["Ashford", "Dover"]
    assert list(trace.x) == [600_000.0, 632_000.0]
    assert list(trace.y) == [142_000.0, 142_000.0]
    assert trace.mode == "text"
    assert trace.meta == {"measure": "label"}
