"""One hand-made file per rule of the data contract, each with its exact quarantine records.

Every fixture is in ``tests/data/ingest/<folder>/`` (the README there lists which rule each
exercises). Expected records are ``(file, line, column, value, reason)``: the line counts the
header as line 1; ``value`` is the text as written in the file (``None`` when the cell is
empty); ``reason`` is the contract's wording. Every count and record below was worked out by
reading the fixture, not by running the loader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from vawg.store import load_paths

from .conftest import DATA, rows

OFFENCE_GROUPS = (
    "not one of: violence_with_injury, violence_without_injury, stalking, harassment, "
    "coercive_control, rape, other_sexual, drink_spiking, other"
)
LOCATION_TYPES = (
    "not one of: dwelling, street, licensed_premises, transport, open_space, commercial, "
    "education, other, unknown"
)
LSOA_FORM = "not in the form `E01` (England) or `W01` (Wales) + 6 digits (2011 or 2021 LSOA)"
NOT_DATE = "not a date (YYYY-MM-DD)"
NOT_DATETIME = "not a date and time (YYYY-MM-DD HH:MM)"
# A near miss (right word, wrong case or spaces; a date not written in full) says what it
# should have been: the contract reads values exactly as written.
EXACT = "; did you mean {}? (values are read exactly as written)"
ROLES = "not one of: victim, suspect, offender"
NO_AREA = "give the area: lsoa_codes, or all three of easting, northing and radius_m"

# valid/people.csv and valid/crimes.csv: 3 rows each, all clean. Involvement cases load them
# in the same run so that crime_ref / person_id references can be checked.
BASE = ("valid/people.csv", "valid/crimes.csv")


@dataclass(frozen=True)
class Case:
    """One fixture: the files to load, each file's (read, loaded, quarantined), the records."""

    files: tuple[str, ...]
    counts: dict[str, tuple[int, int, int]]
    records: tuple[tuple[str, int, str, str | None, str], ...]  # file, line, column, value, reason


