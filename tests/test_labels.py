"""Labels are defined once (``vawg.schema.labels``) and cover every code the contract allows."""

from __future__ import annotations

from vawg.schema.labels import CONTRACT_CODES, LABELS, label


def test_every_contract_code_has_words() -> None:
    for family, codes in CONTRACT_CODES.items():
        assert set(LABELS[family]) == set(codes), family
        for code in codes:
            words = label(code, family)
            assert "_" not in words and words[0].isupper(), (family, code, words)


def test_raw_field_names_the_reports_showed_are_words() -> None:
    assert label("licensed_premises") == "Pub, bar or club"
    assert label("ex_partner") == "Former partner"
    assert label("first_hearing") == "First court hearing"
    assert label("days_since_last") == "days since the last crime"
    assert label("committed_from") == "time the crime began"
    assert label("some_new_code") == "Some new code" and label(None) == "Not recorded"
