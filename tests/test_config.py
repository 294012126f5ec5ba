"""Settings: defaults, then a TOML file, then --set pairs; unknown names and bad values refused.

Expected values are the defaults the brief and the data contract state (typed out here, not read
from ``vawg.config``); error messages are checked whole, since they are the user interface. Only
the scope, disclosure and seed settings are tested here; other modules test their own settings.
Each test runs in an empty folder so a stray ``./vawg.toml`` cannot leak in.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from vawg.config import Settings, load_settings
from vawg.errors import InputError

VAWG_GROUPS = (
    "violence_with_injury",
    "violence_without_injury",
    "stalking",
    "harassment",
    "coercive_control",
    "rape",
    "other_sexual",
    "drink_spiking",
)
CORE = (
    "period_start",
    "period_end",
    "period_years",
    "victim_sex",
    "offender_sex",
    "offender_roles",
    "offender_min_age",
    "vawg_offence_groups",
    "include_domestic_abuse",
    "disclosure_threshold",
    "seed",
)


@pytest.fixture(autouse=True)
def _empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _toml(text: str, name: str = "settings.toml") -> Path:
    path = Path(name)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults() -> None:
    settings = load_settings()
    assert settings == Settings()
    assert (settings.period_start, settings.period_end, settings.period_years) == (None, None, 5)
    assert (settings.victim_sex, settings.offender_sex) == ("F", "M")
    assert settings.offender_roles == ("suspect", "offender")
    assert settings.offender_min_age == 18
    # Every offence group but `other` is in scope without the domestic abuse flag.
    assert settings.vawg_offence_groups == VAWG_GROUPS
    assert settings.include_domestic_abuse is True
    assert settings.disclosure_threshold == 5
    assert settings.seed == 0


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().seed = 1  # type: ignore[misc]


def test_toml_file_sets_values_of_every_kind() -> None:
    path = _toml(
        "disclosure_threshold = 10\n"
        'victim_sex = "U"\n'
        'vawg_offence_groups = ["rape", "stalking"]\n'
        'offender_roles = ["offender"]\n'
        "include_domestic_abuse = false\n"
        "period_start = 2019-04-01\n"  # a TOML date
        'period_end = "2020-03-31"\n'  # a string holding a date
    )
    settings = load_settings(path)
    assert settings.disclosure_threshold == 10
    assert settings.victim_sex == "U"
    assert settings.vawg_offence_groups == ("rape", "stalking")
    assert settings.offender_roles == ("offender",)
    assert settings.include_domestic_abuse is False
    assert (settings.period_start, settings.period_end) == (date(2019, 4, 1), date(2020, 3, 31))
    assert settings.seed == 0  # untouched settings keep their defaults


def test_vawg_toml_in_the_working_folder_is_read_without_config() -> None:
    _toml("seed = 42\n", name="vawg.toml")
    assert load_settings().seed == 42


def test_order_is_defaults_then_file_then_set() -> None:
    path = _toml("disclosure_threshold = 10\nseed = 3\nperiod_start = 2019-04-01\n")
    settings = load_settings(
        path,
        [
            "disclosure_threshold=7",  # overrides the file's 10
            "seed=8",
            "seed=9",  # the last --set of a name wins
            "period_start=none",  # back to the default
            "vawg_offence_groups=rape, stalking",
            "include_domestic_abuse=no",
            "period-years=3",  # dashes are accepted for underscores
        ],
    )
    assert settings.disclosure_threshold == 7
    assert settings.seed == 9
    assert settings.period_start is None
    assert settings.vawg_offence_groups == ("rape", "stalking")
    assert settings.include_domestic_abuse is False
    assert settings.period_years == 3
    # The file's value holds where --set says nothing.
    assert load_settings(path, ["seed=1"]).disclosure_threshold == 10


def _known(message: str) -> list[str]:
    return message.split("known settings: ")[1].split(", ")


def test_unknown_name_in_file_lists_the_known_settings() -> None:
    path = _toml("disclosure_treshold = 10\n")
    with pytest.raises(InputError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: unknown setting 'disclosure_treshold'; known settings: ")
    known = _known(message)
    assert known == sorted(known)
    assert set(CORE) <= set(known)
    assert set(known) == {f.name for f in dataclasses.fields(Settings)}


def test_unknown_name_in_set_lists_the_known_settings() -> None:
    with pytest.raises(InputError) as caught:
        load_settings(None, ["threshold=10"])
    message = str(caught.value)
    assert message.startswith("--set: unknown setting 'threshold'; known settings: ")
    assert set(CORE) <= set(_known(message))


def test_a_table_in_the_file_is_an_unknown_setting() -> None:
    with pytest.raises(InputError, match=r"unknown setting 'scope'"):
        load_settings(_toml('[scope]\nvictim_sex = "F"\n'))


HELP_THRESHOLD = "Public outputs suppress every count from 1 to this minus 1."
HELP_START = "First recorded_date in the period (inclusive)."


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        (
            "disclosure_threshold=abc",
            "setting disclosure_threshold='abc' is not a valid int; fix the value "
            f"(help: {HELP_THRESHOLD})",
        ),
        ("disclosure_threshold=0", "setting disclosure_threshold=0 must be greater than 0"),
        ("offender_min_age=-1", "setting offender_min_age=-1 must be 0 or more"),
        ("victim_sex=X", "setting victim_sex='X' must be M, F or U"),
        (
            "include_domestic_abuse=maybe",
            "setting include_domestic_abuse='maybe' is not a valid bool; fix the value (help: "
            "Crimes flagged domestic abuse are in scope whatever their offence group.)",
        ),
        (
            "vawg_offence_groups=rape,robbery",
            "setting vawg_offence_groups=('rape', 'robbery') unknown offence group robbery; use "
            "violence_with_injury, violence_without_injury, stalking, harassment, "
            "coercive_control, rape, other_sexual, drink_spiking, other",
        ),
        (
            "offender_roles=victim",
            "setting offender_roles=('victim',) must list suspect and/or offender",
        ),
        (
            "period_start=2019-13-01",
            "setting period_start='2019-13-01' is not a valid date (YYYY-MM-DD); fix the value "
            f"(help: {HELP_START})",
        ),
        (
            "disclosure_threshold",
            "--set 'disclosure_threshold': write it as name=value, e.g. --set "
            "disclosure_threshold=10",
        ),
    ],
)
def test_bad_value_in_set_is_one_clear_error(pair: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_settings(None, [pair])
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("line", "message"),
    [
        # TOML values arrive typed; a float or a boolean is not a whole number.
        (
            "disclosure_threshold = 2.5",
            "setting disclosure_threshold=2.5 is not a valid int; fix the value "
            f"(help: {HELP_THRESHOLD})",
        ),
        (
            "disclosure_threshold = true",
            "setting disclosure_threshold=True is not a valid int; fix the value "
            f"(help: {HELP_THRESHOLD})",
        ),
        (
            "include_domestic_abuse = 1",
            "setting include_domestic_abuse=1 is not a valid bool; fix the value (help: "
            "Crimes flagged domestic abuse are in scope whatever their offence group.)",
        ),
        (
            "period_start = 2019-04-01T10:00:00",
            "setting period_start=datetime.datetime(2019, 4, 1, 10, 0) is not a valid date "
            f"(YYYY-MM-DD); fix the value (help: {HELP_START})",
        ),
        (
            "vawg_offence_groups = [1]",
            "setting vawg_offence_groups=(1,) is not a valid list of text; fix the value (help: "
            "Offence groups in scope without the domestic abuse flag.)",
        ),
        ('victim_sex = "f"', "setting victim_sex='f' must be M, F or U"),
    ],
)
def test_bad_value_in_file_is_one_clear_error(line: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_settings(_toml(line + "\n"))
    assert str(caught.value) == message


def test_file_that_is_not_toml_or_is_missing() -> None:
    with pytest.raises(InputError, match=r"^settings\.toml: not valid TOML \(.*\); fix the file$"):
        load_settings(_toml("seed = \n"))
    with pytest.raises(InputError) as caught:
        load_settings(Path("nowhere.toml"))
    assert str(caught.value) == "nowhere.toml: no such settings file; check the --config path"


def test_period_start_after_period_end_is_an_error() -> None:
    with pytest.raises(InputError) as caught:
        load_settings(None, ["period_start=2021-04-01", "period_end=2020-03-31"])
    assert str(caught.value) == (
        "setting period_start=2021-04-01 is after period_end=2020-03-31; swap them"
    )
    # Also when the two come from different places.
    with pytest.raises(InputError, match="is after period_end"):
        load_settings(_toml("period_end = 2020-03-31\n"), ["period_start=2021-04-01"])
    # A one-day period is fine.
    one_day = load_settings(None, ["period_start=2020-03-31", "period_end=2020-03-31"])
    assert one_day.period_start == one_day.period_end == date(2020, 3, 31)


def test_replace_validates() -> None:
    assert Settings().replace(seed=5).seed == 5
    with pytest.raises(InputError, match="setting disclosure_threshold=0 must be greater than 0"):
        Settings().replace(disclosure_threshold=0)