CASES: dict[str, Case] = {
    # Line 3 `2020-02-30` (no 30 February) and line 4 `05/01/2020` (day-first) are not dates.
    # Line 2 is fine. The rule on committed_from vs recorded_date is skipped for unparsed dates.
    "bad_date": Case(
        ("bad_date/crimes.csv",),
        {"bad_date/crimes.csv": (3, 1, 2)},
        (
            ("bad_date/crimes.csv", 3, "recorded_date", "2020-02-30", NOT_DATE),
            ("bad_date/crimes.csv", 4, "recorded_date", "05/01/2020", NOT_DATE),
        ),
    ),
    # Line 2 has seconds (allowed). Line 3 is a date with no time, line 4 hour 25, line 5 a word
    # in committed_to.
    "bad_datetime": Case(
        ("bad_datetime/crimes.csv",),
        {"bad_datetime/crimes.csv": (4, 1, 3)},
        (
            ("bad_datetime/crimes.csv", 3, "committed_from", "2020-01-04", NOT_DATETIME),
            ("bad_datetime/crimes.csv", 4, "committed_from", "2020-01-04 25:00", NOT_DATETIME),
            ("bad_datetime/crimes.csv", 5, "committed_to", "yesterday", NOT_DATETIME),
        ),
    ),
    # `robbery` is no offence group; `Stalking` is the right word with the wrong case.
    "unknown_offence_group": Case(
        ("unknown_offence_group/crimes.csv",),
        {"unknown_offence_group/crimes.csv": (3, 1, 2)},
        (
            ("unknown_offence_group/crimes.csv", 3, "offence_group", "robbery", OFFENCE_GROUPS),
            (
                "unknown_offence_group/crimes.csv",
                4,
                "offence_group",
                "Stalking",
                OFFENCE_GROUPS + EXACT.format("stalking"),
            ),
        ),
    ),
    # `home` is what people say; the contract says `dwelling`. Line 2 uses `unknown` (valid).
    "unknown_location_type": Case(
        ("unknown_location_type/crimes.csv",),
        {"unknown_location_type/crimes.csv": (2, 1, 1)},
        (("unknown_location_type/crimes.csv", 3, "location_type", "home", LOCATION_TYPES),),
    ),
    "unknown_role": Case(
        (*BASE, "unknown_role/involvements.csv"),
        {"unknown_role/involvements.csv": (2, 1, 1)},
        (
            (
                "unknown_role/involvements.csv",
                3,
                "role",
                "witness",
                "not one of: victim, suspect, offender",
            ),
        ),
    ),
    # `X` is no sex code and `f` is lower case; line 4 also has no date of birth (optional).
    "unknown_sex": Case(
        ("unknown_sex/people.csv",),
        {"unknown_sex/people.csv": (3, 1, 2)},
        (
            ("unknown_sex/people.csv", 3, "sex", "X", "not one of: M, F, U"),
            ("unknown_sex/people.csv", 4, "sex", "f", "not one of: M, F, U" + EXACT.format("F")),
        ),
    ),
    # `Yes`, empty (the flag is required) and lower-case `y`.
    "bad_flag": Case(
        ("bad_flag/crimes.csv",),
        {"bad_flag/crimes.csv": (4, 1, 3)},
        (
            ("bad_flag/crimes.csv", 3, "domestic_abuse", "Yes", "not Y or N"),
            ("bad_flag/crimes.csv", 4, "domestic_abuse", None, "required value missing"),
            ("bad_flag/crimes.csv", 5, "domestic_abuse", "y", "not Y or N" + EXACT.format("Y")),
        ),
    ),
    # C99 is not among valid/crimes.csv's C1..C3.
    "orphan_crime_ref": Case(
        (*BASE, "orphan_crime_ref/involvements.csv"),
        {"orphan_crime_ref/involvements.csv": (2, 1, 1)},
        (
            (
                "orphan_crime_ref/involvements.csv",
                3,
                "crime_ref",
                "C99",
                "crime_ref not found in crimes",
            ),
        ),
    ),
    # P99 is not among valid/people.csv's P1..P3.
    "orphan_person_id": Case(
        (*BASE, "orphan_person_id/involvements.csv"),
        {"orphan_person_id/involvements.csv": (2, 1, 1)},
        (
            (
                "orphan_person_id/involvements.csv",
                3,
                "person_id",
                "P99",
                "person_id not found in people",
            ),
        ),
    ),
    # C1 at lines 2, 4 and 5: the first is kept, both later ones point back at line 2.
    "duplicate_crime_ref": Case(
        ("duplicate_crime_ref/crimes.csv",),
        {"duplicate_crime_ref/crimes.csv": (4, 2, 2)},
        (
            (
                "duplicate_crime_ref/crimes.csv",
                4,
                "crime_ref",
                "C1",
                "duplicate crime_ref: first at line 2",
            ),
            (
                "duplicate_crime_ref/crimes.csv",
                5,
                "crime_ref",
                "C1",
                "duplicate crime_ref: first at line 2",
            ),
        ),
    ),
    # 2999 is in the future for as long as this test will run.
    "dob_future": Case(
        ("dob_future/people.csv",),
        {"dob_future/people.csv": (2, 1, 1)},
        (("dob_future/people.csv", 3, "date_of_birth", "2999-01-01", "in the future"),),
    ),
    # 1899-12-31 is one day before the earliest allowed; 1900-01-01 (line 4) loads.
    "dob_before_1900": Case(
        ("dob_before_1900/people.csv",),
        {"dob_before_1900/people.csv": (3, 2, 1)},
        (
            (
                "dob_before_1900/people.csv",
                3,
                "date_of_birth",
                "1899-12-31",
                "before 1900-01-01",
            ),
        ),
    ),
    # Both rows have an LSOA, so only the both-or-neither rule fires; it names easting, whose
    # value is empty (None) on line 4.
    "one_coordinate": Case(
        ("one_coordinate/crimes.csv",),
        {"one_coordinate/crimes.csv": (3, 1, 2)},
        (
            (
                "one_coordinate/crimes.csv",
                3,
                "easting",
                "575000",
                "easting and northing must be given both or neither",
            ),
            (
                "one_coordinate/crimes.csv",
                4,
                "easting",
                None,
                "easting and northing must be given both or neither",
            ),
        ),
    ),
    # Line 2 has coordinates and no LSOA (allowed); line 3 has neither.
    "no_location": Case(
        ("no_location/crimes.csv",),
        {"no_location/crimes.csv": (2, 1, 1)},
        (
            (
                "no_location/crimes.csv",
                3,
                "lsoa_code",
                None,
                "lsoa_code is required unless both easting and northing are given",
            ),
        ),
    ),
    # Five digits; a Scottish data zone (not an LSOA: England and Wales only); lower case.
    "lsoa_form": Case(
        ("lsoa_form/crimes.csv",),
        {"lsoa_form/crimes.csv": (4, 1, 3)},
        (
            ("lsoa_form/crimes.csv", 3, "lsoa_code", "E0102400", LSOA_FORM),
            ("lsoa_form/crimes.csv", 4, "lsoa_code", "S01000001", LSOA_FORM),
            ("lsoa_form/crimes.csv", 5, "lsoa_code", "e01024001", LSOA_FORM),
        ),
    ),
    "outcome_without_date": Case(
        ("outcome_without_date/crimes.csv",),
        {"outcome_without_date/crimes.csv": (2, 1, 1)},
        (
            (
                "outcome_without_date/crimes.csv",
                3,
                "outcome_date",
                None,
                "outcome_date is required when outcome_code is given",
            ),
        ),
    ),
    "date_without_outcome": Case(
        ("date_without_outcome/crimes.csv",),
        {"date_without_outcome/crimes.csv": (2, 1, 1)},
        (
            (
                "date_without_outcome/crimes.csv",
                3,
                "outcome_code",
                None,
                "outcome_date is given without an outcome_code",
            ),
        ),
    ),
    # Recorded 2020-02-10: an outcome the same day loads (line 2), the day before does not.
    "outcome_before_recorded": Case(
        ("outcome_before_recorded/crimes.csv",),
        {"outcome_before_recorded/crimes.csv": (2, 1, 1)},
        (
            (
                "outcome_before_recorded/crimes.csv",
                3,
                "outcome_date",
                "2020-02-09",
                "outcome_date is before recorded_date",
            ),
        ),
    ),
    # 22 is the top outcome type (loads); 0 and 23 are outside 1..22.
    "outcome_code_range": Case(
        ("outcome_code_range/crimes.csv",),
        {"outcome_code_range/crimes.csv": (3, 1, 2)},
        (
            ("outcome_code_range/crimes.csv", 3, "outcome_code", "0", "below the minimum 1"),
            ("outcome_code_range/crimes.csv", 4, "outcome_code", "23", "above the maximum 22"),
        ),
    ),
    # `3.0` is a whole number written as a float (loads as 3); `1.5` is not (DuckDB's cast alone
    # would round it to 2); `0x10` is hexadecimal, not a number in the contract's sense.
    "outcome_code_not_whole": Case(
        ("outcome_code_not_whole/crimes.csv",),
        {"outcome_code_not_whole/crimes.csv": (3, 1, 2)},
        (
            ("outcome_code_not_whole/crimes.csv", 3, "outcome_code", "1.5", "not a whole number"),
            ("outcome_code_not_whole/crimes.csv", 4, "outcome_code", "0x10", "not a whole number"),
        ),
    ),
    # Recorded 2020-03-01: committed up to the end of 2020-03-02 is allowed (line 2, 23:59);
    # 2020-03-03 00:00 is after recorded_date + 1 day.
    "committed_after_recorded": Case(
        ("committed_after_recorded/crimes.csv",),
        {"committed_after_recorded/crimes.csv": (2, 1, 1)},
        (
            (
                "committed_after_recorded/crimes.csv",
                3,
                "committed_from",
                "2020-03-03 00:00",
                "committed_from is after recorded_date + 1 day",
            ),
        ),
    ),
    # From 22:00: to 22:00 (equal) loads, to 21:59 does not.
    "committed_to_before_from": Case(
        ("committed_to_before_from/crimes.csv",),
        {"committed_to_before_from/crimes.csv": (2, 1, 1)},
        (
            (
                "committed_to_before_from/crimes.csv",
                3,
                "committed_to",
                "2020-01-04 21:59",
                "committed_to is before committed_from",
            ),
        ),
    ),
    # The header has 13 columns. Line 2 holds a quoted comma (13 fields, fine); line 3 has 3
    # fields; line 4 has 14 (a non-empty `extra` at the end); line 5 is fine. A line that cannot
    # be split is one `(row)` record whose value is the line itself.
    "malformed_line": Case(
        ("malformed_line/crimes.csv",),
        {"malformed_line/crimes.csv": (4, 2, 2)},
        (
            (
                "malformed_line/crimes.csv",
                3,
                "(row)",
                "M2,2020-01-05,2020-01-04 22:00",
                "3 values where the header has 13 columns",
            ),
            (
                "malformed_line/crimes.csv",
                4,
                "(row)",
                "M3,2020-01-05,2020-01-04 22:00,,,stalking,Y,dwelling,E01024001,,,,,extra",
                "14 values where the header has 13 columns",
            ),
        ),
    ),
    # Line 3 has rain only; line 4 (mean only) loads. The rule names tmax_c, empty here.
    "weather_no_temperature": Case(
        ("weather_no_temperature/weather.csv",),
        {"weather_no_temperature/weather.csv": (3, 2, 1)},
        (
            (
                "weather_no_temperature/weather.csv",
                3,
                "tmax_c",
                None,
                "at least one of tmax_c and tmean_c is required",
            ),
        ),
    ),
    # Line 2 sits on both upper bounds (45, 40) and loads; 46 and -30.5 are outside.
    "weather_out_of_range": Case(
        ("weather_out_of_range/weather.csv",),
        {"weather_out_of_range/weather.csv": (3, 1, 2)},
        (
            ("weather_out_of_range/weather.csv", 3, "tmax_c", "46", "above the maximum 45"),
            ("weather_out_of_range/weather.csv", 4, "tmean_c", "-30.5", "below the minimum -30"),
        ),
    ),
    # Line 2 uses both ends of 1..7 and loads.
    "victim_score_range": Case(
        ("victim_score_range/victim_survey.csv",),
        {"victim_score_range/victim_survey.csv": (3, 1, 2)},
        (
            (
                "victim_score_range/victim_survey.csv",
                3,
                "ease_of_contact",
                "0",
                "below the minimum 1",
            ),
            ("victim_score_range/victim_survey.csv", 4, "treatment", "8", "above the maximum 7"),
        ),
    ),
    "public_score_range": Case(
        ("public_score_range/public_survey.csv",),
        {"public_score_range/public_survey.csv": (2, 1, 1)},
        (
            (
                "public_score_range/public_survey.csv",
                3,
                "feel_safe_town_day",
                "6",
                "above the maximum 5",
            ),
        ),
    ),
    "duplicate_respondent": Case(
        ("duplicate_respondent/public_survey.csv",),
        {"duplicate_respondent/public_survey.csv": (3, 2, 1)},
        (
            (
                "duplicate_respondent/public_survey.csv",
                4,
                "respondent_id",
                "R1",
                "duplicate respondent_id: first at line 2",
            ),
        ),
    ),
    "reported_without_harassment": Case(
        ("reported_without_harassment/public_survey.csv",),
        {"reported_without_harassment/public_survey.csv": (2, 1, 1)},
        (
            (
                "reported_without_harassment/public_survey.csv",
                3,
                "reported",
                "Y",
                "reported is only asked of those who experienced harassment or crime",
            ),
        ),
    ),
    "relationship_non_victim": Case(
        (*BASE, "relationship_non_victim/involvements.csv"),
        {"relationship_non_victim/involvements.csv": (2, 1, 1)},
        (
            (
                "relationship_non_victim/involvements.csv",
                3,
                "relationship",
                "partner",
                "relationship is only recorded on victim rows",
            ),
        ),
    ),
    # Line 3 breaks two rules (month 13, flag `maybe`): two records, but one quarantined row, so
    # read 2 = loaded 1 + quarantined 1. Records sort by line, then column.
    "two_problems": Case(
        ("two_problems/crimes.csv",),
        {"two_problems/crimes.csv": (2, 1, 1)},
        (
            ("two_problems/crimes.csv", 3, "domestic_abuse", "maybe", "not Y or N"),
            ("two_problems/crimes.csv", 3, "recorded_date", "2020-13-01", NOT_DATE),
        ),
    ),
    "police_lonlat": Case(
        ("police_lonlat/2019-01-kent-street.csv",),
        {"police_lonlat/2019-01-kent-street.csv": (2, 1, 1)},
        (
            (
                "police_lonlat/2019-01-kent-street.csv",
                3,
                "longitude",
                "0.964269",
                "longitude and latitude must be given both or neither",
            ),
        ),
    ),
    # The contract read exactly as written (issue: `2020-1-5` passed as a date, " victim" as
    # victim). Line 2 loads; line 6's reference " X5 " is text, trimmed, and loads as X5.
    "not_exact": Case(
        ("not_exact/crimes.csv",),
        {"not_exact/crimes.csv": (7, 2, 5)},
        (
            (
                "not_exact/crimes.csv",
                3,
                "recorded_date",
                "2020-1-5",
                NOT_DATE + EXACT.format("2020-01-05"),
            ),
            (
                "not_exact/crimes.csv",
                4,
                "recorded_date",
                " 2020-01-05",
                NOT_DATE + EXACT.format("2020-01-05"),
            ),
            ("not_exact/crimes.csv", 5, "domestic_abuse", " Y", "not Y or N" + EXACT.format("Y")),
            (
                "not_exact/crimes.csv",
                7,
                "committed_from",
                "2020-1-4 22:00",
                NOT_DATETIME + EXACT.format("2020-01-04 22:00"),
            ),
            (
                "not_exact/crimes.csv",
                8,
                "outcome_code",
                " 3",
                "not a whole number" + EXACT.format("3"),
            ),
        ),
    ),
    "not_exact_role": Case(
        (*BASE, "not_exact_role/involvements.csv"),
        {"not_exact_role/involvements.csv": (3, 1, 2)},
        (
            (
                "not_exact_role/involvements.csv",
                3,
                "role",
                " victim",
                ROLES + EXACT.format("victim"),
            ),
            (
                "not_exact_role/involvements.csv",
                4,
                "role",
                "Victim",
                ROLES + EXACT.format("victim"),
            ),
        ),
    ),
    # Line 2 is an anti-social behaviour row with no Crime ID and no location: it loads.
    "police_month": Case(
        ("police_month/2019-01-kent-street.csv",),
        {"police_month/2019-01-kent-street.csv": (2, 1, 1)},
        (
            (
                "police_month/2019-01-kent-street.csv",
                3,
                "month",
                "Jan-2019",
                "not a month (YYYY-MM)",
            ),
        ),
    ),
    # Line 2 lists two LSOAs (a space after the `;` is allowed), line 3 gives a point and
    # radius: both load. Then: no area at all; both kinds of area; a point with no radius; LSOAs
    # separated by commas; an end before the start; SS1 again (first at line 2); an unknown
    # type (line 10 also ends on the day it starts and costs 0, both allowed).
    "intervention_rules": Case(
        ("intervention_rules/interventions.csv",),
        {"intervention_rules/interventions.csv": (9, 2, 7)},
        (
            ("intervention_rules/interventions.csv", 4, "lsoa_codes", None, NO_AREA),
            (
                "intervention_rules/interventions.csv",
                5,
                "lsoa_codes",
                "E01016016",
                "give lsoa_codes or a point and radius, not both",
            ),
            ("intervention_rules/interventions.csv", 6, "lsoa_codes", None, NO_AREA),
            (
                "intervention_rules/interventions.csv",
                7,
                "lsoa_codes",
                "E01016016,E01016017",
                "not in the form LSOA codes (`E01` + 6 digits) separated by `;`",
            ),
            (
                "intervention_rules/interventions.csv",
                8,
                "end_date",
                "2020-12-31",
                "end_date is before start_date",
            ),
            (
                "intervention_rules/interventions.csv",
                9,
                "intervention_id",
                "SS1",
                "duplicate intervention_id: first at line 2",
            ),
            (
                "intervention_rules/interventions.csv",
                10,
                "type",
                "patrols",
                "not one of: cctv, lighting, safe_space, environmental, bystander_training, "
                "outreach, safe_travel, other",
            ),
        ),
    ),
    # Line 2 is a completed participant, line 3 a referral that never started: both load.
    # Then: a start before the referral; an end before the start; an end, and a completion,
    # with no start; a person not in people; `maybe` for completed (line 9 also starts on the
    # day of referral and ends the day it starts, both allowed).
    "programme_rules": Case(
        (*BASE, "programme_rules/programme_participants.csv"),
        {"programme_rules/programme_participants.csv": (8, 2, 6)},
        (
            (
                "programme_rules/programme_participants.csv",
                4,
                "start_date",
                "2020-03-01",
                "start_date is before referral_date",
            ),
            (
                "programme_rules/programme_participants.csv",
                5,
                "end_date",
                "2020-03-08",
                "end_date is before start_date",
            ),
            (
                "programme_rules/programme_participants.csv",
                6,
                "end_date",
                "2020-06-01",
                "end_date is given without a start_date",
            ),
            (
                "programme_rules/programme_participants.csv",
                7,
                "completed",
                "Y",
                "completed is given without a start_date",
            ),
            (
                "programme_rules/programme_participants.csv",
                8,
                "person_id",
                "P99",
                "person_id not found in people",
            ),
            ("programme_rules/programme_participants.csv", 9, "completed", "maybe", "not Y or N"),
        ),
    ),
}


