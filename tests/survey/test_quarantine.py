"""Bad survey input is quarantined with reasons, never silently dropped (the data contract).

The row rules live in :mod:`vawg.schema.contract` and are applied by :func:`vawg.store.load_paths`;
these tests pin the survey ones the issue names, on ``tests/data/survey/bad`` (see its README),
and check that the survey report lists what was refused.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from vawg.config import Settings
from vawg.query import connect
from vawg.store import load_paths
from vawg.survey import survey_analysis

from .conftest import DATA


@pytest.fixture(scope="module")
def bad_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("survey-bad") / "vawg.duckdb"
    load_paths([DATA / "bad"], db)
    return db


def _quarantine(db: Path, kind: str) -> list[tuple[int, str, str | None, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [
            tuple(r)
            for r in con.execute(  # type: ignore[misc]
                "SELECT line, column_name, value, reason FROM quarantine WHERE kind = ? ORDER BY line",
                [kind],
            ).fetchall()
        ]
    finally:
        con.close()


def _loaded(db: Path, table: str, key: str) -> list[str]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [r[0] for r in con.execute(f"SELECT {key} FROM {table} ORDER BY {key}").fetchall()]
    finally:
        con.close()


def test_public_survey_scores_flags_duplicates_and_rules(bad_db: Path) -> None:
    found = {
        (line, column): reason for line, column, _, reason in _quarantine(bad_db, "public_survey")
    }
    assert found[(3, "feel_safe_town_night")] == "above the maximum 5"
    assert found[(7, "feel_safe_town_night")] == "below the minimum 1"
    assert found[(4, "experienced_harassment")] == "not Y or N"
    assert found[(5, "respondent_id")] == "duplicate respondent_id: first at line 2"
    assert "only asked of those who experienced" in found[(8, "reported")]


def test_victim_survey_scores_and_duplicates(bad_db: Path) -> None:
    found = {
        (line, column): reason for line, column, _, reason in _quarantine(bad_db, "victim_survey")
    }
    assert found == {
        (3, "ease_of_contact"): "above the maximum 7",
        (4, "whole_experience"): "below the minimum 1",
        (5, "response_id"): "duplicate response_id: first at line 2",
    }
    assert _loaded(bad_db, "victim_survey", "response_id") == ["V01", "V05"]


def test_nothing_is_dropped_silently(bad_db: Path) -> None:
    con = duckdb.connect(str(bad_db), read_only=True)
    try:
        for read, loaded, quarantined in con.execute(
            "SELECT read, loaded, quarantined FROM loads"
        ).fetchall():
            assert read == loaded + quarantined
    finally:
        con.close()


def test_unknown_district_is_quarantined(bad_db: Path) -> None:
    found = {
        (line, column): reason for line, column, _, reason in _quarantine(bad_db, "public_survey")
    }
    assert (6, "district") in found
    assert "P05" not in _loaded(bad_db, "public_survey", "respondent_id")


def test_the_report_lists_what_was_quarantined(bad_db: Path) -> None:
    result = survey_analysis(connect(bad_db), Settings(), rake=False)
    q = {(r["table"], r["reason"]): r["records"] for r in result.quarantine.to_dicts()}
    assert q[("public_survey", "duplicate respondent_id")] == 1
    assert q[("victim_survey", "above the maximum 7")] == 1
    assert sum(q.values()) >= 8
