"""Reasons for not reporting: the keyword dictionary, counts per theme, quotes restricted."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vawg.errors import InputError
from vawg.survey.inputs import read_theme_dictionary
from vawg.survey.themes import DEFAULT_THEMES, compile_themes, reason_themes

from .conftest import DATA, read_public


def test_fixture_reasons_fall_in_the_hand_assigned_themes() -> None:
    frame = read_public(DATA / "raking" / "public_survey.csv")
    result = reason_themes(
        frame["respondent_id"].to_list(),
        frame["reason_not_reported"].to_list(),
        np.ones(frame.height),
    )
    counts = dict(zip(result.table["theme"], result.table["respondents"], strict=True))
    # README: R01 and R07 "nothing would be done"; R04 embarrassment; R07 fear; R10 part of life.
    assert counts["nothing would be done"] == 2
    assert counts["embarrassment or shame"] == 1
    assert counts["fear of the offender or reprisal"] == 1
    assert counts["not serious enough / part of life"] == 1
    assert sum(counts.values()) == 5
    assert result.reasons == 4 and result.unclassified == 0
    assert result.table["theme"][0] == "nothing would be done"  # most common first
    share = result.table.filter(result.table["theme"] == "nothing would be done")["share"][0]
    assert share == pytest.approx(2 / 4)


def test_keywords_match_whole_words_and_star_endings() -> None:
    patterns = compile_themes(
        {"fear": ("fear",), "embarrassed": ("embarrass*",), "no point": ("no point",)}
    )
    assert patterns["fear"].search("out of fear")
    assert not patterns["fear"].search("she was fearless")
    assert patterns["embarrassed"].search("too embarrassing to say")
    assert patterns["no point"].search("there was   no\npoint")  # spaces collapse
    assert not patterns["no point"].search("no pointers")


def test_curly_quotes_and_case_do_not_matter() -> None:
    result = reason_themes(
        ["a", "b"],
        ["I DIDN\u2019T KNOW HOW TO REPORT IT", None],
        np.ones(2),
        dictionary={"how": ("didn't know how",)},
    )
    assert result.table["respondents"][0] == 1 and result.reasons == 1


def test_the_dictionary_is_a_setting_read_from_csv(tmp_path: Path) -> None:
    path = tmp_path / "themes.csv"
    path.write_text(
        "theme,keyword\nfutile,pointless\nfutile,no point\nshame,embarrass*\n", encoding="utf-8"
    )
    dictionary = read_theme_dictionary(path)
    assert dictionary == {"futile": ("pointless", "no point"), "shame": ("embarrass*",)}
    frame = read_public(DATA / "raking" / "public_survey.csv")
    result = reason_themes(
        frame["respondent_id"].to_list(),
        frame["reason_not_reported"].to_list(),
        np.ones(frame.height),
        dictionary=dictionary,
    )
    counts = dict(zip(result.table["theme"], result.table["respondents"], strict=True))
    assert counts == {"futile": 2, "shame": 1}
    assert result.unclassified == 1  # "It's just part of life"


def test_examples_are_left_out_of_the_public_dictionary() -> None:
    frame = read_public(DATA / "raking" / "public_survey.csv")
    result = reason_themes(
        frame["respondent_id"].to_list(),
        frame["reason_not_reported"].to_list(),
        np.ones(frame.height),
    )
    assert result.examples.height == 5
    assert "examples" in result.to_dict()
    public = result.to_dict(include_examples=False)
    assert "examples" not in public
    assert "R01" not in repr(public) and "embarrassed" not in repr(public["themes"])


@pytest.mark.parametrize("dictionary", [{}, {"x": ()}, {"x": ("",)}])
def test_empty_themes_or_keywords_are_refused(dictionary: dict[str, tuple[str, ...]]) -> None:
    with pytest.raises(InputError):
        compile_themes(dictionary)


def test_shipped_dictionary_compiles() -> None:
    assert set(compile_themes(DEFAULT_THEMES)) == set(DEFAULT_THEMES)


def test_a_reason_counts_in_every_theme_it_mentions() -> None:
    # Hand-assigned: the first mentions "nothing would be done" (do anything) and distrust of
    # the police (think police); the second only embarrassment; the third none.
    result = reason_themes(
        ["a", "b", "c"],
        ["didn't think police would do anything", "too embarrassed", "no reason"],
        np.ones(3),
    )
    counts = dict(zip(result.table["theme"], result.table["respondents"], strict=True))
    assert counts["nothing would be done"] == 1
    assert counts["distrust of the police"] == 1
    assert counts["embarrassment or shame"] == 1
    assert sum(counts.values()) == 3
    assert result.reasons == 3 and result.unclassified == 1 and result.several == 1
    assert result.to_dict()["several_themes"] == 1