def _absolute(record: tuple[str, int, str, str | None, str]) -> tuple[object, ...]:
    return (str(DATA / record[0]), *record[1:])


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule_gives_exact_quarantine_records(name: str, db: Path) -> None:
    case = CASES[name]
    result = load_paths([DATA / f for f in case.files], db)

    expected = [_absolute(r) for r in case.records]
    # Every record here sits on one physical line: its last line is its line.
    assert [r[1] for r in result.quarantine] == [r[2] for r in result.quarantine]
    assert [(r[0], r[1], *r[3:]) for r in result.quarantine] == expected
    # The database's quarantine table holds the same records.
    stored = rows(db, "SELECT file, line, column_name, value, reason FROM quarantine")
    assert sorted(stored, key=repr) == sorted(expected, key=repr)

    by_file = {f.file: f for f in result.files}
    for file, (read, loaded, quarantined) in case.counts.items():
        load = by_file[str(DATA / file)]
        assert (load.read, load.loaded, load.quarantined) == (read, loaded, quarantined)
        # Quarantined rows, not records: a row with two problems counts once.
        lines = {r[1] for r in case.records if r[0] == file}
        assert load.quarantined == len(lines)
    # Base files (when loaded alongside) are all clean.
    for load in result.files:
        if load.file not in {str(DATA / f) for f in case.counts}:
            assert load.quarantined == 0 and load.read == load.loaded == 3


