"""The outcome framework as data, checked against shared/spec/harm-and-outcomes.md §3, and the
police.uk breakdown checked against a direct count of the real Kent files."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from vawg.outcomes.framework import (
    BULLETIN_GROUPS,
    HEADLINE_GROUPS,
    NAMED_SUSPECT_TYPES,
    OUTCOME_TYPES,
    POLICE_UK_CATEGORIES,
    framework_table,
    headline_group,
    police_uk_group,
    police_uk_table,
)
from vawg.outcomes.police_uk import VIOLENCE_AND_SEXUAL, police_uk_outcomes
from vawg.query import connect
from vawg.store import load_paths

KENT = Path(__file__).resolve().parents[3] / "shared" / "data" / "raw" / "police-uk-kent-street"


def test_every_outcome_type_once() -> None:
    assert [t.code for t in OUTCOME_TYPES] == list(range(23))
    assert all(t.bulletin_group in BULLETIN_GROUPS for t in OUTCOME_TYPES)
    assert {t.headline_group for t in OUTCOME_TYPES} == set(HEADLINE_GROUPS)


@pytest.mark.parametrize(
    ("codes", "group"),
    [
        ((1,), "charged"),
        ((2, 3, 6, 7, 8), "out_of_court"),
        ((14, 16), "victim_does_not_support"),
        ((15,), "evidential_difficulties_victim_supports"),
        ((5, 9, 10, 11, 12, 13, 17, 21), "prevented_or_not_in_public_interest"),
        ((18,), "no_suspect_identified"),
        ((4, 19, 20, 22), "other"),
        ((0, None), "open"),
    ],
)
def test_headline_groups_as_the_issue_defines_them(
    codes: tuple[int | None, ...], group: str
) -> None:
    assert {headline_group(c) for c in codes} == {group}


def test_verification_marks_follow_the_spec() -> None:
    by_code = {t.code: t for t in OUTCOME_TYPES}
    # §3a: only the wording of 21 and 22 was confirmed word for word.
    assert {c for c, t in by_code.items() if t.name_verified} == {21, 22}
    # §3a: memberships with a tick; 1A/5/9-14/17/19 are unverified.
    assert {c for c, t in by_code.items() if not t.group_verified} == {
        5,
        9,
        10,
        11,
        12,
        13,
        14,
        17,
        19,
    }
    table = framework_table()
    assert set(table["group_status"]) == {"verified", "unverified"}


def test_named_suspect_types() -> None:
    assert 14 not in NAMED_SUSPECT_TYPES and 18 not in NAMED_SUSPECT_TYPES
    assert 20 not in NAMED_SUSPECT_TYPES and 19 not in NAMED_SUSPECT_TYPES
    assert {1, 15, 16, 21, 22} <= set(NAMED_SUSPECT_TYPES)


def test_outcome_code_outside_the_framework_is_refused() -> None:
    with pytest.raises(ValueError, match="not a Home Office outcome type"):
        headline_group(23)


def test_police_uk_mapping_is_all_unverified_and_says_where_coarse() -> None:
    table = police_uk_table()
    assert set(table["status"]) == {"unverified"}
    assert police_uk_group("Unable to prosecute suspect").precision == "coarse"
    assert police_uk_group("Unable to prosecute suspect").group == "evidential_difficulties_unsplit"
    assert (
        police_uk_group("Investigation complete; no suspect identified").group
        == "no_suspect_identified"
    )
    assert police_uk_group("Offender sent to prison").group == "charged"
    assert police_uk_group("Under investigation").group == "open"
    assert police_uk_group("").group == "unknown"
    assert police_uk_group("Something new").group == "unmapped"
    assert len({c.category for c in POLICE_UK_CATEGORIES}) == len(POLICE_UK_CATEGORIES)


@pytest.mark.skipif(not KENT.exists(), reason="shared/data/raw/police-uk-kent-street not present")
def test_kent_violence_and_sexual_breakdown_equals_a_direct_count(tmp_path: Path) -> None:
    files = sorted(KENT.glob("*-kent-street.csv"))
    direct: Counter[str] = Counter()
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["Crime type"] == VIOLENCE_AND_SEXUAL:
                    direct[row["Last outcome category"]] += 1
    db = tmp_path / "kent.duckdb"
    load = load_paths(files, db)
    assert load.quarantined == 0
    result = police_uk_outcomes(connect(db))
    counted = dict(
        zip(result.table["category"].to_list(), result.table["count"].to_list(), strict=True)
    )
    assert counted == dict(direct)
    assert sum(direct.values()) == 22_353  # PROVENANCE.md
    assert result.months == ("2018-10", "2019-01")
    groups = dict(
        zip(result.groups["group"].to_list(), result.groups["count"].to_list(), strict=True)
    )
    assert groups["evidential_difficulties_unsplit"] == direct["Unable to prosecute suspect"]
    assert groups["unknown"] == direct["Status update unavailable"] + direct.get("", 0)
    assert sum(groups.values()) == sum(direct.values())
    assert result.groups.filter(result.groups["group"] == "charged")["precision"][0] == "close"
