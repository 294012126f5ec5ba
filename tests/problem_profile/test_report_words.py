"""The profile in words: the RFGV scoring bands as each score's range, worked out by hand from
the rule (recency: days <= edge scores higher; the others: value >= edge scores higher), and
the harm charts' data tables as percentages."""

from __future__ import annotations

import re

import polars as pl

from vawg.profile import ProfileResult
from vawg.report.profile import profile_html
from vawg.report.profile.rfgv import _bands, _bands_table


def test_recency_ranges_count_down_from_the_most_recent() -> None:
    # <= 28: 5; 29..91: 4; 92..182: 3; 183..273: 2; > 273: 1.
    assert _bands([28, 91, 182, 273], recent=True, whole=True) == [
        "28 or fewer",
        "29 to 91",
        "92 to 182",
        "183 to 273",
        "more than 273",
    ]


def test_whole_number_ranges_end_one_below_the_next_edge() -> None:
    # >= 6: 5; 4..5: 4; 3: 3; 2: 2; < 2: 1.
    assert _bands([2, 3, 4, 6], recent=False, whole=True) == [
        "6 or more",
        "4 or 5",
        "3",
        "2",
        "fewer than 2",
    ]


def test_harm_ranges_run_up_to_the_next_edge() -> None:
    assert _bands([10, 90, 180, 1000], recent=False, whole=False) == [
        "1,000 or more",
        "180 to under 1,000",
        "90 to under 180",
        "10 to under 90",
        "under 10",
    ]


def test_the_table_has_a_row_per_score_and_a_column_per_measure() -> None:
    bands = pl.DataFrame(
        {
            "factor": ["recency", "frequency", "gravity", "victims"],
            "edges": ["28, 91, 182, 273", "2, 3, 4, 6", "10, 90, 180, 1000", "2, 3, 4, 5"],
            "weight": [1.0, 1.0, 1.0, 1.0],
        }
    )
    table = _bands_table(bands)
    assert table["score"].to_list() == ["5", "4", "3", "2", "1"]
    assert table.row(0) == ("5", "28 or fewer", "6 or more", "1,000 or more", "5 or more")


def test_the_harm_charts_data_tables_give_percentages(hand_result: ProfileResult) -> None:
    page = profile_html(hand_result)
    table = page.split("<caption>Data: Harm share of the most harmful")[1].split("</table>")[0]
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", table)
    assert headers == ["most harmful", "share of harm (%)", "95% CI from", "95% CI to"]
    first = re.findall(r"<td[^>]*>([^<]*)</td>", table)[:2]
    row = hand_result.harm.concentration.row(0, named=True)
    assert first == [f"top {row['top_pct']}%", f"{100 * row['harm_share']:.1f}"]


def test_a_home_public_ratio_reads_the_same_everywhere_one_decimal() -> None:
    from vawg.report.profile._format import _ratio, ratio_text

    assert [_ratio(v) for v in (3.96, 4.0, 0.975, 0.05, None, float("inf"))] == [
        "4.0",
        "4.0",
        "1.0",
        "0.05",
        "–",
        "–",
    ]
    table = ratio_text(pl.DataFrame({"ratio": [3.96, 4.0], "ci_low": [0.975, 3.5]}))
    assert table.rows() == [("4.0", "1.0"), ("4.0", "3.5")]


def test_the_ratio_tile_and_the_key_finding_agree(hand_result: ProfileResult) -> None:
    from vawg.report.profile._format import _ratio

    page = profile_html(hand_result)
    shown = _ratio(hand_result.place.home_public_ratio.estimate)
    assert f"{shown} times" in page
    assert f"there were <b>{shown}</b> at home" in page
    assert " : 1" not in page


def test_a_yearly_trend_whose_interval_includes_no_change_says_so_first(
    hand_result: ProfileResult,
) -> None:
    import dataclasses

    from vawg.report.profile.summary import _findings
    from vawg.results import Estimate

    unclear = Estimate(estimate=1.03, ci_low=0.98, ci_high=1.08, p_value=0.2)
    trend = dataclasses.replace(hand_result.volume.trend, rate_ratio_per_year=unclear)
    result = dataclasses.replace(
        hand_result, volume=dataclasses.replace(hand_result.volume, trend=trend)
    )
    line = next(f for f in _findings(result) if "a year" in f)
    assert line.startswith("<b>No clear change</b>") and "+3.0% a year" in line
    assert "rose" not in line


def test_dates_and_year_spans_are_written_as_a_bulletin_writes_them(
    hand_result: ProfileResult,
) -> None:
    # The profile read "from 01 Apr 2017" and "Kent's own 2017-2022 profile".
    page = profile_html(hand_result)
    start, end = hand_result.period
    assert f"from {start.day} {start:%b %Y} to {end.day} {end:%b %Y}" in page
    assert not re.search(r"\b0\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)", page)
    assert "2017-2022" not in page
    if "Kent&#x27;s own" in page or "Kent's own" in page:
        assert "2017–22" in page
