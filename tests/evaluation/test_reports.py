"""`vawg target` and `vawg evaluate`: stable JSON keys, restricted and public reports, public
outputs that pass the leak walker and carry no person, the demo steps and the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from vawg.cli import app
from vawg.cli.demo import STEPS
from vawg.cli.evaluate import run_evaluate, run_target
from vawg.leaks import scan_folder
from vawg.store import load_paths

from .conftest import FAST, Evaluated

PEOPLE = re.compile(r"\bP\d{7}\b")
LSOA = re.compile(r"\bE01\d{6}\b")


@pytest.fixture(scope="module")
def written(planted: Evaluated, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reports")
    run_evaluate(planted.db, out, FAST)
    run_evaluate(planted.db, out / "public", FAST, public=True)
    run_target(planted.db, out, FAST)
    run_target(planted.db, out / "public", FAST, public=True, formats=("html", "json"))
    return out


def test_evaluation_json_has_the_stable_keys(written: Path) -> None:
    data = json.loads((written / "evaluation.json").read_text(encoding="utf-8"))
    assert data["classification"] == "OFFICIAL-SENSITIVE"
    keys = {"rate_ratio", "ci_low", "ci_high", "crimes_averted", "cost_per_crime_averted",
            "can_conclude", "conclusion", "reasons", "harm_averted"}  # fmt: skip
    for item in [*data["place"]["interventions"], data["place"]["pooled"]]:
        assert keys <= set(item)
        if not item["can_conclude"]:
            assert item["rate_ratio"] is None and item["diagnostic"]["not_fit_for_conclusions"]
    pooled = data["place"]["pooled"]
    assert pooled["can_conclude"] and pooled["rate_ratio"] is not None
    assert pooled["ci_low"] <= pooled["rate_ratio"] <= pooled["ci_high"]
    programme = data["programmes"][0]
    assert {"hazard_ratio", "ci_low", "ci_high", "same_victim", "by_outcome_and_group"} <= set(
        programme
    )


def test_public_reports_pass_the_leak_walker_and_name_no_one(
    written: Path, planted: Evaluated
) -> None:
    public = written / "public"
    # The two reports, their data, and the charting library written once beside them.
    assert sorted(p.name for p in public.iterdir()) == [
        "evaluation-public.html", "evaluation-public.json",
        "plotly.min.js",
        "targeting-public.html", "targeting-public.json",
    ]  # fmt: skip
    data_folder = planted.db.parent / "data"
    crimes = pl.read_csv(data_folder / "crimes.csv", columns=["crime_ref"])["crime_ref"]
    people = pl.read_csv(data_folder / "people.csv", columns=["person_id", "date_of_birth"])
    findings = scan_folder(
        public,
        threshold=FAST.disclosure_threshold,
        identifiers=frozenset([*crimes.cast(pl.String), *people["person_id"].cast(pl.String)]),
        dates_of_birth=frozenset(people["date_of_birth"].drop_nulls().cast(pl.String)),
    )
    assert findings == [], "\n".join(str(f) for f in findings[:20])
    for path in public.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not PEOPLE.search(text), path.name
        # the targeting ranking names LSOAs (public geography); the evaluation lists none
        assert not LSOA.search(text) or path.name.startswith("targeting"), path.name
    data = json.loads((public / "evaluation-public.json").read_text(encoding="utf-8"))
    assert data["classification"] == "PUBLIC"
    for item in data["place"]["interventions"]:
        assert "lsoas" not in item and "diagnostic" not in item
        if not item["can_conclude"]:
            assert item["rate_ratio"] is None and item["crimes_averted"] is None
    for item in [*data["place"]["interventions"], data["place"]["pooled"]]:
        # A withheld estimate is withheld from the finding's words too.
        if item["rate_ratio"] is None:
            assert "rate ratio" not in item["conclusion"], item["conclusion"]
    targeting = json.loads((public / "targeting-public.json").read_text(encoding="utf-8"))
    assert targeting["repeat_locations"]["places"] == []
    # The restricted files do name the areas (they are for analysts).
    assert LSOA.search((written / "evaluation.json").read_text(encoding="utf-8"))


def test_public_ranking_is_the_restricted_one_among_the_places_shown(written: Path) -> None:
    restricted = json.loads((written / "targeting.json").read_text(encoding="utf-8"))
    public = json.loads((written / "public" / "targeting-public.json").read_text(encoding="utf-8"))
    html = (written / "public" / "targeting-public.html").read_text(encoding="utf-8")
    for key, name in (("lsoas", "lsoa_code"), ("town_centres", "town_centre")):
        truth = {r[name]: r for r in restricted[key]}
        shown = [r for r in public[key] if r["rank"] is not None]
        # a place's harm only for 30 crimes or more, rounded to 100 days or coarser
        for r in shown:
            assert truth[r[name]]["crimes"] >= 30 and r["harm_days"] % 100 == 0, r
        # the shown places in the restricted order, ranked 1, 2, ... among themselves
        order = sorted(shown, key=lambda r: truth[r[name]]["rank"])
        assert [r[name] for r in shown] == [r[name] for r in order]
        assert [r["rank"] for r in shown] == list(range(1, len(shown) + 1)) or len(
            {truth[r[name]]["harm_days"] for r in shown}
        ) < len(shown)
        withheld = len(public[key]) - len(shown)
        if withheld:  # counted in a line, not listed as rows of dashes
            label = "LSOAs" if key == "lsoas" else "town centres"
            assert f"{withheld:,} {label} not shown: too few crimes" in html


def test_public_top_n_share_is_the_sum_of_the_rows_shown(written: Path) -> None:
    # The demo's public headline said the top 5 held 9.1% of the harm (the true top 5, a
    # withheld place among them) while the five rows under it added up to 8.6%.
    public = json.loads((written / "public" / "targeting-public.json").read_text(encoding="utf-8"))
    html = (written / "public" / "targeting-public.html").read_text(encoding="utf-8")
    n = public["top_n"]
    for key, coverage in (("lsoas", "coverage"), ("town_centres", "town_coverage")):
        shares = [r["harm_share"] for r in public[key] if r["harm_share"] is not None]
        rows = {r["up_to_rank"]: r for r in public[coverage]}
        assert rows, key
        assert min(n, len(shares)) in rows  # the headline's row is there
        for k, r in rows.items():
            assert k <= len(shares)  # never more places than are shown
            assert r["harm_share"] == pytest.approx(sum(shares[:k]))
            assert r["ci_low"] is None and r["ci_high"] is None
    size = min(n, len([r for r in public["lsoas"] if r["harm_share"] is not None]))
    assert f"of the harm is in the {size} LSOAs shown with the most harm" in html
    assert f"the {size} shown with the most harm" in html  # the main point says so too


def test_restricted_targeting_lists_every_lsoa(written: Path, planted: Evaluated) -> None:
    data = json.loads((written / "targeting.json").read_text(encoding="utf-8"))
    assert len(data["lsoas"]) == 1065
    ranks = [row["rank"] for row in data["lsoas"]]
    assert ranks == sorted(ranks)
    for row in data["lsoas"][:20]:
        assert row["best_rank"] <= row["rank"] <= row["worst_rank"] or row["top_n"] == "no"
    assert (written / "targeting.csv").exists()


def test_demo_ends_with_the_evaluation_and_the_targeting_map() -> None:
    # ... then the open site, which carries their public versions
    names = [step.title for step in STEPS]
    assert names[-3].startswith("did it work? Safer Streets and the perpetrator programme")
    assert names[-2].startswith("where next: targeting map")
    assert names[-1].endswith("(vawg publish)")


def test_evaluate_command_writes_its_report(planted: Evaluated, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["evaluate", "--db", str(planted.db), "--format", "json", "--out", str(tmp_path),
         "--set", "target_bootstrap_replicates=99"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "evaluation.json").exists()
    assert "all together" in result.output


def test_evaluate_says_what_is_missing(tmp_path: Path) -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "ingest" / "valid"
    db = tmp_path / "vawg.duckdb"
    load_paths([data], db)
    result = CliRunner().invoke(app, ["evaluate", "--db", str(db), "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "neither interventions.csv nor programme_participants.csv is loaded" in str(
        result.exception
    )


def test_a_finding_resting_on_a_withheld_count_is_not_published() -> None:
    from vawg.evaluation.public import WITHHELD, _statement

    finding = "Crimes fell by 12% relative to the comparison areas (rate ratio 0.88, ...)."
    assert _statement(True, (), finding, hidden=False) == finding
    assert _statement(True, (), finding, hidden=True) == WITHHELD
    assert _statement(False, ("too few crimes",), finding, hidden=True) == (
        "Cannot conclude: too few crimes."
    )
