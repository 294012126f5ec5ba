"""The checks' cheap SQL tests against what they stand for, on generated text.

A date, a date and time and a month are checked for their exact written form with GLOB
patterns, and text goes through DuckDB's ``trim`` only when it may need it. Each is compared
here with an independent oracle: the contract's forms as Python regular expressions (copied
from docs/data-contract.md, not imported), and Python's ``strip`` of every Unicode space
(category Zs, what DuckDB's ``trim`` strips: a no-break space too, not a tab).
"""

from __future__ import annotations

import re
import sys
import unicodedata

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vawg.ingest import checks

# The contract's written forms, as regular expressions ([0-9]: ASCII digits only).
FORMS = {
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    "datetime": r"[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?|T[0-9]{2}:[0-9]{2}:[0-9]{2})",
    "month": r"[0-9]{4}-[0-9]{2}",
}
GLOBS = {
    "date": checks._DATE_FORMS,
    "datetime": checks._DATETIME_FORMS,
    "month": checks._MONTH_FORMS,
}
# Near misses are built from the characters of the forms, a letter, a slash, a tab, a
# non-ASCII digit (Arabic-Indic three) and a character GLOB treats specially.
NEAR = st.text(alphabet="0123456789-: T/x\t\u0663*", max_size=22)


SPACES = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) == "Zs")


def _texts(form: str) -> st.SearchStrategy[list[str]]:
    exact = st.from_regex(FORMS[form], fullmatch=True).filter(str.isascii)
    return st.lists(st.one_of(exact, NEAR), min_size=1, max_size=40)


def _evaluate(sql_of: str, values: list[str]) -> list[object]:
    """``sql_of`` (SQL over a column ``x``) for each of ``values``, in order."""
    with duckdb.connect() as con:
        rows = con.execute(
            f"SELECT i, {sql_of} FROM (SELECT unnest(?) AS x, generate_subscripts(?, 1) AS i) "
            "ORDER BY i",
            [values, values],
        ).fetchall()
    return [value for _, value in rows]


@pytest.mark.parametrize("form", sorted(FORMS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_glob_form_matches_what_the_contracts_pattern_matches(
    form: str, data: st.DataObject
) -> None:
    values = data.draw(_texts(form))
    matched = _evaluate(checks._written_as("x", GLOBS[form]), values)
    assert matched == [re.fullmatch(FORMS[form], v) is not None for v in values]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=" a\t\n\u00a0é\u2003\u3000", max_size=6), min_size=1, max_size=40))
def test_trimmed_text_is_the_text_less_its_spaces_or_missing(values: list[str]) -> None:
    trimmed = _evaluate(checks._trimmed("x"), values)
    assert trimmed == [v.strip(SPACES) or None for v in values]
