"""``vawg audit`` and ``vawg outcomes``: files written, self-contained HTML, stable JSON keys,
the disclosure rule applied by ``--public``, and one-line errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from tests.pages import assert_opens_offline, assert_valid_html
from typer.testing import CliRunner

import vawg.cli.audit  # registers the commands
from vawg.cli._app import app
from vawg.cli.audit import run_audit, run_outcomes
from vawg.config import Settings
from vawg.errors import InputError
from vawg.report.page import PLOTLY_JS

from .conftest import Loaded

runner = CliRunner()
KPI_LABELS = (
    "Charge/summons rate",
    "Victim does not support action",
    "Still under investigation",
    "Median days from recording to any police outcome",
)


def test_audit_html(known: Loaded, tmp_path: Path) -> None:
    out = tmp_path / "audit.html"
    result = runner.invoke(
        app, ["audit", "--half", "2021H2", "--db", str(known.db), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert_opens_offline(out)
    assert_valid_html(html)
    for text in ("What improved", "What got worse", "Oct 2021–Mar 2022", *KPI_LABELS):
        assert text in html
    assert "30.0%" in html  # the hand-worked charge rate of 2021H2
    assert "C01" not in html  # no crime references in the report
    # The headline comparisons' changes keep a readable width on a phone (the page's style).
    headlines = html.split("change in the estimate</th>")[1].split("</table>")[0]
    assert headlines.count('<td class="wide">') == headlines.count("<tr>")


def test_audit_json_keys(known: Loaded, tmp_path: Path) -> None:
    out = tmp_path / "audit.json"
    args = [
        "audit",
        "--half",
        "2021H2",
        "--db",
        str(known.db),
        "--format",
        "json",
        "--out",
        str(out),
    ]
    assert runner.invoke(app, args).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["half"] == "2021H2"
    for role in ("current", "previous", "year_earlier"):
        figures = doc["headline"][role]
        for key in (
            "charge_rate",
            "victim_not_supporting_rate",
            "open_share",
            "median_days_to_outcome",
        ):
            assert set(figures[key]) == {"estimate", "ci_low", "ci_high"}
    assert doc["headline"]["current"]["open_share"]["estimate"] == 0.2


def _copy(db: Path, folder: Path) -> Path:
    """A copy of the database: a public run records its release in it (and the session's
    read-only connection to the original would stop that)."""
    target = folder / db.name
    shutil.copy(db, target)
    return target


def test_public_audit_applies_the_disclosure_rule(known: Loaded, tmp_path: Path) -> None:
    out = tmp_path / "public.json"
    args = [
        "audit",
        "--half",
        "2021H2",
        "--db",
        str(_copy(known.db, tmp_path)),
        "--format",
        "json",
        "--public",
        "--out",
        str(out),
    ]
    assert runner.invoke(app, args).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    current = doc["headline"]["current"]
    assert doc["public"] is True and doc["disclosure_threshold"] == 5
    assert current["recorded"] == 10  # a total of 10 may be shown
    assert current["charge_rate"] == {"estimate": None, "ci_low": None, "ci_high": None}  # 3 of 10
    # a cohort of 10: its median would be one crime's time (shown only from 30 crimes)
    assert current["median_days_to_outcome"]["estimate"] is None
    assert doc["headline"]["previous"]["recorded"] == 5  # 6, rounded to the nearest 5
    rows = [r for r in doc["outcome_counts"] if r["count"] is not None]
    assert rows and all(r["count"] % 5 == 0 for r in rows)


def test_public_html_says_so(known: Loaded, tmp_path: Path) -> None:
    out = tmp_path / "public.html"
    db = _copy(known.db, tmp_path)
    args = ["audit", "--half", "2021H2", "--db", str(db), "--public", "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "PUBLIC" in html and "Disclosure control" in html
    assert "30.0%" not in html


def test_run_audit_and_run_outcomes_for_the_demo(known: Loaded, tmp_path: Path) -> None:
    paths = run_audit(known.db, tmp_path, Settings(), public=False, half="2021H2")
    assert [p.name for p in paths] == [
        "audit-2021H2.html",
        "audit-2021H2.json",
        "audit-2021H2.csv",
        "audit-2021H2.csv.manifest.json",  # the manifest every output carries
        PLOTLY_JS,  # the charting library beside the page, not stamped
    ]
    assert all(p.stat().st_size > 0 for p in paths)
    # Default half: the latest complete one (data end 2022-06-30 → 2021H2).
    db = _copy(known.db, tmp_path)
    public = run_audit(db, tmp_path, Settings(), public=True)
    assert public[0].name == "audit-2021H2-public.html"
    written = run_outcomes(db, tmp_path, Settings(), public=True)
    doc = json.loads(next(p for p in written if p.suffix == ".json").read_text(encoding="utf-8"))
    assert doc["public"] is True and "2021H2" in doc["by_half"]
    assert_opens_offline(written[0])


def test_outcomes_command(known: Loaded, tmp_path: Path) -> None:
    out = tmp_path / "outcomes.json"
    args = ["outcomes", "--db", str(known.db), "--format", "json", "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["by_half"]["2021H2"]["assigned"]["charge_rate"]["estimate"] == 3 / 8


def test_errors_are_vawg_errors(known: Loaded, tmp_path: Path) -> None:
    result = runner.invoke(app, ["audit", "--half", "H2-2021", "--db", str(known.db)])
    assert result.exit_code == 2  # a usage error, in words with an example
    assert "not a financial half-year" in result.output and "e.g. 2021H2" in result.output
    result = runner.invoke(
        app, ["audit", "--half", "2021H2", "--db", str(tmp_path / "none.duckdb")]
    )
    assert isinstance(result.exception, InputError)


@pytest.mark.parametrize("name", ["audit", "outcomes"])
def test_help_ends_with_an_example(name: str) -> None:
    result = runner.invoke(app, [name, "--help"])
    assert result.exit_code == 0
    assert f"Example: vawg {name}" in result.output
    assert vawg.cli.audit is not None
