"""truth.json equals the headline values recomputed here from the CSV files with DuckDB SQL.

The SQL (in conftest.py and below) is written from the scope rule in the brief, not from
``vawg.synth.truth`` (polars), so the two are independent computations of the same thing.
"""

from __future__ import annotations

import math

import duckdb

from vawg.synth import SynthResult


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = con.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_scope_counts_match_truth(small: SynthResult, con_small: duckdb.DuckDBPyConnection) -> None:
    h = small.truth["headline"]
    con = con_small
    assert _one(con, "SELECT count(*) FROM in_scope") == h["crimes_in_scope"]
    assert _one(con, "SELECT count(*) FROM crimes") == h["crimes_in_extract"]
    offenders = """SELECT person_id, count(DISTINCT crime_ref) AS n FROM flagged
                   WHERE m_adult AND crime_ref IN (SELECT crime_ref FROM in_scope) GROUP BY 1"""
    victims = """SELECT person_id, count(DISTINCT crime_ref) AS n FROM flagged
                 WHERE f_victim AND crime_ref IN (SELECT crime_ref FROM in_scope) GROUP BY 1"""
    assert _one(con, f"SELECT count(*) FROM ({offenders})") == h["distinct_offenders"]
    assert _one(con, f"SELECT count(*) FROM ({victims})") == h["distinct_victims"]
    assert _one(con, f"SELECT count(*) FROM ({offenders}) WHERE n >= 2") == h["repeat_offenders"]
    assert _one(con, f"SELECT count(*) FROM ({victims}) WHERE n >= 2") == h["repeat_victims"]
    loc = "SELECT count(*) FROM in_scope WHERE location_type "
    assert _one(con, loc + "= 'dwelling'") == h["home_crimes"]
    assert _one(con, loc + "NOT IN ('dwelling', 'unknown')") == h["public_crimes"]
    assert _one(con, loc + "= 'unknown'") == h["unknown_location_crimes"]


def test_groups_years_and_outcomes_match_truth(
    small: SynthResult, con_small: duckdb.DuckDBPyConnection
) -> None:
    h = small.truth["headline"]
    groups = dict(
        con_small.execute("SELECT offence_group, count(*) FROM in_scope GROUP BY 1").fetchall()
    )
    assert groups == h["crimes_by_offence_group"]
    rows = con_small.execute(
        """SELECT year(d) - CASE WHEN month(d) < 4 THEN 1 ELSE 0 END AS fy, offence_group, count(*)
           FROM (SELECT CAST(recorded_date AS DATE) AS d, offence_group FROM in_scope) GROUP BY 1, 2"""
    ).fetchall()
    by_fy: dict[str, dict[str, int]] = {}
    for fy, group, n in rows:
        by_fy.setdefault(f"{fy}/{(fy + 1) % 100:02d}", {})[group] = n
    assert by_fy == h["crimes_by_financial_year_and_group"]
    assert set(by_fy) == {"2017/18", "2018/19", "2019/20", "2020/21", "2021/22"}
    total = h["crimes_in_scope"]
    shares = {
        k: round(n / total, 6)
        for k, n in con_small.execute(
            "SELECT coalesce(outcome_code, 'under_investigation'), count(*) FROM in_scope GROUP BY 1"
        ).fetchall()
    }
    assert shares == h["outcome_shares"]


def test_exclusions_match_truth(small: SynthResult, con_small: duckdb.DuckDBPyConnection) -> None:
    excluded = small.truth["headline"]["excluded_by_rule"]
    conditions = [
        ("recorded_before_start", "before_start"),
        ("recorded_after_end", "after_end"),
        ("no_female_victim", "NOT has_f_victim"),
        ("no_male_suspect_18_plus", "NOT has_m_adult"),
        ("other_offence_not_domestic_abuse", "NOT offence_ok"),
    ]
    kept = "true"
    for name, bad in conditions:
        assert (
            _one(con_small, f"SELECT count(*) FROM crime_flags WHERE ({kept}) AND {bad}")
            == (excluded[name])
        ), name
        kept += f" AND NOT ({bad})"
    assert all(excluded[name] > 0 for name, _ in conditions), excluded
    in_scope = _one(con_small, f"SELECT count(*) FROM crime_flags WHERE {kept}")
    assert in_scope == small.truth["headline"]["crimes_in_scope"]


# The planted harm per crime (CCHI 2026 subgroup medians), typed from harm-and-outcomes.md 1a.
PLANTED_HARM = {
    "rape": 2555.0,
    "other_sexual": 182.25,
    "violence_with_injury": 365.0,
    "violence_without_injury": 10.0,
    "stalking": 10.0,
    "harassment": 10.0,
    "coercive_control": 10.0,
    "drink_spiking": 365.0,
    "other": 2.0,
}


def test_harm_shares_match_truth(small: SynthResult, con_small: duckdb.DuckDBPyConnection) -> None:
    h = small.truth["headline"]
    assert small.truth["planted"]["harm"]["days_by_offence_group"] == PLANTED_HARM
    values = ", ".join(f"('{g}', {w})" for g, w in PLANTED_HARM.items())
    harms = [
        float(r[0])
        for r in con_small.execute(
            f"""
            WITH planted(offence_group, days) AS (VALUES {values}),
            w AS (SELECT s.crime_ref, p.days AS harm FROM in_scope s JOIN planted p USING
                  (offence_group))
            SELECT sum(w.harm) AS harm
            FROM (SELECT DISTINCT crime_ref, person_id FROM flagged WHERE m_adult) f
            JOIN w USING (crime_ref)
            GROUP BY f.person_id ORDER BY harm DESC
            """
        ).fetchall()
    ]
    assert len(harms) == h["distinct_offenders"]
    total = sum(harms)
    assert math.isclose(total, h["harm_total_days"], rel_tol=1e-12)
    for p in (1, 5, 10, 20):
        k = p / 100 * len(harms)  # pro rata: 10% of 19 people = the top 1.9
        whole = math.floor(k)
        head = sum(harms[:whole]) + (k - whole) * harms[whole]
        assert round(head / total, 6) == h[f"harm_share_top_{p}pct"], p
    assert h["harm_share_top_1pct"] < h["harm_share_top_5pct"] < h["harm_share_top_10pct"]


def test_truth_records_the_planted_parameters(small: SynthResult) -> None:
    t = small.truth
    assert t["seed"] == 0 and t["scale"] == 0.05 and t["synthetic"] is True
    assert t["period"] == {"start": "2017-04-01", "end": "2022-03-31"}
    planted = t["planted"]
    assert planted["daily"]["tmax_per_degree"] == 1.01
    assert planted["birthday"]["offender_birthday"] == 1.6
    assert planted["area"]["home"]["imd_decile_step"] < 1 < planted["area"]["public"]["pubs"]
    combined = planted["area"]["combined_pseudo_true"]
    assert 0.9 < combined["imd_decile_step"] < 0.96 and combined["town_centre"] > 1.3
    assert "victim_survey" in t["surveys"] and "public_survey" in t["surveys"]
