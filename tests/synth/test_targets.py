"""Headline volumes at scale 0.5, multiplied by 2, land on the Kent figures the PCC published.

Targets for 2017-04-01..2022-03-31 (default scope): about 49,000 distinct male offenders aged
18+ and 56,000 distinct female victims (within 3%), four times as many crimes at home as in
public (4 +/- 0.3), and an offence mix of about 75% violence without injury + stalking +
harassment + coercive control, 9% rape + other sexual, 17% violence with injury. Also: the
noise the scope must exclude is really there, and every file has exactly the contract columns.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from vawg.synth import SynthResult

MEDIUM_SCALE = 0.5

CONTRACT_COLUMNS = {
    "crimes": ["crime_ref", "recorded_date", "committed_from", "committed_to", "offence_code",
               "offence_group", "domestic_abuse", "location_type", "lsoa_code", "easting",
               "northing", "outcome_code", "outcome_date"],
    "people": ["person_id", "sex", "date_of_birth"],
    "involvements": ["crime_ref", "person_id", "role", "relationship"],
    "cjs_events": ["crime_ref", "stage", "date", "result"],
    "areas": ["lsoa_code", "district", "population", "imd_score", "imd_decile", "pubs",
              "town_centre", "easting", "northing", "force", "town_centre_name"],
    "interventions": ["intervention_id", "name", "type", "lsoa_codes", "easting", "northing",
                      "radius_m", "start_date", "end_date", "cost", "funder"],
    "programme_participants": ["person_id", "programme", "referral_date", "start_date",
                               "completed", "end_date"],
    "weather": ["date", "tmax_c", "tmean_c", "rain_mm"],
    "public_survey": ["respondent_id", "district", "age_band", "sex", "feel_safe_town_day",
                      "feel_safe_town_night", "experienced_harassment", "reported",
                      "reason_not_reported"],
    "victim_survey": ["response_id", "crime_ref", "district", "survey_date", "ease_of_contact",
                      "actions_taken", "kept_informed", "treatment", "whole_experience"],
}  # fmt: skip


def test_distinct_people_within_3_percent(medium: SynthResult) -> None:
    h = medium.truth["headline"]
    offenders = h["distinct_offenders"] / MEDIUM_SCALE
    victims = h["distinct_victims"] / MEDIUM_SCALE
    assert offenders == pytest.approx(49_000, rel=0.03)
    assert victims == pytest.approx(56_000, rel=0.03)


def test_home_is_four_times_public(medium: SynthResult) -> None:
    h = medium.truth["headline"]
    assert h["home_crimes"] / h["public_crimes"] == pytest.approx(4.0, abs=0.3)
    assert 0 < h["unknown_location_crimes"] < 0.05 * h["crimes_in_scope"]


def test_offence_mix(medium: SynthResult) -> None:
    h = medium.truth["headline"]
    g, n = h["crimes_by_offence_group"], h["crimes_in_scope"]
    low_level = sum(
        g[k] for k in ("violence_without_injury", "stalking", "harassment", "coercive_control")
    )
    assert low_level / n == pytest.approx(0.75, abs=0.03)
    assert (g["rape"] + g["other_sexual"]) / n == pytest.approx(0.09, abs=0.015)
    assert g["violence_with_injury"] / n == pytest.approx(0.17, abs=0.015)


def test_harm_concentration_and_careers(medium: SynthResult) -> None:
    h = medium.truth["headline"]
    assert h["harm_share_top_10pct"] == pytest.approx(0.63, abs=0.02)
    # Most perpetrators appear once; a few are prolific.
    assert h["repeat_offenders"] / h["distinct_offenders"] < 0.5
    assert h["harm_share_top_1pct"] > 0.08


def test_noise_for_the_scope_to_exclude(con_medium: duckdb.DuckDBPyConnection) -> None:
    def count(sql: str) -> int:
        row = con_medium.execute(sql).fetchone()
        assert row is not None
        return int(row[0])

    assert count("SELECT count(*) FROM flagged WHERE role = 'victim' AND sex = 'M'") > 0
    assert count("SELECT count(*) FROM flagged WHERE role <> 'victim' AND sex = 'F'") > 0
    assert (
        count(
            """SELECT count(*) FROM flagged WHERE role <> 'victim' AND sex = 'M'
           AND date_diff('year', dob, cdate) < 17"""
        )
        > 0
    )
    no_dob = count("SELECT avg((date_of_birth IS NULL)::INT) * 1000 FROM people")
    assert 25 <= no_dob <= 35  # about 3% of people
    assert (
        count("SELECT count(*) FROM crimes WHERE offence_group = 'other' AND domestic_abuse = 'N'")
        > 0
    )
    assert count("SELECT count(*) FROM crime_flags WHERE before_start") > 0
    assert count("SELECT count(*) FROM crime_flags WHERE after_end") > 0
    assert count("SELECT count(*) FROM crimes WHERE location_type = 'unknown'") > 0
    assert (
        count(
            "SELECT count(*) FROM flagged WHERE role = 'victim' AND sex = 'F' AND date_diff('year', dob, cdate) < 16"
        )
        > 0
    )


def test_contract_columns_and_formats(small: SynthResult) -> None:
    for name, columns in CONTRACT_COLUMNS.items():
        path: Path = small.files[name]
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows[0] == columns, name
        assert all(len(r) == len(columns) for r in rows[1:]), name
    with small.files["crimes"].open(encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    assert first["crime_ref"].startswith("KT") and first["crime_ref"][2:].isdigit()
    assert len(first["recorded_date"]) == 10 and len(first["committed_from"]) == 16
    assert first["domestic_abuse"] in ("Y", "N")


def test_public_survey_size_does_not_scale(small: SynthResult, medium: SynthResult) -> None:
    assert small.row_counts["public_survey"] == medium.row_counts["public_survey"] == 8_200
    assert small.row_counts["victim_survey"] == 200  # the minimum
    assert medium.row_counts["victim_survey"] == 750
