"""Source values become contract text: dates in every declared form, codes, enums; or a note."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vawg.errors import InputError
from vawg.mapping.spec import Mapping, load_mapping
from vawg.mapping.values import normalise_code, translate_value
from vawg.schema import TABLES

CRIMES = TABLES["crimes"]


def _mapping(tmp_path: Path, body: str) -> Mapping:
    path = tmp_path / "m.toml"
    path.write_text('[crimes]\nfiles = ["x.csv"]\n[crimes.columns]\ncrime_ref = "Ref"\n' + body)
    return load_mapping(path)


@pytest.fixture(scope="module")
def mapping(tmp_path_factory: pytest.TempPathFactory) -> Mapping:
    return _mapping(
        tmp_path_factory.mktemp("m"),
        '[dates]\nformats = ["%d/%m/%Y", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "excel"]\n'
        '[values.location_type]\ndwelling = ["Dwelling - House", "Residential"]\n'
        '[values.domestic_abuse]\nY = ["Yes"]\nN = ["No", ""]\n'
        '[offence_codes]\n"8/01" = "harassment"\n',
    )


moments = st.datetimes(min_value=dt.datetime(1901, 1, 1), max_value=dt.datetime(2099, 12, 31))


@given(moment=moments)
def test_day_first_dates_and_datetimes(mapping: Mapping, moment: dt.datetime) -> None:
    moment = moment.replace(second=0, microsecond=0)
    day = translate_value(CRIMES.column("recorded_date"), moment.strftime("%d/%m/%Y"), mapping)
    assert day == (moment.date().isoformat(), None)
    text = moment.strftime("%d/%m/%Y %H:%M")
    stamp = translate_value(CRIMES.column("committed_from"), text, mapping)
    assert stamp == (moment.strftime("%Y-%m-%d %H:%M:00"), None)


@given(day=st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2099, 12, 31)))
def test_excel_serials_count_days_from_1899_12_30(mapping: Mapping, day: dt.date) -> None:
    serial = (day - dt.date(1899, 12, 30)).days  # Excel's 1900 system after February 1900
    assert translate_value(CRIMES.column("outcome_date"), str(serial), mapping) == (
        day.isoformat(),
        None,
    )
    noon = translate_value(CRIMES.column("committed_from"), f"{serial}.5", mapping)
    assert noon == (f"{day.isoformat()} 12:00:00", None)


def test_unreadable_date_keeps_the_source_text_and_says_why(mapping: Mapping) -> None:
    text, note = translate_value(CRIMES.column("recorded_date"), "31/02/2024", mapping)
    assert text == "31/02/2024"
    assert note is not None and "%d/%m/%Y" in note


def test_enum_values_match_ignoring_case_and_spaces(mapping: Mapping) -> None:
    column = CRIMES.column("location_type")
    assert translate_value(column, "  dwelling - HOUSE ", mapping) == ("dwelling", None)
    assert translate_value(column, "street", mapping) == ("street", None)  # already contract
    assert translate_value(column, "Canal", mapping) == (
        "Canal",
        "no [values.location_type] entry for this value",
    )
    flag = CRIMES.column("domestic_abuse")
    assert translate_value(flag, "", mapping) == ("N", None)  # an empty value listed explicitly


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("8N", "violence_with_injury"),
        ("008n", "violence_with_injury"),
        ("19C", "rape"),
        ("8Q", "stalking"),
        ("8U", "coercive_control"),
        ("88E", "other_sexual"),
        ("8/1", "harassment"),  # from the mapping's own [offence_codes]
        ("46", "other"),  # shoplifting
    ],
)
def test_offence_codes_give_groups(mapping: Mapping, code: str, group: str) -> None:
    column = CRIMES.column("offence_group")
    assert translate_value(column, code, mapping, derived_from_code=True) == (group, None)


def test_unknown_offence_code_is_unmapped(mapping: Mapping) -> None:
    column = CRIMES.column("offence_group")
    text, note = translate_value(column, "999Z", mapping, derived_from_code=True)
    assert text == "999Z" and note is not None


def test_code_spellings() -> None:
    assert normalise_code(" 008/1 ") == "8/01"
    assert normalise_code("105a") == "105A"
    assert normalise_code("4.1") == "4.1"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('[crimes.columns]\nnot_a_column = "X"\n', "not a column of crimes"),
        ('[values.location_type]\nhome = ["House"]\n', "not one of"),
        ('[values.location_type]\ndwelling = ["A"]\nstreet = ["a"]\n', "both"),
        ('[offence_codes]\n"8N" = "assault"\n', "not one of"),
        ('[[persons]]\nrole = "witness"\nperson_id = "W"\n', "witness"),
        ("[nonsense]\n", "unknown section"),
    ],
)
def test_a_bad_mapping_is_refused_in_one_line(tmp_path: Path, body: str, words: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text('[crimes]\nfiles = ["x.csv"]\n' + body)
    with pytest.raises(InputError, match=words):
        load_mapping(path)
