"""The global filters narrow the scope consistently, and a viewer's figures are the public ones."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date

import polars as pl
import pytest
from tests.web.conftest import WebData

from vawg.config import Settings
from vawg.profile import disclose_overview, overview
from vawg.query import Tables, connect
from vawg.web.data import filtered_tables
from vawg.web.filters import Filters, filtered_scope, month_end

THRESHOLD = Settings().disclosure_threshold
PERIOD = Filters(date(2017, 4, 1), date(2022, 3, 31))


@pytest.fixture(scope="module")
def tables(web_data: WebData) -> Tables:
    return connect(web_data.db)


def _count(tables: Tables, filters: Filters) -> int:
    return int(filtered_scope(tables, Settings(), filters).crimes.count().execute())


def test_month_end() -> None:
    assert month_end(date(2020, 2, 1)) == date(2020, 2, 29)
    assert month_end(date(2021, 12, 1)) == date(2021, 12, 31)


def test_the_flag_and_the_districts_partition_the_scope(tables: Tables) -> None:
    everything = _count(tables, PERIOD)
    flagged = _count(tables, dataclasses.replace(PERIOD, domestic_abuse="yes"))
    unflagged = _count(tables, dataclasses.replace(PERIOD, domestic_abuse="no"))
    assert 0 < flagged < everything and flagged + unflagged == everything
    districts = tables.areas.select("district").distinct().to_polars()["district"].to_list()
    by_district = sum(
        _count(tables, dataclasses.replace(PERIOD, districts=(d,))) for d in districts
    )
    # Crimes with an LSOA outside the area table belong to no district.
    assert 0 < by_district <= everything
    both = dataclasses.replace(PERIOD, districts=tuple(districts))
    assert _count(tables, both) == by_district


def test_offence_groups_and_period_narrow_the_scope(tables: Tables) -> None:
    rape = dataclasses.replace(PERIOD, offence_groups=("rape",))
    crimes = filtered_scope(tables, Settings(), rape).crimes.to_polars()
    assert crimes.height and set(crimes["offence_group"]) == {"rape"}
    one_year = Filters(date(2020, 4, 1), date(2021, 3, 31))
    recorded = filtered_scope(tables, Settings(), one_year).crimes.to_polars()["recorded_date"]
    assert recorded.min() >= date(2020, 4, 1) and recorded.max() <= date(2021, 3, 31)


def test_filtered_tables_reach_library_functions_that_apply_the_scope(tables: Tables) -> None:
    from vawg.scope import vawg_scope

    narrowed = dataclasses.replace(PERIOD, domestic_abuse="yes", offence_groups=("stalking",))
    scope = vawg_scope(filtered_tables(tables, narrowed), narrowed.settings(Settings()))
    crimes = scope.crimes.to_polars()
    assert crimes.height == _count(tables, narrowed)
    assert crimes["domestic_abuse"].all() and set(crimes["offence_group"]) == {"stalking"}


def _counts(overview: object) -> list[int]:
    values: list[int] = []
    for name in ("monthly", "by_group", "by_district", "by_place"):
        frame: pl.DataFrame = getattr(overview, name)
        values += [v for v in frame["crimes"].to_list() if v is not None]
    return values


def test_a_viewer_never_gets_a_small_count_however_narrow_the_filter(tables: Tables) -> None:
    narrow = dataclasses.replace(PERIOD, districts=("Dover",), offence_groups=("rape", "stalking"))
    scope = filtered_scope(tables, Settings(), narrow)
    raw = overview(tables, scope)
    public = disclose_overview(raw, Settings())
    # The analyst's figures do hold small counts (so this test can fail) ...
    assert any(0 < v < THRESHOLD for v in _counts(raw))
    # ... the viewer's never do: every count shown is a multiple of the threshold.
    assert not any(0 < v < THRESHOLD for v in _counts(public))
    assert all(v % THRESHOLD == 0 for v in _counts(public))
    counts = [public.kpis[k] for k in ("crimes", "offenders", "victims")]
    assert all(v is None or v % THRESHOLD == 0 for v in counts)
    # What is shown is the true count rounded to the nearest multiple of the threshold.
    shown = public.by_district.drop_nulls("crimes")
    joined = shown.join(raw.by_district, on="district", suffix="_raw")
    assert ((joined["crimes"] - joined["crimes_raw"]).abs() <= THRESHOLD // 2).all()


@pytest.mark.parametrize(
    "filters",
    [
        PERIOD,
        Filters(date(2019, 4, 1), date(2020, 9, 30)),
        Filters(date(2018, 1, 1), date(2021, 6, 30), districts=("Dover", "Thanet")),
        Filters(date(2017, 4, 1), date(2022, 3, 31), offence_groups=("rape",), domestic_abuse="no"),
    ],
)
def test_the_held_scope_narrowed_to_a_period_is_the_scope_of_that_period(
    web_data: WebData, tables: Tables, filters: Filters
) -> None:
    # The dashboard holds the scope over every month once and narrows it by date; that must
    # give exactly what the scope rules give for the period itself.
    from vawg.web.data import db_stamp, scope_for

    db = str(web_data.db.resolve())
    held = scope_for(db, db_stamp(web_data.db), Settings(), filters)
    direct = filtered_scope(tables, Settings(), filters)
    for part in ("crimes", "offenders", "victims"):
        got = getattr(held, part).to_polars().sort(pl.all())
        want = getattr(direct, part).to_polars().sort(pl.all())
        assert got.equals(want), part
    assert held.exclusions.equals(direct.exclusions)
    assert held.period == direct.period == (filters.start, filters.end)


def test_descriptions_and_file_names_say_only_the_filters_that_apply() -> None:
    chosen = Filters(
        date(2019, 4, 1),
        date(2021, 3, 31),
        districts=("Thanet", "Tunbridge Wells"),
        offence_groups=("rape",),
        domestic_abuse="yes",
    )
    assert chosen.describe() == (
        "1 Apr 2019 to 31 Mar 2021; Thanet, Tunbridge Wells; Rape; domestic abuse"
    )
    assert chosen.slug() == "2019-04-to-2021-03_thanet-tunbridge-wells_rape_da-yes"
    assert chosen.describe(("period",)) == "1 Apr 2019 to 31 Mar 2021"
    assert chosen.slug(("period",)) == "2019-04-to-2021-03"
    assert chosen.describe(()) == "no filters apply"
    assert chosen.slug(()) == ""
    many = dataclasses.replace(chosen, districts=tuple("ABCD"))
    assert "_4-districts_" in many.slug()
    # The period also sets the RFGV window: the whole period selected.
    settings = chosen.settings(Settings())
    assert (settings.period_start, settings.period_end) == (chosen.start, chosen.end)
    assert settings.rfgv_window_days == 731


def test_a_download_is_named_and_stamped_with_what_applies(web_data: WebData) -> None:
    from vawg.web.charts import csv_bytes
    from vawg.web.context import PageContext

    filters = Filters(date(2019, 4, 1), date(2020, 3, 31), districts=("Dover", "Thanet"))
    viewer = PageContext(web_data.db, 0.0, Settings(), "vic", "viewer", filters)
    download = viewer.download("crimes-per-month", "crimes per month", caption="A note")
    assert download.file_name == "vawg-crimes-per-month_2019-04-to-2020-03_dover-thanet.csv"
    assert download.header[:4] == (
        "VAWG insight: crimes per month",
        "Period: 1 Apr 2019 to 31 Mar 2020 (date recorded)",
        "Filters: Dover + Thanet; all offence groups",
        "Figures: disclosure-controlled. Small numbers withheld; the rest rounded: counts of 1 "
        "to 4 are not shown (a dash; so is a larger count where it would let a hidden one be "
        "worked out by subtraction) and every other count is rounded to the nearest 5.",
    )
    assert download.header[4].startswith("Database: vawg.duckdb (loaded 1970-01-01 00:00 UTC)")
    assert download.header[4].endswith(" for vic") and download.header[5] == "Note: A note"
    surveys = PageContext(web_data.db, 0.0, Settings(), "ana", "analyst", filters, ())
    plain = surveys.download("survey", "survey")
    assert plain.file_name == "vawg-survey.csv"
    assert plain.header[1:3] == (
        "Period: not filtered (every month in the database)",
        "Filters: none apply to this table",
    )
    frame = pl.DataFrame({"area": ["=HYPERLINK(1)", "Dover"], "crimes": [7, 9]})
    text = csv_bytes(frame, header=download.header).decode()
    lines = text.splitlines()
    assert lines[0] == "# VAWG insight: crimes per month"
    assert lines[6:] == ["area,crimes", "'=HYPERLINK(1),7", "Dover,9"]


def test_start_up_computes_the_overview_for_every_period_a_viewer_can_pick(
    web_data: WebData, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After the warm-up, choosing any public grid period (or a single filter change) makes no
    # new overview: each was computed at start-up, for a viewer and for an analyst.
    from vawg.web import data

    data._QUICK.clear()
    monkeypatch.setattr(data, "prefetch_all", lambda *args, **kwargs: None)  # no slow Results
    monkeypatch.setattr(data, "_prefetch_and_wait", lambda *args, **kwargs: None)
    db, stamp = str(web_data.db.resolve()), data.db_stamp(web_data.db)
    grid = (
        ("2018/19", date(2018, 4, 1), date(2019, 3, 31)),
        ("2020H2", date(2020, 10, 1), date(2021, 3, 31)),
        ("2021Q3", date(2021, 10, 1), date(2021, 12, 31)),
    )
    data.warm(db, stamp, Settings(), PERIOD, districts=("Dover",), groups=("rape",), grid=grid)
    made: list[object] = []
    real = data.overview_result

    def counted(tables: Tables, scope: object, **kwargs: object) -> object:
        made.append(scope)
        return real(tables, scope, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(data, "overview_result", counted)
    for _, start, end in grid:
        chosen = dataclasses.replace(PERIOD, start=start, end=end)
        for public in (True, False):
            got = data.overview(db, stamp, Settings(), chosen, public)
            assert got.public is public
            assert got.params.period == (start, end)
    for changed in data.single_changes(PERIOD, ("Dover",), ("rape",)):
        data.overview(db, stamp, Settings(), changed, False)
    assert made == []
    # A period off the grid was not computed ahead (the count above can fail).
    data.overview(db, stamp, Settings(), dataclasses.replace(PERIOD, end=date(2021, 5, 31)), False)
    assert len(made) == 1


def test_start_up_computes_every_filtered_page_for_every_single_change(
    web_data: WebData, monkeypatch: pytest.MonkeyPatch
) -> None:
    # After the warm-up, the first filter a user changes (one district, one offence group, the
    # domestic abuse flag) makes no new profile, hot spots or outcomes: each was computed at
    # start-up, and the page's view (an analyst's and a viewer's) is kept too.
    import vawg.outcomes.summary
    import vawg.profile
    import vawg.spatial.analysis
    from vawg.web import data

    data._RESULTS.clear()
    db, stamp = str(web_data.db.resolve()), data.db_stamp(web_data.db)
    data.warm(db, stamp, Settings(), PERIOD, districts=("Dover",), groups=("rape",))
    made: list[str] = []

    def counting(name: str, real: Callable[..., object]) -> Callable[..., object]:
        def run(*args: object, **kwargs: object) -> object:
            made.append(name)
            return real(*args, **kwargs)

        return run

    for module, name in (
        (vawg.profile, "profile"),
        (vawg.spatial.analysis, "hotspot_analysis"),
        (vawg.outcomes.summary, "outcome_summary"),
    ):
        monkeypatch.setattr(module, name, counting(name, getattr(module, name)))
    changes = data.single_changes(PERIOD, ("Dover",), ("rape",))
    for changed in changes:
        for public in (True, False):
            for page in (data.profile_view, data.hotspots, data.outcomes_result):
                job = data.later(page, db, stamp, Settings(), changed, public)
                assert job.done()  # kept: nothing to wait for
                job.result()
    assert made == []
    # A change of two selections at once was not computed ahead (the count above can fail).
    both = dataclasses.replace(changes[0], domestic_abuse="yes")
    data.later(data.profile_view, db, stamp, Settings(), both, False).wait(timeout=120)
    assert made == ["profile"]


def test_an_evaluation_download_is_stamped_with_its_own_period_not_the_filter(
    web_data: WebData,
) -> None:
    from types import SimpleNamespace

    from vawg.web.context import PageContext
    from vawg.web.pages.evaluation import _own_period

    # The period filter is Apr 2018 to Mar 2022; the evaluations use the whole extract.
    filters = Filters(date(2018, 4, 1), date(2022, 3, 31))
    ctx = PageContext(web_data.db, 0.0, Settings(), "ana", "analyst", filters, ("period",))
    places = SimpleNamespace(months=(date(2017, 4, 1), date(2022, 3, 1)))
    download = _own_period(ctx, places).download("each-intervention", "each intervention")
    assert download.file_name == "vawg-each-intervention_2017-04-to-2022-03.csv"
    assert download.header[1].startswith("Period: Apr 2017 to Mar 2022 in whole calendar months")
    assert download.header[2] == "Filters: none apply to this table"
    programme = SimpleNamespace(last_day=date(2022, 3, 31))
    download = _own_period(ctx, programme).download("choices-curves", "Choices curves")
    assert download.file_name == "vawg-choices-curves_to-2022-03-31.csv"
    assert download.header[1].startswith("Period: the whole extract to 31 Mar 2022")
    assert "2018" not in "".join(download.header)
    assert not any("," in line for line in download.header[:3])  # the lines stay unquoted


def test_a_whole_force_table_on_a_district_page_is_not_stamped_with_the_district(
    web_data: WebData,
) -> None:
    from vawg.web.context import PageContext

    filters = Filters(date(2019, 4, 1), date(2020, 3, 31), districts=("Thanet",))
    ctx = PageContext(web_data.db, 0.0, Settings(), "ana", "analyst", filters)
    whole = ctx.without("district").download("concentration-by-year", "concentration by year")
    assert whole.file_name == "vawg-concentration-by-year_2019-04-to-2020-03.csv"
    assert whole.header[2] == "Filters: all offence groups"


def test_the_overview_counts_every_group_in_every_place_zeros_included(tables: Tables) -> None:
    # A group with no crimes in one place had no row at all (the site's table lost "Drink
    # spiking, Home"): every group in scope appears with every place and both flags (coercive
    # control is always flagged domestic abuse, drink spiking in this data never).
    narrow = dataclasses.replace(
        PERIOD, districts=("Dover",), offence_groups=("coercive_control", "drink_spiking")
    )
    scope = filtered_scope(tables, Settings(), narrow)
    crimes = scope.crimes.to_polars()
    raw = overview(tables, scope)
    groups = sorted(set(crimes["offence_group"]))
    assert raw.by_place.height == 3 * len(groups)
    assert raw.by_group.height == 2 * len(groups)
    place = (
        pl.when(pl.col("location_type") == "dwelling")
        .then(pl.lit("Home"))
        .when(pl.col("location_type") == "unknown")
        .then(pl.lit("Unknown"))
        .otherwise(pl.lit("Public place"))
    )
    counted = crimes.with_columns(place=place).group_by("offence_group", "place").len()
    got = {(g, p): n for g, p, n in raw.by_place.iter_rows()}
    for g in groups:
        for p in ("Home", "Public place", "Unknown"):
            want = counted.filter(pl.col("offence_group") == g, pl.col("place") == p)["len"]
            assert got[(g, p)] == (int(want[0]) if want.len() else 0), (g, p)
    flags = crimes.group_by("offence_group", "domestic_abuse").len()
    assert flags.height < raw.by_group.height  # so a zero is filled in (the test can fail)
    got_flags = {(g, f): n for g, f, n in raw.by_group.iter_rows()}
    for g, f, n in flags.iter_rows():
        assert got_flags[(g, f)] == n
