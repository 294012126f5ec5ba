"""The public pattern counts agree with the public table: withheld LSOAs are counted apart."""

from __future__ import annotations

import polars as pl

from vawg.results import Params
from vawg.spatial.hotspots import HOT, HotspotTrendResult
from vawg.spatial.public import _trends


def _trends_result() -> HotspotTrendResult:
    # Three LSOAs over two years: E1 hot both years, E2 hot in the latest only (withheld below),
    # E3 never hot. Counted by hand: persistent 1, emerging 1, never 1.
    table = pl.DataFrame(
        {
            "lsoa_code": ["E1", "E2", "E3"],
            "years_hot": [2, 1, 0],
            "hot_first": [True, False, False],
            "hot_latest": [True, True, False],
            "trend_tau": [0.0, 1.0, 0.0],
            "trend_p": [1.0, 0.3, 1.0],
            "pattern": ["persistent", "emerging", "never"],
            "years_hot_unadjusted": [2, 1, 0],
            "pattern_unadjusted": ["persistent", "emerging", "never"],
        }
    )
    yearly = pl.DataFrame(
        {
            "lsoa_code": ["E1", "E1", "E2", "E2", "E3", "E3"],
            "year": ["2020/21", "2021/22"] * 3,
            "crimes": [40, 50, 2, 30, 20, 20],
            "gi_z": [4.0, 4.0, 0.5, 3.0, 0.1, 0.1],
            "p_value": [0.001] * 6,
            "p_perm": [0.001] * 6,
            "q_value": [0.001] * 6,
            "hotspot_class": [HOT, HOT, "not significant", HOT, "not significant", None],
        }
    )
    counts = {"persistent": 1, "emerging": 1, "diminishing": 0, "intermittent": 0, "never": 1}
    return HotspotTrendResult(
        params=Params(method="test"),
        table=table,
        yearly=yearly,
        years=("2020/21", "2021/22"),
        patterns=counts,
        patterns_unadjusted=dict(counts),
        hot_all_but_one=1,
    )


def test_public_pattern_counts_leave_out_withheld_lsoas_and_say_how_many() -> None:
    public = _trends(_trends_result(), threshold=10, hidden=pl.Series(["E2"]))
    assert public.patterns["emerging"] == 0  # E2's pattern is withheld, so not counted
    assert public.patterns_unadjusted["emerging"] == 0
    assert public.patterns["persistent"] == 1 and public.patterns["never"] == 1
    assert public.withheld_lsoas == 1
    # every LSOA is in exactly one count: the shown patterns plus the withheld
    assert sum(public.patterns.values()) + public.withheld_lsoas == public.table.height
    shown_hot = public.table.filter(pl.col("years_hot_unadjusted") > 0).height
    assert shown_hot == sum(v for k, v in public.patterns_unadjusted.items() if k != "never")


def test_the_pattern_table_has_a_not_shown_row_and_the_list_agrees() -> None:
    from vawg.report.hotspots.sections import trends_section

    public = _trends(_trends_result(), threshold=10, hidden=pl.Series(["E2"]))
    table = pl.DataFrame(
        {
            "lsoa_code": ["E1", "E2", "E3"],
            "lsoa_name": ["Dover 001A", "Dover 001B", "Dover 001C"],
            "district": ["Dover"] * 3,
        }
    )
    result = type("R", (), {"trends": public})()
    html = trends_section(result, table)  # type: ignore[arg-type]
    assert "not shown (too few crimes to publish)" in html
    assert "all 1 of those shown" in html
    assert "Dover 001B" not in html
