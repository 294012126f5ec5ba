"""Public output: every count through the disclosure rule, nothing about a person.

The hand-built extract is tiny, so its public version must hide most of it: a good test that
no count from 1 to 4 slips through anywhere (JSON, HTML tables, CSV), that figures computed
from hidden counts are hidden too, and that no hidden cell of the place tables can be worked
out from the published totals.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from vawg.config import Settings
from vawg.profile import ProfileResult
from vawg.profile.public import disclose
from vawg.report.page import PLOTLY_JS
from vawg.report.profile import profile_csv_rows, profile_html, profile_json, write_profile

THRESHOLD = 5
COUNT_KEYS = {
    "crimes",
    "home",
    "public",
    "unknown",
    "offenders",
    "victims",
    "perpetrators",
    "crimes_excluded",
    "count",
    "denominator",
    "crimes_in_scope",
    "distinct_offenders",
    "distinct_victims",
    "home_crimes",
    "public_crimes",
    "unknown_location_crimes",
    "repeat_victims",
    "repeat_offenders",
    "no_date_of_birth_crimes",
    "offenders_with_several_victims",
    "victims_with_several_offenders",
    "perpetrators_scored",
    "crimes_weighted_by_code",
    "crimes_weighted_by_group",
}


def _counts(node: Any, path: str = "") -> list[tuple[str, float]]:
    """Every (path, value) under a count key in the JSON document."""
    out: list[tuple[str, float]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}"
            if key in COUNT_KEYS and isinstance(value, int | float) and not isinstance(value, bool):
                out.append((here, value))
            out += _counts(value, here)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _counts(value, f"{path}[{i}]")
    return out


@pytest.fixture(scope="module")
def public(hand_result: ProfileResult) -> ProfileResult:
    return disclose(hand_result, Settings(disclosure_threshold=THRESHOLD))


def test_no_count_below_the_threshold_in_the_json(public: ProfileResult) -> None:
    data = json.loads(profile_json(public))
    counts = _counts(data)
    assert len(counts) > 100  # the walker really sees the tables
    small = [(p, v) for p, v in counts if 0 < v < THRESHOLD]
    assert not small, small[:10]
    assert data["params"]["public"] is True
    assert data["rfgv"]["priority_perpetrators"] is None


def test_the_walker_catches_small_counts_in_the_restricted_json(hand_result: ProfileResult) -> None:
    small = [(p, v) for p, v in _counts(hand_result.to_dict()) if 0 < v < THRESHOLD]
    assert small  # the hand extract is full of them: the public test above can fail


def test_no_person_identifier_anywhere(public: ProfileResult, tmp_path: Path) -> None:
    ids = re.compile(r"\b[PV]\d\d\b")
    written = [p for p in write_profile(public, tmp_path) if p.name != PLOTLY_JS]
    assert {p.suffix for p in written} == {".html", ".json", ".csv"}
    for path in written:
        assert not ids.search(path.read_text(encoding="utf-8")), path


def test_restricted_output_lists_people(hand_result: ProfileResult) -> None:
    html = profile_html(hand_result)
    assert "OFFICIAL-SENSITIVE" in html and "P01" in html


def test_figures_from_hidden_counts_are_hidden(public: ProfileResult) -> None:
    for frame in (public.place.by_district, public.place.by_offence_group):
        for row in frame.iter_rows(named=True):
            if row["home"] is None or row["public"] is None:
                assert row["ratio"] is None and row["ci_low"] is None, row
    for row in public.volume.by_district.iter_rows(named=True):
        if row["crimes"] is None:
            assert row["rate_per_1000_per_year"] is None
    for row in public.harm.concentration.iter_rows(named=True):
        if row["perpetrators"] is None or row["perpetrators"] < THRESHOLD:
            assert row["harm_share"] is None  # a group of fewer than 5 people
    assert public.harm.lorenz.height == 0 or public.harm.lorenz.height - 1 <= 19 // THRESHOLD


def test_same_count_is_hidden_the_same_way_everywhere(public: ProfileResult) -> None:
    v, p = public.volume, public.place
    assert dict(v.by_district.select("district", "crimes").iter_rows()) == dict(
        p.by_district.select("district", "crimes").iter_rows()
    )
    assert dict(v.by_offence_group.select("offence_group", "crimes").iter_rows()) == dict(
        p.by_offence_group.select("offence_group", "crimes").iter_rows()
    )


def test_hidden_place_cells_cannot_be_worked_out(
    public: ProfileResult, hand_result: ProfileResult
) -> None:
    # The attacker knows the published cells of district x place (with row totals), the place
    # totals and the in-scope total; every relation is "parts - total = 0". A hidden cell is
    # given away when its unit vector lies in the row space of the relations over hidden cells.
    pub, true = public.place.by_district, hand_result.place.by_district
    names = [(d, c) for d in true["district"] for c in ("home", "public", "unknown", "crimes")]
    names += [("all", c) for c in ("home", "public", "unknown", "crimes")]
    value = {(d, c): true.filter(true["district"] == d)[c][0] for d, c in names if d != "all"}
    shown = {(d, c): pub.filter(pub["district"] == d)[c][0] for d, c in names if d != "all"}
    totals = {
        "home": public.place.home_crimes,
        "public": public.place.public_crimes,
        "unknown": public.place.unknown_location_crimes,
        "crimes": public.crimes_in_scope,
    }
    for c, t in totals.items():
        value[("all", c)] = int(true[c].sum())
        shown[("all", c)] = t
    hidden = [n for n in names if shown[n] is None]
    col = {n: j for j, n in enumerate(hidden)}
    rows = []
    districts = [*list(true["district"]), "all"]
    for d in districts:
        rows.append({(d, "home"): 1, (d, "public"): 1, (d, "unknown"): 1, (d, "crimes"): -1})
    for c in ("home", "public", "unknown", "crimes"):
        rel = {(d, c): 1 for d in true["district"]}
        rel[("all", c)] = -1
        rows.append(rel)
    a = np.array([[rel.get(n, 0) for n in hidden] for rel in rows], dtype=float)
    assert hidden, "the tiny extract must have hidden cells"
    rank = np.linalg.matrix_rank(a)
    for n, j in col.items():
        unit = np.zeros(len(hidden))
        unit[j] = 1
        assert np.linalg.matrix_rank(np.vstack([a, unit])) > rank, f"{n} = {value[n]} is exposed"


def test_csv_rows_hold_no_small_counts(public: ProfileResult) -> None:
    for table, _row, column, value in profile_csv_rows(public):
        if column in COUNT_KEYS and isinstance(value, int | float):
            assert not 0 < value < THRESHOLD, (table, column, value)


def test_crimes_weighted_by_code_and_group_are_protected_together(
    hand_result: ProfileResult, public: ProfileResult
) -> None:
    # By hand: 2 crimes weighted by code (C04, C08), 28 by group. The 2 is small, and with the
    # crimes in scope published the 28 would give it back: both withheld, neither shown as 0.
    assert (
        hand_result.harm.crimes_weighted_by_code,
        hand_result.harm.crimes_weighted_by_group,
    ) == (
        2,
        28,
    )
    assert public.harm.crimes_weighted_by_code is None
    assert public.harm.crimes_weighted_by_group is None