def test_valid_base_loads_every_row_with_typed_values(db: Path) -> None:
    result = load_paths([DATA / "valid"], db)
    assert [(Path(f.file).name, f.read, f.loaded, f.quarantined) for f in result.files] == [
        ("people.csv", 3, 3, 0),
        ("crimes.csv", 3, 3, 0),
        ("involvements.csv", 4, 4, 0),
    ]
    assert result.quarantine == ()
    got = rows(
        db,
        "SELECT crime_ref, recorded_date::VARCHAR, committed_from::VARCHAR, "
        "committed_to::VARCHAR, domestic_abuse, easting, outcome_code, outcome_date::VARCHAR, "
        "_line FROM crimes ORDER BY crime_ref",
    )
    assert got == [
        (
            "C1",
            "2020-01-05",
            "2020-01-04 22:00:00",
            "2020-01-04 23:30:00",
            True,
            None,
            None,
            None,
            2,
        ),
        ("C2", "2020-02-10", "2020-02-09 01:15:00", None, False, 575000, 1, "2020-03-01", 3),
        ("C3", "2020-03-01", "2020-03-02 09:00:00", None, False, 575100, 15, "2020-03-01", 4),
    ]
    # P3 has no date of birth: an optional value left empty is NULL, not an error.
    assert rows(db, "SELECT person_id, sex, date_of_birth::VARCHAR FROM people ORDER BY 1") == [
        ("P1", "F", "1990-05-17"),
        ("P2", "M", "1985-11-02"),
        ("P3", "U", None),
    ]


