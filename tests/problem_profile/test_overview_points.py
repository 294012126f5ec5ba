"""The open site's front-page main points, from the overview's own (public) figures."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from statsmodels.stats.proportion import proportion_confint
from tests.pages import charts_apart

from vawg.profile.mainpoints import overview_main_points
from vawg.profile.overview import Overview
from vawg.results import Params


def _months(first: date, counts: list[int]) -> pl.DataFrame:
    months, year, month = [], first.year, first.month
    for _ in counts:
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return pl.DataFrame({"month": months, "crimes": counts})


def _overview() -> Overview:
    # Two whole financial years, Apr 2020-Mar 2022: 100 crimes a month, then 120 a month.
    monthly = _months(date(2020, 4, 1), [100] * 12 + [120] * 12)
    return Overview(
        params=Params(method="test", period=(date(2020, 4, 1), date(2022, 3, 31))),
        public=True,
        threshold=5,
        kpis={
            "crimes": 2640.0,
            "offenders": 1000.0,
            "victims": 1200.0,
            "domestic_abuse_crimes": 990.0,
            "home_crimes": 1600.0,
            "public_crimes": 800.0,
        },
        monthly=monthly,
        by_group=pl.DataFrame(
            {
                "offence_group": ["rape", "rape"],
                "domestic_abuse": [True, False],
                "crimes": [990, 1650],
            }
        ),
        by_district=pl.DataFrame(
            {
                "district": ["A", "B", "Not placed"],
                "crimes": [1320, 1300, 20],
                "female_population": [100_000, 120_000, None],
            }
        ),
        by_place=pl.DataFrame(
            {
                "offence_group": ["rape"] * 3,
                "place": ["Home", "Public place", "Unknown"],
                "crimes": [1600, 800, 240],
            }
        ),
        exclusions=pl.DataFrame(),
    )


def _front_page_overview() -> Overview:
    """:func:`_overview` with what the front page draws besides: district rates and the two
    headline shares."""
    overview = _overview()
    by_district = overview.by_district.with_columns(
        rate_per_1000_per_year=pl.Series([6.0, 5.4, None]),
        ci_low=pl.Series([5.7, 5.1, None]),
        ci_high=pl.Series([6.3, 5.7, None]),
    )
    kpis = {**overview.kpis, "domestic_abuse_share": 990 / 2640, "home_per_public": 2.0}
    return Overview(**{**overview.__dict__, "by_district": by_district, "kpis": kpis})


def test_front_page_points_by_hand() -> None:
    points = {p.topic: p for p in overview_main_points(_overview())}
    rate = points["VAWG crimes recorded per 1,000 women and girls a year"].value
    assert rate is not None
    # 2,640 crimes over 730 days among 220,000 women and girls (unplaced district left out).
    years = 730 / 365.25
    assert rate.estimate == pytest.approx(2640 / (220_000 * years / 1000))
    assert rate.ci_low < rate.estimate < rate.ci_high
    assert "VAWG crimes recorded" not in points  # the year-on-year change is the profile's
    share = points["Share of these crimes flagged domestic abuse"].value
    low, high = proportion_confint(990, 2640, method="wilson")
    assert share is not None and share.estimate == pytest.approx(990 / 2640)
    assert (share.ci_low, share.ci_high) == pytest.approx((low, high))
    ratio = points["Crimes at home for every crime in a public place"].value
    assert ratio is not None and ratio.estimate == pytest.approx(2.0)
    assert ratio.ci_low < 2.0 < ratio.ci_high


def test_no_ratio_when_a_count_under_it_is_withheld() -> None:
    overview = _overview()
    withheld = Overview(**{**overview.__dict__, "kpis": {**overview.kpis, "public_crimes": None}})
    topics = [p.topic for p in overview_main_points(withheld)]
    assert "Crimes at home for every crime in a public place" not in topics


def test_the_front_page_opens_with_the_change_on_the_year_before() -> None:
    # The front page's main points had no change on last year: it was only on the profile
    # page. The site passes the public profile's own point, so both pages give one figure.
    from vawg.report.site.overview import overview_page
    from vawg.results import Estimate, MainPoint

    overview = _front_page_overview()
    change = MainPoint(
        topic="VAWG crimes recorded",
        measure="count",
        value=Estimate(1440.0, float("nan"), float("nan")),
        period=(date(2021, 4, 1), date(2022, 3, 31)),
        change=Estimate(1.2, 1.11, 1.3),
        comparison=(date(2020, 4, 1), date(2021, 3, 31)),
        comparison_value=1200.0,
        clear=True,
    )
    page = overview_page(overview, change)
    points = page.sections[0].body
    first = points.index("VAWG crimes recorded in Apr 2021–Mar 2022: 1,440, against 1,200 in")
    assert "20% more crimes (95% CI 11% more to 30% more)" in points
    assert first < points.index("per 1,000 women and girls a year")
    assert "VAWG crimes recorded in Apr" not in overview_page(overview).sections[0].body


def test_the_monthly_chart_writes_its_counts_with_thousands_separated() -> None:
    # Its axis read "2500" beside the other charts' "20,000".
    from vawg.report.site.overview import overview_page

    overview = _front_page_overview()
    when = next(s for s in overview_page(overview).sections if s.title == "When").body
    axis = charts_apart(when)[1][0][1]["yaxis"]
    assert axis["tickformat"] == ",d" and axis["rangemode"] == "tozero"


def test_the_offence_group_charts_share_one_order_and_one_number_format() -> None:
    # The front page's two bar charts ordered the groups differently and wrote "2k" in one
    # and "2000" in the other; the second one's labels turned vertical on a phone.
    from vawg.report.site.overview import _count_axes, _group_order

    groups = pl.DataFrame(
        {
            "offence_group": ["rape", "rape", "stalking", "drink_spiking", "harassment"],
            "domestic_abuse": [True, False, True, False, True],
            "crimes": [590, 195, 1810, None, 3915],
        }
    )
    order = _group_order(groups)
    # fewest first (drawn at the bottom): drink spiking (withheld: none), rape 785, stalking,
    # harassment
    assert order == ["Drink spiking", "Rape", "Stalking", "Harassment"]
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(y=["Rape"], x=[785], orientation="h"))
    _count_axes(fig, order)
    assert list(fig.layout.yaxis.categoryarray) == order
    assert fig.layout.xaxis.tickformat == ",d" and fig.layout.xaxis.tickangle == 0


def test_long_offence_group_names_are_written_on_two_lines_on_the_chart_axes() -> None:
    # "Other (domestic abuse flagged)" on one line left a phone's bar chart 100 px of 340 and
    # its counts "20,000" and "40,000" ran together.
    from vawg.report.site.overview import _group_order

    groups = pl.DataFrame(
        {
            "offence_group": ["other", "violence_without_injury", "rape"],
            "domestic_abuse": [True, True, True],
            "crimes": [100, 50_000, 300],
        }
    )
    assert _group_order(groups) == [
        "Other (domestic<br>abuse flagged)",
        "Rape",
        "Violence without<br>injury",
    ]


def test_no_domestic_abuse_share_when_the_filter_chose_the_crimes_by_it() -> None:
    topics = [p.topic for p in overview_main_points(_overview(), domestic_abuse_fixed=True)]
    assert "Share of these crimes flagged domestic abuse" not in topics
    assert "Crimes at home for every crime in a public place" in topics  # the rest stay


def test_the_public_overview_shows_a_group_with_no_crimes_somewhere_as_0() -> None:
    # The site's "At home or in public" table had no "Drink spiking, Home" row: no drink
    # spiking was recorded at home, and the zero went missing instead of being shown as 0.
    from vawg.config import Settings
    from vawg.profile import disclose_overview

    raw = Overview(
        params=Params(method="test", period=(date(2021, 4, 1), date(2022, 3, 31))),
        public=False,
        threshold=5,
        kpis={"crimes": 140.0, "offenders": 90.0, "victims": 100.0},
        monthly=_months(date(2021, 4, 1), [10] * 10 + [20] * 2),
        by_group=pl.DataFrame(
            {
                "offence_group": ["drink_spiking", "rape", "rape"],
                "domestic_abuse": [False, False, True],
                "crimes": [40, 50, 50],
            }
        ),
        by_district=pl.DataFrame(
            {
                "district": ["A"],
                "crimes": [140],
                "female_population": [100_000],
                "rate_per_1000_per_year": [1.4],
                "ci_low": [1.2],
                "ci_high": [1.6],
            }
        ),
        by_place=pl.DataFrame(
            {
                "offence_group": ["drink_spiking", "drink_spiking", "rape", "rape", "rape"],
                "place": ["Public place", "Unknown", "Home", "Public place", "Unknown"],
                "crimes": [30, 10, 60, 20, 20],
            }
        ),
        exclusions=pl.DataFrame({"rule": [], "description": [], "crimes_excluded": []}),
    )
    public = disclose_overview(raw, Settings())
    places = {(g, p): n for g, p, n in public.by_place.iter_rows()}
    # every group with every place: 2 x 3 rows, the missing one a shown 0
    assert len(places) == 6
    assert places[("drink_spiking", "Home")] == 0
    assert places[("drink_spiking", "Public place")] == 30
    assert places[("rape", "Home")] == 60
    flags = {(g, f): n for g, f, n in public.by_group.iter_rows()}
    assert len(flags) == 4 and flags[("drink_spiking", True)] == 0
