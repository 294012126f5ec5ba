"""The open site: built, scanned file by file, and opened from disk in a real browser."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from tests.web.conftest import ARTIFACTS, WebData, non_white_share

from vawg.errors import InputError
from vawg.leaks import scan_folder

THRESHOLD = 5


def _identifiers(web_data: WebData) -> set[str]:
    crimes = pl.read_csv(web_data.folder / "crimes.csv", columns=["crime_ref"])
    people = pl.read_csv(web_data.folder / "people.csv", columns=["person_id"])
    return {*crimes["crime_ref"].cast(pl.String), *people["person_id"].cast(pl.String)}


def test_the_site_has_every_section_and_passes_the_scan(site: Path, web_data: WebData) -> None:
    pages = sorted(p.name for p in site.glob("*.html"))
    # The synthetic force has interventions and a programme, so "Did it work?" is a page too.
    assert pages == [
        "evaluation.html",
        "index.html",
        "outcomes.html",
        "places.html",
        "profile.html",
        "surveys.html",
    ]
    assert (site / "assets" / "plotly.min.js").stat().st_size > 1_000_000
    csvs = sorted(p.name for p in (site / "data").glob("*.csv"))
    assert "crimes-per-month.csv" in csvs and "outcome-rates-by-half-year.csv" in csvs
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "cdn" not in text.lower() and "https://" not in text.split("<footer>")[0].lower()
        assert "PUBLIC" in text
    assert scan_folder(site, threshold=THRESHOLD, identifiers=_identifiers(web_data)) == []


def test_the_front_profile_and_survey_pages_open_with_main_points(site: Path) -> None:
    for name in ("index", "profile", "surveys"):
        text = site.joinpath(f"{name}.html").read_text(encoding="utf-8")
        head = text.split("Main points", 2)[-1][:4000]
        assert "95% CI" in head, name  # each point with its interval
    front = site.joinpath("index.html").read_text(encoding="utf-8")
    assert "per 1,000 women and girls a year" in front
    assert "male suspects or offenders aged 18+" in front
    surveys = site.joinpath("surveys.html").read_text(encoding="utf-8")
    assert "statistically clear" in surveys.lower() and "weighted" in surveys
    assert "unsafe_night_share" not in surveys


def test_small_counts_in_the_data_were_suppressed_not_dropped(
    site: Path, web_data: WebData
) -> None:
    # The synthetic force has offence groups with few crimes in some places; the site shows
    # their cells as empty rather than as the small number.
    places = pl.read_csv(site / "data" / "crimes-at-home-or-in-public.csv")
    assert places["crimes"].null_count() > 0
    shown = places["crimes"].drop_nulls()
    assert ((shown == 0) | (shown >= THRESHOLD)).all()


RATE = "rate per 1,000 women and girls a year"
# The CSV's figures of an LSOA, headed in the page's words.
FIGURES = (
    "crimes (rounded)",
    RATE,
    "rate, lower 95% limit",
    "rate, upper 95% limit",
    "neighbourhood " + RATE,
    "cluster z-score",
    "finding",
)


def test_the_places_page_maps_the_public_lsoa_figures(site: Path) -> None:
    import re

    text = (site / "places.html").read_text(encoding="utf-8")
    maps = re.findall(r'<svg role="img" aria-label="([^"]*)"', text)
    assert len(maps) == 3  # rates, hot spots at all places, hot spots at public places
    assert all("1,065 LSOAs" in alt for alt in maps)  # every shipped Kent and Medway LSOA
    for district in ("Ashford", "Thanet", "Medway"):  # outlines are named
        assert text.count(f">{district}</text>") >= 3, district
    assert text.count(" km</text>") == 3  # a scale bar on each map
    rates = pl.read_csv(site / "data" / "map-rates.csv")
    hot = pl.read_csv(site / "data" / "map-hotspots-public.csv")
    assert rates.height == hot.height == 1065
    # A withheld LSOA has no figure at all, and the map's legend counts exactly those LSOAs
    # as "not shown" (hatched).
    for frame in (rates, hot):
        count = "crimes (rounded)"
        withheld = frame.filter(pl.col(count).is_null())
        assert withheld.height > 0
        figures = [c for c in frame.columns if c in FIGURES]
        assert count in figures and RATE in figures
        assert all(withheld[c].null_count() == withheld.height for c in figures)
        assert f"not shown (small count): {withheld.height:,}" in text
        shown = frame[count].drop_nulls()
        assert ((shown % THRESHOLD) == 0).all()
    declared = hot.filter(pl.col("finding") == "confirmed hot spot").height
    assert f"confirmed hot spot: {declared}" in text


def _copy(site: Path, tmp_path: Path) -> Path:
    """A copy of the site's pages and data (not the 4.8 MB chart library: scanned once below)."""
    target = tmp_path / "copy"
    shutil.copytree(site, target, ignore=shutil.ignore_patterns("assets"))
    return target