def test_a_key_twice_in_one_delivery_keeps_the_first_file(db: Path) -> None:
    # first/crimes.csv holds C1, C2; second/crimes.csv holds C3 then C1 again (line 3). Loaded in
    # one run they are one delivery, which may hold one version of a crime: the second C1 is
    # quarantined. Files of one kind load in path order, so `first` comes before `second`.
    first, second = DATA / "duplicate_across_files/first", DATA / "duplicate_across_files/second"
    result = load_paths([second, first], db)
    assert [(f.file, f.read, f.loaded, f.quarantined) for f in result.files] == [
        (str(first / "crimes.csv"), 2, 2, 0),
        (str(second / "crimes.csv"), 2, 1, 1),
    ]
    assert result.quarantine == (
        (
            str(second / "crimes.csv"),
            3,
            3,
            "crime_ref",
            "C1",
            "duplicate crime_ref: another file of this delivery has it",
        ),
    )
    # The C1 kept is the first file's (recorded 2020-01-05), not the second's (2020-01-08).
    assert rows(db, "SELECT recorded_date::VARCHAR, _file FROM crimes WHERE crime_ref = 'C1'") == [
        ("2020-01-05", str(first / "crimes.csv"))
    ]


def test_a_later_delivery_updates_a_crime_by_its_reference(db: Path) -> None:
    # The same two files loaded one run after the other are two deliveries: the second's C1
    # (recorded 2020-01-08, rape, not domestic abuse, street) updates the first's, C3 is added
    # and C2, not in the second delivery, is kept.
    first, second = DATA / "duplicate_across_files/first", DATA / "duplicate_across_files/second"
    load_paths([first], db)
    [load] = load_paths([second], db).files
    assert (load.read, load.loaded, load.quarantined) == (2, 2, 0)
    assert (load.added, load.updated, load.unchanged_rows, load.withdrawn) == (1, 1, 0, 0)
    assert rows(
        db,
        "SELECT crime_ref, recorded_date::VARCHAR, offence_group, domestic_abuse, "
        "location_type, _delivery FROM crimes ORDER BY 1",
    ) == [
        ("C1", "2020-01-08", "rape", False, "street", 2),
        ("C2", "2020-01-06", "stalking", True, "dwelling", 1),
        ("C3", "2020-01-07", "stalking", True, "dwelling", 2),
    ]
    assert rows(db, "SELECT count(*) FROM quarantine") == [(0,)]


def test_rows_after_a_malformed_line_keep_their_physical_line(db: Path) -> None:
    load_paths([DATA / "malformed_line/crimes.csv"], db)
    # Lines 3 and 4 were quarantined; the good rows sit on lines 2 and 5.
    assert rows(db, "SELECT crime_ref, _line FROM crimes ORDER BY _line") == [
        ("M1, part a", 2),
        ("M4", 5),
    ]


def test_whole_number_written_as_float_loads_as_integer(db: Path) -> None:
    load_paths([DATA / "outcome_code_not_whole/crimes.csv"], db)
    assert rows(db, "SELECT crime_ref, outcome_code FROM crimes") == [("W1", 3)]
