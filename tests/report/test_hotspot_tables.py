"""How the hot-spot tables write a q-value, and where their test statistics go."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import polars as pl

from vawg.report.hotspots.sections import class_map, q_words
from vawg.spatial.hotspots import HOT, HOT_UNADJUSTED


def test_a_tiny_q_value_never_reads_zero() -> None:
    frame = pl.DataFrame({"q_value": [1.8e-06, 0.00056, 0.14, None]})
    words = frame.select(q_words("q_value"))["q_value"].to_list()
    assert words == ["< 0.0001", "0.0006", "0.14", None]


def _hotspots() -> tuple[Any, pl.DataFrame]:
    table = pl.DataFrame(
        {
            "lsoa_code": ["E01", "E02"],
            "lsoa_name": ["Dover 001A", "Dover 001B"],
            "district": ["Dover", "Dover"],
            "town": [None, None],
            "town_centre": [False, False],
            "crimes": [40, 30],
            "rate": [30.0, 25.0],
            "rate_ci_low": [21.4, 16.9],
            "rate_ci_high": [40.8, 35.7],
            "neighbourhood_rate": [28.0, 24.0],
            "gi_z": [5.123456, 3.2],
            "p_perm": [0.001, 0.02],
            "q_value": [0.00001, 0.03],
            "hotspot_class": [HOT, HOT_UNADJUSTED],
        }
    )
    result = SimpleNamespace(
        force_rates={"all": 12.0}, weights_kind="queen", params=SimpleNamespace(settings={})
    )
    return result, table


def test_the_hot_spot_tables_keep_test_statistics_to_the_model_details() -> None:
    result, table = _hotspots()
    html = class_map(result, table, "all", False, drawn=False)
    body, _, details = html.partition("<details")
    assert "Dover 001A" in body
    for header in ("cluster score", "adjusted p", "second check"):
        assert header not in body
        assert header in details
    assert "Model details" in details
    assert ">5.1<" in details and "&lt; 0.0001" in details


def test_the_year_by_year_heat_map_shows_findings_in_words_not_scores() -> None:
    from vawg.report.hotspots.sections import _yearly_findings

    yearly = pl.DataFrame(
        {
            "lsoa_code": ["E01", "E01", "E02", "E02"],
            "year": ["2020/21", "2021/22", "2020/21", "2021/22"],
            "gi_z": [4.2, 2.1, None, 1.0],
            "hotspot_class": [HOT, HOT_UNADJUSTED, None, "not significant"],
        }
    )
    top = pl.DataFrame({"lsoa_code": ["E01", "E02"], "lsoa_name": ["Dover 001A", "Dover 001B"]})
    html = _yearly_findings(yearly, top, 2, ["2020/21", "2021/22"])
    table = html[html.index("<table") :]
    assert "confirmed hot spot" in table and "exploratory hot cluster" in table
    assert "not shown" in table  # a withheld year says so
    assert "4.2" not in html and "score" not in html
    # neither hot nor cold in plain words, on the tables and the map legends alike
    assert "no clear difference" in table and "not significant" not in html


def test_a_place_is_named_without_repeating_its_district() -> None:
    from vawg.report.hotspots._format import place_name
    from vawg.spatial.mainpoints import NamedLsoa

    def lsoa(code: str, name: str | None, district: str, town: str | None = None) -> NamedLsoa:
        return NamedLsoa(code, name, district, town, None, None, None)

    margate = lsoa("E01", "Thanet 003A", "Thanet", "Margate")
    assert place_name(margate) == "Thanet 003A (Margate town centre)"
    # An LSOA named after the district of 2011 keeps today's district; a bare code keeps it too.
    shepway = lsoa("E02", "Shepway 012A", "Folkestone and Hythe")
    assert place_name(shepway) == "Shepway 012A, Folkestone and Hythe"
    assert place_name(lsoa("E01024670", None, "Thanet")) == "E01024670, Thanet"


def test_neighbourhood_rates_always_have_one_decimal() -> None:
    result, table = _hotspots()  # neighbourhood rates 28.0 and 24.0
    html = class_map(result, table, "all", False, drawn=False)
    body = html.partition("<details")[0]
    assert ">28.0<" in body and ">24.0<" in body


def test_a_rate_is_never_written_on_the_edge_of_its_interval() -> None:
    from vawg.report.hotspots._format import rate_interval
    from vawg.report.hotspots.sections import rate_map

    assert rate_interval(31.6, 26.9, 36.9) == "31.6 (95% CI 26.9 to 36.9)"
    assert rate_interval(5.74, 5.67, 5.80) == "5.74 (95% CI 5.67 to 5.80)"
    assert rate_interval(5.74) == "5.7"
    # the force-wide rate in the title of the LSOAs-by-rate table, too
    result, table = _hotspots()
    result.force_rates = {"all": 5.74}
    result.force_rate_intervals = {"all": (5.67, 5.80)}
    html = rate_map(result, table, False, drawn=False)
    assert "force-wide: 5.74 (95% CI 5.67 to 5.80)" in html
    assert "5.7, 95% CI 5.7 to 5.8" not in html


def _summary_result(table: pl.DataFrame, *, hot_spots: int, public: bool) -> Any:
    placement = SimpleNamespace(sentence=lambda: "Placed.", notes=lambda: ("Placed.",))
    return SimpleNamespace(
        table=table,
        by_place={
            "all": SimpleNamespace(
                hot_spots=hot_spots, hot_unadjusted=hot_spots + 1, confirmed_by_permutation=1
            )
        },
        force_rates={"all": 12.0},
        force_rate_intervals={"all": (11.5, 12.5)},
        concentration={},
        trends=SimpleNamespace(
            patterns={"persistent": 0, "emerging": 3}, years=[1, 2, 3, 4, 5], hot_all_but_one=2
        ),
        placement=placement,
        weights_kind="queen",
        params=SimpleNamespace(settings={"public": public}),
        flagged_months=(),
        excluded_months=(),
        notes=(),
    )


def test_hot_spots_in_withheld_lsoas_are_counted_among_the_confirmed_not_added() -> None:
    from vawg.report.hotspots.summary import main_points

    # 3 confirmed hot spots; one is in the table, two are in LSOAs a public table withholds
    _, table = _hotspots()
    result = _summary_result(table, hot_spots=3, public=True)
    first = main_points(result)[0]
    assert "<b>3 confirmed hot spots at all places</b>" in first
    assert "(2 of them in LSOAs whose figures are not shown" in first
    assert "more in LSOAs" not in first


def test_the_persistence_tile_reads_as_one_figure_with_its_parts_in_words() -> None:
    from vawg.report.hotspots.summary import summary_section

    _, table = _hotspots()
    html = summary_section(_summary_result(table, hot_spots=1, public=False), table)
    assert "2 LSOAs" in html and "a confirmed hot spot in 4 or more of the 5 years" in html
    assert "in all 5 years: 0; newly hot in the latest year: 3" in html
    assert "0 / 2" not in html


def test_z_scores_in_the_model_details_always_have_one_decimal() -> None:
    # The public report's details showed "5" beside "5.3" (a published z of 5.0).
    result, table = _hotspots()
    table = table.with_columns(gi_z=pl.Series([5.0, 5.2734]))
    details = class_map(result, table, "all", False, drawn=False).partition("<details")[2]
    assert ">5.0<" in details and ">5.3<" in details
    assert ">5<" not in details and "5.2734" not in details
