"""`vawg survey`: the HTML and JSON reports, public disclosure control, the CLI and the demo."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from tests.pages import assert_opens_offline, assert_valid_html
from typer.testing import CliRunner

from vawg.cli._app import app
from vawg.cli.demo import STEPS
from vawg.cli.survey import run_survey
from vawg.config import Settings
from vawg.query import connect
from vawg.report.survey import survey_json
from vawg.report.survey._format import _short_label, wrapped
from vawg.store import load_paths
from vawg.survey import disclose_survey, survey_analysis

from .conftest import DATA, Force

ESTIMATE_KEYS = {"estimate", "ci_low", "ci_high", "n", "n_effective"}
IDS = re.compile(r"\b(R\d{5}|VS\d{6}|R\d\d)\b")


@pytest.fixture(scope="module")
def reports(force: Force, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("survey-reports")
    run_survey(force.db, out, Settings(), public=False)
    run_survey(force.db, out, Settings(), public=True, formats=("html", "json"))
    return out


@pytest.fixture(scope="module")
def tiny_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("survey-tiny") / "vawg.duckdb"
    load_paths([DATA / "raking" / "public_survey.csv", DATA / "raking" / "areas.csv"], db)
    return db


def test_json_has_the_issue_keys(reports: Path) -> None:
    data = json.loads((reports / "survey.json").read_text())
    for key in ("unsafe_night_share", "unsafe_day_share", "not_reported_share"):
        assert set(data[key]) >= ESTIMATE_KEYS, key
        assert 0 <= data[key]["ci_low"] <= data[key]["estimate"] <= data[key]["ci_high"] <= 1
    sat = data["victim_satisfaction"]
    for item in (
        "ease_of_contact",
        "actions_taken",
        "kept_informed",
        "treatment",
        "whole_experience",
    ):
        assert set(sat[item]) >= ESTIMATE_KEYS, item
    assert {
        "weighting",
        "reasons_not_reported",
        "crime_and_survey",
        "by_group",
        "quarantine",
        "params",
    } <= set(data)
    assert data["classification"] == "restricted"
    assert data["reasons_not_reported"]["examples"]


def test_html_opens_offline_with_main_points_then_summary_first(reports: Path) -> None:
    page = (reports / "survey.html").read_text()
    assert_opens_offline(reports / "survey.html")
    assert_valid_html(page)
    sections = re.findall(r'<section id="([^"]+)"', page)
    assert sections[:2] == ["main-points", "summary"]
    assert sections[-1] == "methods--definitions-and-assumptions"
    assert "People who feel unsafe in their town centre after dark: " in page
    assert 'class="kpi"' in page and "OFFICIAL-SENSITIVE" in page
    assert "Example reasons" in page  # quotes, restricted only


def test_public_output_has_no_quotes_and_no_identifiers(force: Force, reports: Path) -> None:
    page = (reports / "survey-public.html").read_text()
    data = (reports / "survey-public.json").read_text()
    themes = force.result().themes
    assert themes is not None
    for quote in themes.examples["quote"].to_list():
        assert json.dumps(quote) not in data
    assert "Example reasons" not in page and '"examples"' not in data
    assert not IDS.search(data)
    assert "PUBLIC" in page and "not shown" in page


def test_public_counts_are_suppressed(tiny_db: Path) -> None:
    result = survey_analysis(connect(tiny_db), Settings(), rake=False)
    restricted = survey_json(result)
    public = survey_json(disclose_survey(result, Settings()))

    # 10 respondents; women: n = 5, 3 of them unsafe at night -> 3 is under 5: suppressed.
    def women(data: dict) -> dict:
        return next(
            r
            for r in data["by_group"]
            if r["indicator"] == "unsafe_night_share"
            and r["dimension"] == "sex"
            and r["level"] == "F"
        )

    assert women(restricted)["estimate"] == pytest.approx(3 / 5)
    assert women(public)["estimate"] is None and women(public)["count"] is None
    assert women(public)["n"] is None
    # Men: n = 5, 2 unsafe -> suppressed too. The all-Kent row (n 10, count 5) passes the
    # small-count rule, but a base of 10 is under the 30 a published share needs: its share is
    # not shown, and nor are its count and base (beside a dash, 5 of 10 would give it back).
    overall = next(
        r
        for r in public["by_group"]
        if r["indicator"] == "unsafe_night_share" and r["dimension"] == "all"
    )
    assert (overall["n"], overall["count"], overall["estimate"]) == (None, None, None)
    assert public["unsafe_night_share"]["estimate"] is None
    assert restricted["unsafe_night_share"]["estimate"] == pytest.approx(0.5)
    themes = {t["theme"]: t["respondents"] for t in public["reasons_not_reported"]["themes"]}
    assert all(v is None or v == 0 or v >= 5 for v in themes.values())
    assert "counts of 1 to 4 are not shown" in public["disclosure"]


def test_cli_writes_the_chosen_format(tiny_db: Path, tmp_path: Path) -> None:
    import vawg.cli.survey  # noqa: F401  (registers the command)

    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "survey",
            "--db",
            str(tiny_db),
            "--format",
            "json",
            "--public",
            "--out",
            str(tmp_path),
            "--no-rake",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "survey-public.json").read_text())
    assert data["classification"] == "public"
    assert data["weighting"]["source"].startswith("none")
    assert "unsafe at night" in result.output


def test_cli_rakes_to_user_margins(tiny_db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        app,
        [
            "survey",
            "--db",
            str(tiny_db),
            "--format",
            "json",
            "--out",
            str(tmp_path),
            "--margins",
            str(DATA / "raking" / "margins.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "survey.json").read_text())
    # Hand-worked raking (tests/data/survey/README.md): unsafe at night 71/120.
    assert data["unsafe_night_share"]["estimate"] == pytest.approx(71 / 120, abs=1e-5)
    assert data["weighting"]["design_effect"] == pytest.approx(29 / 24, abs=1e-4)


def test_survey_is_a_demo_step() -> None:
    assert any("survey" in step.title for step in STEPS)


def test_public_model_withholds_effects_that_would_give_a_small_side_away(force: Force) -> None:
    # A group where all but one or two were satisfied has a huge odds ratio: publishing it
    # beside the group's size tells the reader the small other side that the tables hide.
    result = force.result()
    assert result.satisfaction is not None and result.satisfaction.model is not None
    restricted = result.satisfaction.model.table
    public = disclose_survey(result, Settings()).satisfaction
    assert public is not None and public.model is not None
    shown = public.model.table
    small = 0
    rows = zip(restricted.iter_rows(named=True), shown.iter_rows(named=True), strict=True)
    for before, after in rows:
        assert (before["term"], before["level"]) == (after["term"], after["level"])
        sides = (before["n"], before["satisfied"], before["n"] - before["satisfied"])
        if any(0 < side < 5 for side in sides):
            small += 1
            assert after["estimate"] is None and after["ci_low"] is None, before
            assert after["n"] is None and after["satisfied"] is None
        for count in (after["n"], after["satisfied"]):
            assert count is None or count % 5 == 0
    assert small > 0  # the synthetic force has such groups (so the check above is exercised)


def test_public_effective_bases_are_rounded_like_the_bases(force: Force) -> None:
    # Unweighted, the effective base is the base: unrounded it gives the exact count away.
    result = force.result(rake=False)
    public = disclose_survey(result, Settings())
    assert result.public is not None and public.public is not None
    exact = result.public.table["n_effective"].drop_nulls()
    assert any(v % 5 for v in exact.to_list())  # there is something to round
    for n, effective in public.public.table.select("n", "n_effective").iter_rows():
        assert effective is None or effective % 5 == 0
        assert effective is None or n is not None


def test_public_satisfaction_shares_come_from_the_published_counts(force: Force) -> None:
    # Unweighted, a share from the exact counts (5 of 13 = 38.5%) gives them away beside a
    # rounded base of 15: the public share is the rounded count over the rounded base.
    result = force.result()
    public = disclose_survey(result, Settings()).satisfaction
    assert public is not None
    shown = public.table.filter(pl.col("estimate").is_not_null())
    assert shown.height > 0
    for row in shown.iter_rows(named=True):
        assert row["n"] >= 30 and row["n"] % 5 == 0 and row["count"] % 5 == 0
        assert row["estimate"] == pytest.approx(row["count"] / row["n"])
        assert row["ci_low"] <= row["estimate"] <= row["ci_high"]
    restricted = result.satisfaction
    assert restricted is not None
    exact = restricted.table.filter((pl.col("n") < 30) & pl.col("estimate").is_not_null())
    assert exact.height > 0  # small groups exist, so the rule above is exercised


def test_the_weighting_is_said_in_words_and_its_cost_as_wider_intervals(reports: Path) -> None:
    data = json.loads((reports / "survey.json").read_text())
    wider = round(100 * (data["weighting"]["design_effect"] ** 0.5 - 1))  # CI width ~ sqrt(deff)
    for name in ("survey.html", "survey-public.html"):
        page = (reports / name).read_text()
        section = page.split('<section id="weighting-and-data-quality"')[1]
        body, details = section.split("Weighting details", 1)
        assert "matches Kent&#x27;s population" in body, name
        assert f"about {wider}% wider" in body, name
        for jargon in ("raked", "raking", "design effect", "margins"):
            assert jargon not in body.lower(), (name, jargon)
        assert "design effect" in details  # the method's name is in the folded details


def test_chart_labels_are_short_and_wrapped_for_a_phone() -> None:
    # The outcome group's full name carries the outcome type numbers; its chart label does not.
    assert _short_label("victim_does_not_support", "outcome_group") == (
        "Victim does not support action"
    )
    assert wrapped("not serious enough / part of life") == "not serious enough<br>/ part of life"
    assert all(
        len(line) <= 18
        for line in wrapped("would not be believed or taken seriously").split("<br>")
    )


def test_night_minus_day_is_in_points_not_percent(reports: Path) -> None:
    data = json.loads((reports / "survey.json").read_text())
    rows = [
        r
        for r in data["by_group"]
        if r["indicator"] == "unsafe_night_minus_day" and r["dimension"] == "district"
    ]
    best = max((r for r in rows if r["estimate"] is not None), key=lambda r: r["estimate"])
    page = (reports / "survey.html").read_text()
    table = page.split("<caption>How many more feel unsafe at night")[1].split("</table>")[0]
    first = re.findall(r"<td[^>]*>([^<]*)</td>", table)[:2]
    # A difference of two shares: +12.3 points, never "12.3%".
    assert first == [best["level"], f"{100 * best['estimate']:+.1f}"]


def test_public_estimates_need_a_true_base_of_30_before_rounding(force: Force) -> None:
    # The rule is applied to the true (effective) base: a base of 29 rounds to 30 but is still
    # too few to rely on, so its share, and a model effect for a group of 18, are withheld.
    result = force.result()
    public = disclose_survey(result, Settings())
    assert result.public is not None and public.public is not None
    assert result.satisfaction is not None and public.satisfaction is not None
    exercised = 0
    pairs = [
        (result.public.table, public.public.table),
        (result.satisfaction.table, public.satisfaction.table),
    ]
    for before, after in pairs:
        rows = zip(before.iter_rows(named=True), after.iter_rows(named=True), strict=True)
        for b, a in rows:
            if b["estimate"] is not None and (b["n_effective"] or 0) < 30:
                exercised += 1
                assert a["estimate"] is None and a["ci_low"] is None, b
    assert exercised > 0
    model, shown = result.satisfaction.model, public.satisfaction.model
    assert model is not None and shown is not None
    small = 0
    rows = zip(model.table.iter_rows(named=True), shown.table.iter_rows(named=True), strict=True)
    for b, a in rows:
        if not b["reference"] and b["n"] < 30:
            small += 1
            assert a["estimate"] is None and a["ci_low"] is None, b
    assert small > 0


def test_scatter_labels_are_short_and_placed_apart_on_a_phone() -> None:
    from vawg.report.survey.side_by_side import _positions, _short

    assert _short("Tonbridge and Malling") == "Tonbridge & M."
    assert _short("Ashford") == "Ashford"
    # Two dots side by side at the same height cannot both be labelled above.
    xs, ys = [4.7, 4.8, 6.0], [60.0, 60.0, 70.0]
    places = _positions(xs, ys, ["Tonbridge & M.", "Dartford", "Medway"], (4.0, 7.0))
    assert places[0] != places[1]


def test_the_survey_reports_say_in_plain_words_that_interviews_are_undated(
    reports: Path,
) -> None:
    # "its file carries no interview dates" read as jargon about a file.
    for name in ("survey.html", "survey-public.html"):
        page = (reports / name).read_text()
        assert "carries no interview dates" not in page, name
        assert "its data do not say when each person was asked" in page, name
    # the site says it in the same words
    from vawg.report.site import sections

    assert "do not say when each person was asked" in sections.PUBLIC_SURVEY_WHEN
