"""Report pages are valid HTML and print every value from the data as text, never as markup.

The hand-built extracts (``tests/data/profile/hand_extract``, ``tests/data/outcomes/
known_answers``) are copied with a hostile area name (a district called
``Dover<script>alert(1)</script>``) and, in the profile extract, a hostile person reference;
the profile (analyst and public), the audit and the outcomes report are written from them. Every
page must parse as strict HTML5 (html5lib), hold no live ``<script>alert`` and show the
escaped name where the report lists districts. The formatting module and the main-point
sentences are checked against hand-written expectations.
"""

from __future__ import annotations

import math
import re
import shutil
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from tests.pages import assert_opens_offline, assert_valid_html, charts_apart

from vawg.config import Settings
from vawg.report import fmt
from vawg.report.bulletin import bullet_points
from vawg.report.page import (
    PALETTE,
    Classification,
    Section,
    figure_html,
    render_page,
    table_html,
)
from vawg.results import Estimate, MainPoint
from vawg.store import load_paths

DATA = Path(__file__).resolve().parent / "data"
HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _hostile_copy(source: Path, target: Path, replacements: dict[str, str]) -> Path:
    shutil.copytree(source, target)
    for path in target.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        for old, new in replacements.items():
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def hostile_pages(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    from vawg.cli.audit import run_audit, run_outcomes
    from vawg.cli.profile import run_profile

    root = tmp_path_factory.mktemp("hostile")
    profile_data = _hostile_copy(
        DATA / "profile" / "hand_extract",
        root / "profile-data",
        {",Dover,": f",Dover{HOSTILE},", "P01,": "P01<b>x</b>,"},
    )
    outcome_data = _hostile_copy(
        DATA / "outcomes" / "known_answers",
        root / "outcome-data",
        {",Ashford,": f",Ashford{HOSTILE},"},
    )
    pages: list[Path] = []
    db = root / "profile.duckdb"
    load = load_paths([profile_data], db)
    assert load.quarantined == 0, load.quarantine
    settings = Settings(
        period_years=2,
        profile_bootstrap_replicates=99,
        harm_weights_file=str(DATA / "profile" / "hand_harm_weights.csv"),
    )
    for public in (False, True):
        pages += run_profile(db, root / "profile", settings, public=public, formats=("html",))
    db = root / "outcomes.duckdb"
    load_paths([outcome_data], db)
    pages += run_audit(db, root / "audit", Settings(), public=False)
    pages += run_outcomes(db, root / "outcomes", Settings(), public=False)
    return [p for p in pages if p.suffix == ".html"]


def test_hostile_names_are_escaped_and_every_page_is_valid(hostile_pages: list[Path]) -> None:
    assert len(hostile_pages) == 4
    shown = 0
    for page in hostile_pages:
        text = page.read_text(encoding="utf-8")
        assert_valid_html(text)
        assert_opens_offline(page)
        assert HOSTILE not in text, page.name
        assert "P01<b>x</b>" not in text, page.name
        shown += ESCAPED in text
    # The district is listed (escaped) by the profile and the audit's breakdowns.
    assert shown >= 2


def test_a_strict_parse_does_fail_on_broken_markup() -> None:
    """The validity check can fail: an unescaped ``<`` inside an attribute, a stray end tag."""
    page = render_page(
        "t", [Section("s", "<p>ok</p>")], classification=Classification("X", "y"), main_points=()
    )
    assert_valid_html(page)
    with pytest.raises(Exception):  # noqa: B017 - html5lib's ParseError is not exported
        assert_valid_html(page.replace("<p>ok</p>", "<p>ok</div></p>"))


def test_hostile_values_in_titles_tables_and_main_points_are_text() -> None:
    import polars as pl

    point = MainPoint(topic=HOSTILE, measure="share", value=Estimate(0.5, 0.4, 0.6))
    page = render_page(
        HOSTILE,
        [Section(HOSTILE, table_html(pl.DataFrame({"district": [HOSTILE]}), caption=HOSTILE))],
        classification=Classification(HOSTILE, HOSTILE),
        subtitle=HOSTILE,
        main_points=[point],
    )
    assert HOSTILE not in page and page.count(ESCAPED) >= 6
    assert_valid_html(page)


def test_the_correction_note_appears_only_beside_corrected_main_points() -> None:
    plain = MainPoint(topic="Rate", measure="share", value=Estimate(0.5, 0.4, 0.6), clear=True)
    held = MainPoint(
        topic="Charge rate",
        measure="share",
        value=Estimate(0.5, 0.4, 0.6),
        clear=False,
        tested="Holm's correction across the 4 pre-declared headline comparisons",
    )
    note = "after correcting for how many were tested"

    def page(points: list[MainPoint]) -> str:
        return render_page("t", [], classification=Classification("x", "y"), main_points=points)

    assert note not in page([plain]) and note in page([plain, held])
    # points that test nothing (a count, a share with no comparison) get no such note at all
    untested = MainPoint(topic="Crimes", measure="count", value=Estimate(2715.0, None, None))
    assert "Statistically clear" not in page([untested])
    assert "Statistically clear" in page([untested, plain])


def test_a_chart_data_table_is_headed_by_its_axes_and_long_titles_wrap() -> None:
    import plotly.graph_objects as go

    from vawg.report.page import figure_html

    figure = go.Figure(go.Bar(x=[12.0, 3456.7], y=["Medway", "Thanet"], orientation="h"))
    long_title = "crimes per 1,000 women and girls a year, over the five years to March 2022"
    figure.update_layout(xaxis_title=long_title, yaxis_title="district")
    markup = figure_html(figure)
    headers = markup.split("<thead>")[1].split("</thead>")[0]
    # the category (on the y axis of a horizontal bar) first, then the value; one unnamed
    # series has no series column
    assert headers.index("district") < headers.index("crimes per 1,000")
    assert "series" not in headers and "group" not in headers
    assert ">Medway<" in markup and ">3,457<" in markup  # no scientific notation
    assert figure.layout.xaxis.title.text.count("<br>") >= 1
    assert all(len(line) <= 42 for line in figure.layout.xaxis.title.text.split("<br>"))
    assert figure.layout.legend.orientation == "h" and figure.layout.legend.y > 1


def test_a_chart_data_table_writes_a_series_alike() -> None:
    import plotly.graph_objects as go

    from vawg.report.page import figure_html

    def cells(figure: go.Figure) -> list[str]:
        body = figure_html(figure).split("<tbody>")[1].split("</tbody>")[0]
        return re.findall(r"<td[^>]*>([^<]*)</td>", body)[1::2]  # the value column

    # three significant figures at the largest, the same decimals for every value
    rates = go.Figure(go.Bar(x=["18-24", "25-34", "65+"], y=[32.33, 7.199, 0.801]))
    assert cells(rates) == ["32.3", "7.2", "0.8"]
    assert cells(go.Figure(go.Bar(x=["a", "b"], y=[25.9, 4.0]))) == ["25.9", "4.0"]
    # whole numbers stay whole; shares on a per-cent axis are percentages
    assert cells(go.Figure(go.Bar(x=["a", "b"], y=[57.0, 4.0]))) == ["57", "4"]
    shares = go.Figure(go.Bar(x=["a", "b"], y=[0.497, 0.0312]))
    shares.update_yaxes(tickformat=".0%")
    assert cells(shares) == ["49.7%", "3.1%"]


def test_a_change_in_days_carries_its_interval_when_it_has_one() -> None:
    from datetime import date as day

    from vawg.report.bulletin import sentence

    point = MainPoint(
        topic="Median days",
        measure="days",
        value=Estimate(39.0, 36.0, 42.0),
        period=(day(2022, 4, 1), day(2022, 9, 30)),
        change=Estimate(1.0, -2.0, 4.0),
        change_kind="days",
        comparison=(day(2021, 4, 1), day(2021, 9, 30)),
        comparison_value=38.0,
    )
    assert "1 day longer (95% CI 2 days shorter to 4 days longer)" in sentence(point)
    bare = MainPoint(**{**point.__dict__, "change": Estimate(1.0, math.nan, math.nan)})
    assert sentence(bare).endswith("1 day longer.")


def test_share_columns_named_as_percent_are_written_as_percentages() -> None:
    import polars as pl

    frame = pl.DataFrame({"group": ["a", "b"], "share": [0.4962, None], "n": [3, 4]})
    page = table_html(frame, percent=["share"])
    assert "49.6%" in page and "0.496" not in page and ">3<" in page
    with pytest.raises(ValueError, match="shares"):
        table_html(frame, percent=["shares"])


def test_figures_written_as_text_line_up_as_numbers_and_words_do_not() -> None:
    import polars as pl

    frame = pl.DataFrame({"x": ["9.3", "45%", "+2%", "−44%", "1,234.5", "Thanet", "12 May", "-7"]})
    page = table_html(frame)
    for figure in ("9.3", "45%", "+2%", "−44%", "1,234.5"):
        assert f'<td class="num">{figure}</td>' in page, figure
    # Words, and whole numbers written as labels (a period from the start), stay text.
    assert "<td>Thanet</td>" in page and "<td>12 May</td>" in page and "<td>-7</td>" in page


def test_one_table_writer_serves_pages_without_the_report_css() -> None:
    import re

    import polars as pl

    frame = pl.DataFrame(
        {
            "district": ["Dover", None, "Thanet"],
            "crimes": [1234, 5, 7],
            "conclusion": ["Fewer <crimes> & calls", "No change", "More"],
        }
    )
    labels = {"conclusion": "What the data show"}
    page = table_html(frame, labels=labels, wide=["conclusion"], max_rows=2)
    alone = table_html(frame, labels=labels, wide=["conclusion"], max_rows=2, standalone=True)

    def cells(html: str) -> list[str]:
        return re.findall(r"<td[^>]*>(.*?)</td>", html)

    # the same cells (numbers, blanks and the cut at max_rows written one way) and headers
    assert cells(alone) == cells(page)
    assert cells(alone) == [
        "Dover",
        "1,234",
        "Fewer &lt;crimes&gt; &amp; calls",
        "–",
        "5",
        "No change",
    ]
    for header in ("district", "crimes", "What the data show"):
        assert f">{header}</th>" in alone
    assert "Showing the first 2 of 3 rows." in alone
    # its styles go with it: no class of the report page's CSS, every cell styled inline,
    # the sentences given half the width, and on a phone each cell named by its column
    assert "table-wrap" not in alone and 'class="num"' not in alone
    assert alone.count('<td style="padding:') == 6
    assert alone.count("width:50%") == 1
    assert "@media (max-width: 640px)" in alone and "attr(data-label)" in alone
    assert alone.count('data-label="What the data show"') == 2


def test_formats_written_as_a_bulletin_writes_them() -> None:
    assert fmt.pct(0.497) == "50%" and fmt.pct(0.004) == "0.4%" and fmt.pct(None) == "–"
    assert fmt.change(1.12) == "12% more" and fmt.change(0.92) == "8.0% fewer"
    assert fmt.change(1.0004) == "about the same" and fmt.change(1.004) == "0.4% more"
    assert fmt.change(2.05, "crimes") == "2.0 times as many crimes"
    assert fmt.change_interval(0.97, 1.2) == "95% CI 3.0% fewer to 20% more"
    # One form per interval: once an end is twice as many or more, both ends are ratios.
    assert fmt.change_interval(1.043, 5.686) == "95% CI 1.04 to 5.7 times as many"
    assert fmt.change_interval(0.41, 2.3) == "95% CI 0.41 to 2.3 times as many"
    assert fmt.change_interval(2.2, 4.0) == "95% CI 2.2 to 4.0 times as many"
    assert fmt.points(0.0312) == "up 3.1 percentage points"
    assert fmt.points_interval(-0.012, 0.068) == "95% CI −1.2 to +6.8 percentage points"
    assert fmt.p_value(3.4e-25) == "p < 0.001" and fmt.p_value(0.0312) == "p = 0.03"
    assert fmt.p_value(0.0042) == "p = 0.004" and fmt.p_value(math.nan) == "–"
    assert fmt.period(date(2021, 4, 1), date(2021, 9, 30)) == "Apr–Sep 2021"
    assert fmt.period(date(2021, 10, 1), date(2022, 3, 31)) == "Oct 2021–Mar 2022"
    assert fmt.period(date(2022, 3, 1), date(2022, 3, 31)) == "March 2022"


def test_main_point_sentences() -> None:
    year = (date(2021, 4, 1), date(2022, 3, 31))
    before = (date(2020, 4, 1), date(2021, 3, 31))
    count = MainPoint(
        topic="VAWG crimes recorded",
        measure="count",
        value=Estimate(1234.0, math.nan, math.nan),
        period=year,
        change=Estimate(1.06, 1.02, 1.10, 0.003),
        comparison=before,
        comparison_value=1164.0,
        clear=True,
        better_when=None,
    )
    share = MainPoint(
        topic="Charge/summonsed rate",
        measure="share",
        value=Estimate(0.08, 0.07, 0.09),
        period=(date(2021, 10, 1), date(2022, 3, 31)),
        change=Estimate(-0.012, -0.03, 0.006, 0.4),
        change_kind="points",
        comparison=(date(2020, 10, 1), date(2021, 3, 31)),
        comparison_value=0.092,
        clear=False,
        better_when="higher",
    )
    first, second = bullet_points([count, share])
    assert first.text == (
        "VAWG crimes recorded in Apr 2021–Mar 2022: 1,234, against 1,164 in Apr 2020–Mar 2021: "
        "6.0% more crimes (95% CI 2.0% more to 10% more)."
    )
    assert first.status == "clear" and first.status_text == "A statistically clear change"
    assert second.text == (
        "Charge/summonsed rate in Oct 2021–Mar 2022: 8.0% (95% CI 7.0% to 9.0%), against 9.2% in "
        "Oct 2020–Mar 2021: no clear change (estimate down 1.2 percentage points, 95% CI −3.0 "
        "to +0.6 percentage points)."
    )  # a change that is not clear says so before its estimate
    assert second.status == "not clear"


def test_a_ratio_of_harm_reads_as_an_amount() -> None:
    harm = MainPoint(
        topic="Choices: harm of reoffending, participants against comparisons",
        measure="harm",
        value=None,
        change=Estimate(0.26, 0.11, 0.55),
        clear=True,
        better_when="lower",
    )
    (point,) = bullet_points([harm])
    assert point.text == (
        "Choices: harm of reoffending, participants against comparisons: 74% less harm "
        "(95% CI 89% less to 45% less)."
    )
    assert point.status_text == "A statistically clear difference, for the better"
    hazard = MainPoint(**{**harm.__dict__, "measure": "hazard", "topic": "Rate of reoffending"})
    hazard = MainPoint(**{**hazard.__dict__, "change": Estimate(0.83, 0.62, 2.1), "clear": False})
    assert bullet_points([hazard])[0].text == (
        "Rate of reoffending: no clear difference (estimate 17% lower, 95% CI 38% lower to 110% "
        "higher)."  # the interval in the estimate's form, not "0.62 to 2.1 times as high"
    )


@pytest.mark.browser
def test_format_pdf_prints_the_page_with_its_chart(tmp_path: Path) -> None:
    import plotly.graph_objects as go

    from vawg.cli.common import write_outputs
    from vawg.report.page import figure_html

    figure = go.Figure(go.Bar(x=["Ashford", "Dover"], y=[12.5, 7.25], name="rate"))
    figure.update_layout(title="Crimes per 1,000 women and girls per year")
    page = render_page(
        "A report",
        [Section("Rates", figure_html(figure))],
        classification=Classification("PUBLIC", "test"),
        main_points=[MainPoint(topic="A share", measure="share", value=Estimate(0.5, 0.4, 0.6))],
    )
    out = tmp_path / "report.pdf"
    written = write_outputs(
        out,
        "report",
        ("pdf",),
        html=lambda: page,
        json_data=dict,
        csv_rows=lambda: ([], []),
        manifest={"command": "test"},
    )
    assert written[0] == out
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    # Nothing but the PDF and its manifest is left (the page was printed from a temporary
    # folder, with its charting library).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.pdf", "report.pdf.manifest.json"]


@pytest.mark.browser
def test_pdf_prints_from_inside_a_running_event_loop(tmp_path: Path) -> None:
    """As in a notebook or a web server: Playwright's sync API cannot run in a thread with a
    running asyncio loop, so the printing moves to a thread of its own."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from vawg.report.pdf import html_to_pdf

    page = render_page(
        "A report", [Section("Text", "<p>words</p>")], classification=Classification("PUBLIC", "t")
    )

    async def inside_a_loop() -> Path:
        return html_to_pdf(page, tmp_path / "r.pdf")

    # A thread of the test's own runs the loop, so the test does not depend on whether this
    # thread already runs one (pytest-playwright's, in a worker that ran browser tests).
    with ThreadPoolExecutor(max_workers=1) as pool:
        printed = pool.submit(asyncio.run, inside_a_loop()).result()
    assert printed.read_bytes()[:5] == b"%PDF-"


def test_every_chart_carries_the_report_template_whatever_plotlys_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Charts get plotly_white as plotly's default (given as each figure is made, unchecked),
    and still get it where another default was set after (the dashboard sets its own)."""
    expected = pio.templates["plotly_white"].to_plotly_json()
    made = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    assert charts_apart(figure_html(made))[1][0][1]["template"] == expected
    monkeypatch.setattr(pio.templates, "default", "none")
    other = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    layout = charts_apart(figure_html(other))[1][0][1]
    assert layout["template"] == expected
    assert layout["colorway"] == list(PALETTE)


def test_a_number_rounded_to_zero_is_written_without_a_minus_sign() -> None:
    # The public balance table read "-0" for a standardised difference of -0.0011 rounded.
    import polars as pl

    from vawg.report.page import _column_text

    page = table_html(pl.DataFrame({"difference": [0.04, -0.0, -0.03]}))
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert cells == ["0.04", "0", "-0.03"]
    assert _column_text([-0.0001, 0.5, -0.25]) == ["0.000", "0.500", "-0.250"]


def test_only_a_change_for_the_better_is_green_and_one_for_the_worse_is_red() -> None:
    """A clear change for the worse was shown in the green of "clear"; the colour now follows
    the direction, on report pages and on the open site alike."""
    import re as _re

    from vawg.report.site.parts import main_points_section

    def point(estimate: float, better_when: str | None) -> MainPoint:
        return MainPoint(
            topic="Crimes in the funded streets, against comparison areas",
            measure="effect",
            value=None,
            change=Estimate(estimate, estimate - 0.1, estimate + 0.1),
            clear=True,
            better_when=better_when,
        )

    worse, better, neither = point(1.3, "lower"), point(0.7, "lower"), point(1.3, None)
    unclear = MainPoint(**{**worse.__dict__, "change": Estimate(1.3, 0.8, 2.0), "clear": False})
    page = render_page(
        "t",
        [],
        classification=Classification("x", "y"),
        main_points=[worse, better, neither, unclear],
    )
    site = main_points_section([worse, better, neither, unclear]).body
    for markup in (page, site):
        classes = _re.findall(r'<li class="(mp[^"]*)"', markup)
        assert classes == [
            "mp mp-clear mp-worse",
            "mp mp-clear mp-better",
            "mp mp-clear",
            "mp mp-unclear",
        ]
        assert "for the worse" in markup and "for the better" in markup
    # the page's style colours the two directions apart, and "clear" alone not at all
    style = page.split("<style")[1].split("</style>")[0]
    worse_colour = _re.search(r"\.mp-worse \.mp-status \{ color:([^;]+);", style)
    better_colour = _re.search(r"\.mp-better \.mp-status \{ color:([^;]+);", style)
    assert worse_colour and better_colour and worse_colour[1] != better_colour[1]
    assert ".mp-clear .mp-status" not in style
