"""The VAWG scope on a hand-made extract where each crime exercises one rule (see the README).

Expected values are worked out by hand from tests/data/scope/README.md.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import ibis
import pytest

from vawg.config import Settings
from vawg.query import Tables, connect, crimes_per_month
from vawg.scope import default_period, held, vawg_scope
from vawg.store import load_paths

DATA = Path(__file__).parent / "data" / "scope"
PERIOD = Settings(period_start=date(2020, 4, 1), period_end=date(2021, 3, 31))


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Tables:
    db = tmp_path_factory.mktemp("scope") / "scope.duckdb"
    result = load_paths([DATA], db)
    assert result.quarantined == 0
    return connect(db)


def _refs(expr: ibis.Table) -> list[str]:
    return sorted(expr.select("crime_ref").distinct().to_polars()["crime_ref"].to_list())


def test_in_scope_crimes(tables: Tables) -> None:
    scope = vawg_scope(tables, PERIOD)
    assert _refs(scope.crimes) == ["S01", "S03", "S09", "S11", "S12", "S13"]


def test_each_rule_charged_in_order(tables: Tables) -> None:
    scope = vawg_scope(tables, PERIOD)
    excluded = dict(zip(scope.exclusions["rule"], scope.exclusions["crimes_excluded"], strict=True))
    # 13 crimes: S02, S04 out of period; S05 no female victim; S06 no male perpetrator;
    # S07 (17) and S08 (no DOB) no adult perpetrator; S10 'other' without DA.
    assert excluded == {
        "recorded_outside_period": 2,
        "no_victim_of_scope_sex": 1,
        "no_perpetrator_of_scope_sex": 1,
        "perpetrator_under_age_or_no_date_of_birth": 2,
        "not_vawg_offence": 1,
    }
    assert scope.exclusions["crimes_remaining"].to_list() == [11, 10, 9, 7, 6]
    assert scope.no_date_of_birth_crimes == 1  # S08
    # The count is a field, not part of the text: public reports print descriptions as they are.
    assert scope.exclusions["description"][3] == (
        "no such perpetrator known to be aged 18+ (one with no date of birth is not counted as 18+)"
    )


def test_offenders_and_victims(tables: Tables) -> None:
    scope = vawg_scope(tables, PERIOD)
    offenders = scope.offenders.to_polars().sort("crime_ref", "person_id")
    # M16 in S13 is under 18 and is not an offender; M18 turns 18 on the day of S09.
    assert offenders.select("crime_ref", "person_id", "age").rows() == [
        ("S01", "M30", 30),
        ("S03", "M30", 31),
        ("S09", "M18", 18),
        ("S11", "M30", 30),
        ("S12", "M25", 25),
        ("S13", "M45", 45),
    ]
    victims = scope.victims.to_polars().sort("crime_ref")
    # The male victim MVIC in S12 is not a victim of the scope's sex.
    assert victims.select("crime_ref", "person_id").rows() == [
        ("S01", "F1"),
        ("S03", "F2"),
        ("S09", "F2"),
        ("S11", "F1"),
        ("S12", "F2"),
        ("S13", "F1"),
    ]


def _temporary(tables: Tables) -> set[str]:
    con = tables.backend.con  # type: ignore[attr-defined]
    return {
        row[0]
        for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()
    }


def test_a_held_scope_reads_temporary_tables_and_drops_them(tables: Tables) -> None:
    before = _temporary(tables)
    with held(tables, vawg_scope(tables, PERIOD)) as scope:
        made = _temporary(tables) - before
        # The hand-worked rows above, now read from three temporary tables.
        assert len(made) == 3
        for part in (scope.crimes, scope.offenders, scope.victims):
            [name] = part.op().find(ibis.expr.operations.DatabaseTable)
            assert name.name in made  # one table each, no join left to derive
        assert _refs(scope.crimes) == ["S01", "S03", "S09", "S11", "S12", "S13"]
        offenders = scope.offenders.to_polars().sort("crime_ref", "person_id")
        assert offenders.select("person_id", "age").rows() == [
            ("M30", 30),
            ("M30", 31),
            ("M18", 18),
            ("M30", 30),
            ("M25", 25),
            ("M45", 45),
        ]
        assert _refs(scope.victims) == _refs(scope.crimes)
    assert _temporary(tables) == before


def test_settings_change_the_scope(tables: Tables) -> None:
    # Lowering the age to 16 brings in S07 (aged 17); S08 still has no date of birth.
    younger = vawg_scope(tables, PERIOD.replace(offender_min_age=16))
    assert _refs(younger.crimes) == ["S01", "S03", "S07", "S09", "S11", "S12", "S13"]
    # Without the DA rule, S11 ('other', DA) drops out.
    no_da = vawg_scope(tables, PERIOD.replace(include_domestic_abuse=False))
    assert "S11" not in _refs(no_da.crimes)


def test_default_period_is_last_complete_financial_years(tables: Tables) -> None:
    # The latest recorded_date is 2021-04-01, so the last complete year ends 2021-03-31.
    assert default_period(tables, Settings()) == (date(2016, 4, 1), date(2021, 3, 31))
    assert default_period(tables, Settings(period_years=1)) == (date(2020, 4, 1), date(2021, 3, 31))


def test_crimes_per_month(tables: Tables) -> None:
    per_month = crimes_per_month(tables).to_polars()
    counts = dict(zip(per_month["month"], per_month["crimes"], strict=True))
    assert counts[date(2020, 9, 1)] == 3  # S07, S08, S09
    assert sum(counts.values()) == 13


def test_the_same_expressions_compile_for_spark(tables: Tables) -> None:
    scope = vawg_scope(tables, PERIOD)
    for expr in (scope.crimes, scope.offenders, scope.victims, crimes_per_month(tables)):
        sql = ibis.to_sql(expr, dialect="pyspark")
        assert "SELECT" in sql and "`crimes`" in sql