@pytest.mark.parametrize(
    ("relative", "text", "expected"),
    [
        ("data/leak.csv", "district,crimes\nAshford,3\n", "count 3"),
        ("data/raw.csv", "district,crimes\nAshford,12\n", "not rounded to a multiple of 5"),
        ("data/path.csv", "district,source\nAshford,/home/ann/extract.csv\n", "local path"),
        ("data.json", '{"by_district": [{"district": "Dover", "crimes": 7}]}', "count 7"),
        ("data.json", '{"a": {"person_id": "x"}}', "identifier key"),
        ("data/rates.csv", "district,per_1000\nAshford,3\n", None),  # a rate, not a count
        ("data/zero.csv", "district,crimes\nAshford,0\nDover,\n", None),  # zero and suppressed
        ("data/person.csv", "crime_ref,district\nX,Y\n", "identifier column name"),
        ("notes.txt", "see KT10000042 for details", "reference-like token"),
        ("data/dob.csv", "district,note\nAshford,1983-04-15\n", "date of birth"),
        (
            "page.html",
            '<table><thead><tr><th>crimes</th></tr></thead><tbody><tr><td class="num">2</td></tr></tbody></table>',
            "table column",
        ),
        ("page.html", '<div class="kpi"><div class="v">4</div></div>', "headline figure"),
        ("page.html", "<p>In Dover, 3 victims were ...</p>", "in '3 victims'"),
        (
            "page.html",
            '<script>Plotly.newPlot("x", [{"type": "bar", "x": ["a", "b"], "y": [10, 2]}], '
            '{"yaxis": {"title": {"text": "crimes"}}}, {})</script>',
            "trace 0 (undeclared), y",
        ),
        (  # undeclared, on an axis that is not counts (coordinates, a rate): not checked
            "page.html",
            '<script>Plotly.newPlot("x", [{"type": "scatter", "x": [612345, 2], "y": [2, 3]}], '
            '{"yaxis": {"title": {"text": "per 1,000"}}}, {})</script>',
            None,
        ),
        (
            "page.html",
            '<script>Plotly.newPlot("x", [{"type": "bar", "y": {"dtype": "i1", "bdata": "CgI="}, '
            '"meta": {"measure": "count"}}], {}, {})</script>',
            "count 2",
        ),
        (
            "page.html",
            '<script>Plotly.newPlot("x", [{"type": "bar", "y": [0.5, 2.0], '
            '"meta": {"measure": "share"}}], {}, {})</script>',
            None,
        ),
    ],
)
def test_the_scanner_finds_each_kind_of_leak(
    site: Path, tmp_path: Path, relative: str, text: str, expected: str | None
) -> None:
    copy = _copy(site, tmp_path)
    (copy / relative).write_text(text, encoding="utf-8")
    findings = scan_folder(copy, threshold=THRESHOLD)
    if expected is None:
        assert findings == []
    else:
        assert findings, f"nothing found in {relative}"
        assert any(expected in str(f) for f in findings), findings
        assert all(f.path == relative for f in findings), findings


def test_a_known_identifier_is_found_even_without_a_pattern(site: Path, tmp_path: Path) -> None:
    copy = _copy(site, tmp_path)
    (copy / "data" / "x.csv").write_text("district,note\nDover,abc-7781\n", encoding="utf-8")
    assert scan_folder(copy, threshold=THRESHOLD) == []
    findings = scan_folder(copy, threshold=THRESHOLD, identifiers={"abc-7781"})
    assert [f.what for f in findings] == ["identifier 'abc-7781'"]


def test_a_changed_chart_library_is_scanned_as_data(site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    asset = copy / "assets" / "plotly.min.js"
    asset.write_text(asset.read_text(encoding="utf-8") + "\n// 1975-02-03\n", encoding="utf-8")
    assert any("date of birth" in str(f) for f in scan_folder(copy, threshold=THRESHOLD))


def test_scanning_a_missing_site_says_how_to_build_one(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="vawg publish"):
        scan_folder(tmp_path / "nothing", threshold=THRESHOLD)


@pytest.mark.browser
def test_the_site_opened_from_disk_renders_its_charts(site: Path, page: Any) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for html in ("index", "profile", "outcomes", "surveys"):
        page.goto((site / f"{html}.html").as_uri())
        charts = page.locator(".js-plotly-plot")
        charts.first.locator(".main-svg").first.wait_for(timeout=15_000)
        assert charts.count() >= 2, html
        for index in range(charts.count()):
            share = non_white_share(charts.nth(index).screenshot())
            assert share > 0.03, f"{html}: chart {index} looks blank ({share:.1%})"
        page.screenshot(path=str(ARTIFACTS / f"site-{html}.png"), full_page=True)
        # The navigation links between the pages work from disk.
        assert page.locator(".sitenav a").count() == len(list(site.glob("*.html")))
    page.goto((site / "places.html").as_uri())
    maps = page.locator(".map-svg svg")
    assert maps.count() == 3
    for index in range(maps.count()):
        share = non_white_share(maps.nth(index).screenshot())
        assert share > 0.2, f"places: map {index} looks blank ({share:.1%})"
    page.screenshot(path=str(ARTIFACTS / "site-places.png"), full_page=True)
    assert requests and all(url.startswith("file://") for url in requests), requests


@pytest.mark.browser
def test_no_site_page_scrolls_sideways_on_a_phone(site: Path, page: Any) -> None:
    # Wide tables scroll inside their own box; nothing (screen-reader-only text of a scrolled
    # table included) may widen the page past a 390 px phone screen.
    page.set_viewport_size({"width": 390, "height": 844})
    for html in sorted(site.glob("*.html")):
        page.goto(html.as_uri())
        page.wait_for_timeout(500)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, html.name


_TABLE_BOXES = """() => [...document.querySelectorAll('.table-wrap')]
  .filter(box => box.clientWidth > 0)
  .map(box => ({
    wide: box.scrollWidth > box.clientWidth + 2,
    hint: !!(box.previousElementSibling
             && box.previousElementSibling.classList.contains('scroll-hint')),
  }))"""


@pytest.mark.browser
def test_a_wide_table_on_a_phone_says_so_and_keeps_its_first_column_in_view(
    site: Path, page: Any
) -> None:
    # The places page's LSOA tables are wider than a phone: the rates sat off screen behind a
    # faint shadow, and scrolling to them lost the LSOA's name.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto((site / "places.html").as_uri())
    page.wait_for_timeout(500)
    boxes = page.evaluate(_TABLE_BOXES)
    assert any(b["wide"] for b in boxes), boxes
    assert all(b["wide"] == b["hint"] for b in boxes), boxes
    # scrolled to its far right, a wide table's first cell is still at the box's left edge
    offsets = page.evaluate(
        """async () => {
          const out = [];
          for (const b of document.querySelectorAll('.table-wrap')) {
            const cell = b.querySelector('tbody td');
            if (!cell || b.scrollWidth <= b.clientWidth + 2) continue;
            b.scrollLeft = b.scrollWidth;
            await new Promise(r => requestAnimationFrame(r));
            out.push([b.scrollLeft, cell.getBoundingClientRect().left - b.getBoundingClientRect().left]);
          }
          return out;
        }"""
    )
    assert offsets and all(scrolled > 0 and abs(left) < 2 for scrolled, left in offsets), offsets
    # at a desktop's width the same tables fit and say nothing
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_timeout(300)
    assert all(b["wide"] == b["hint"] for b in page.evaluate(_TABLE_BOXES))


@pytest.mark.browser
def test_a_map_on_a_phone_shows_the_whole_force_with_names_that_can_be_read(
    site: Path, page: Any
) -> None:
    # At a fixed 520 px a map scrolled sideways in its box, so east Kent (Thanet, Dover, where
    # most hot spots are) opened off screen, its title cut; its names were about 5 px.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto((site / "places.html").as_uri())
    maps = page.locator(".map-svg svg")
    assert maps.count() == 3
    for index in range(maps.count()):
        box = maps.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        heights = maps.nth(index).evaluate(
            "svg => [...svg.querySelectorAll('.district_names_marks text')]"
            ".map(t => t.getBoundingClientRect().height)"
        )
        assert len(heights) >= 12 and min(heights) >= 8, heights  # Kent's 13 districts
    titles = page.locator(".map-svg .map-title").all_inner_texts()
    assert len(titles) == 3 and all(t.strip() for t in titles)


def _table_headers(html: str) -> list[str]:
    return re.findall(r'<th scope="col">([^<]*)</th>', html)


def test_the_tables_under_the_charts_are_in_words_and_percentages(site: Path) -> None:
    # Field names, left over from the CSVs, are not the words a reader looks for.
    fields = {"numerator", "denominator", "estimate", "ci low", "ci high", "half", "item", "n"}
    for name in ("index", "profile", "outcomes", "surveys"):
        headers = _table_headers(site.joinpath(f"{name}.html").read_text(encoding="utf-8"))
        assert headers and not fields & set(headers), (name, fields & set(headers))
    outcomes = site.joinpath("outcomes.html").read_text(encoding="utf-8")
    rows = pl.read_csv(site / "data" / "outcome-rates-by-half-year.csv")
    shown = re.findall(
        r"<tr>(.*?)</tr>", outcomes.split("<caption>Data: Crimes recorded in each")[1], re.S
    )
    first = re.findall(r"<td[^>]*>([^<]*)</td>", shown[1])
    row = rows.row(0, named=True)
    # The rate and its interval as percentages, to one decimal place, not shares.
    assert first[-3:] == [f"{100 * row[c]:.1f}" for c in ("estimate", "ci_low", "ci_high")]
