"""Reasons for not reporting, grouped into themes by a transparent keyword dictionary.

Each theme is a list of keywords or phrases. A reason mentions a theme when, after lower-casing,
straightening quotes and collapsing spaces, it contains one of the theme's keywords as whole
words (``word*`` matches any word starting ``word``). A reason may mention several themes; a
reason that mentions none is *unclassified*. Counts are respondents, not mentions. Nothing is
learned from the data, so the method can be read, challenged and changed: the dictionary is a
setting (``survey_theme_dictionary``, a CSV of ``theme,keyword``), this module's
:data:`DEFAULT_THEMES` otherwise. Example quotes are for restricted output only: free text can
identify people.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from vawg.errors import InputError
from vawg.results import Params, to_jsonable
from vawg.survey.estimates import weighted_share

__all__ = ["DEFAULT_THEMES", "ThemeResult", "compile_themes", "reason_themes"]

DEFAULT_THEMES: dict[str, tuple[str, ...]] = {
    "nothing would be done": (
        "nothing would",
        "nothing could",
        "nothing will",
        "nothing can",
        "nothing be done",
        "no point",
        "pointless",
        "waste of time",
        "wasting police time",
        "not worth",
        "do anything",
        "done anything",
        "do nothing",
        "no action",
        "wouldn't bother",
    ),
    "not serious enough / part of life": (
        "not serious",
        "not that serious",
        "serious enough",
        "too minor",
        "minor",
        "trivial",
        "part of life",
        "part of being",
        "happens all the time",
        "happens to everyone",
        "normal",
        "normalised",
        "used to it",
        "just how it is",
        "everyday",
        "endure",
        "put up with",
        "not a crime",
        "not big enough",
    ),
    "would not be believed or taken seriously": (
        "believe me",
        "believed",
        "taken seriously",
        "take it seriously",
        "take me seriously",
        "laughed",
        "dismissed",
        "blamed",
        "my fault",
        "judged",
        "overreacting",
    ),
    "fear of the offender or reprisal": (
        "afraid",
        "scared",
        "frightened",
        "fear",
        "reprisal*",
        "retaliat*",
        "revenge",
        "make it worse",
        "make things worse",
        "repercussion*",
        "worried",
    ),
    "did not know how or where to report": (
        "know how to report",
        "sure how to report",
        "who to report",
        "where to report",
        "how to report",
        "who to tell",
        "where to go",
        "could report",
        "can report",
        "didn't know how",
        "did not know how",
        "not sure how",
    ),
    "no evidence / could not identify them": (
        "no evidence",
        "no proof",
        "prove",
        "couldn't identify",
        "could not identify",
        "didn't see",
        "did not see",
        "don't know who",
        "didn't know who it was",
        "stranger",
        "ran off",
        "too quick",
        "no witnesses",
        "couldn't describe",
    ),
    "distrust of the police": (
        "don't trust",
        "do not trust",
        "distrust",
        "no trust",
        "lack of trust",
        "trust the police",
        "no confidence",
        "lost confidence",
        "police don't care",
        "police do not care",
        "bad experience",
        "police wouldn't",
        "police would not",
        "police never",
        "police won't",
        "think police",
        "think the police",
    ),
    "embarrassment or shame": (
        "embarrass*",
        "ashamed",
        "shame",
        "humiliat*",
        "awkward",
        "people to know",
        "anyone to know",
    ),
    "dealt with it myself / private matter": (
        "dealt with it",
        "handled it",
        "sorted it",
        "myself",
        "private",
        "personal",
        "family matter",
        "told him to stop",
        "told them to stop",
        "walked away",
        "moved away",
    ),
    "too much hassle or time": (
        "hassle",
        "too much time",
        "takes too long",
        "too long",
        "effort",
        "paperwork",
        "court case",
        "go through",
    ),
}
"""The shipped dictionary: theme → keywords (lower case; ``*`` = any word ending)."""

_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
QUOTE_CHARS = 240


def _normalise(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_QUOTES).lower()).strip()


def _pattern(keyword: str) -> str:
    word = _normalise(keyword)
    if not word or word == "*":
        raise InputError(f"theme keyword {keyword!r} is empty; give a word or phrase")
    star = word.endswith("*")
    body = re.escape(word.rstrip("*")).replace(r"\ ", r"\s+")
    end = r"\w*" if star else r"(?!\w)"
    return r"(?<!\w)" + body + end


def compile_themes(dictionary: Mapping[str, Sequence[str]]) -> dict[str, re.Pattern[str]]:
    """One regular expression per theme (an error names an empty theme or keyword)."""
    if not dictionary:
        raise InputError("the theme dictionary is empty; give at least one theme and keyword")
    out = {}
    for theme, keywords in dictionary.items():
        if not theme.strip() or not keywords:
            raise InputError(f"theme {theme!r} has no keywords; give at least one")
        out[theme] = re.compile("|".join(_pattern(k) for k in keywords))
    return out


@dataclass(frozen=True)
class ThemeResult:
    """Themes in the reasons for not reporting.

    ``table``: theme, keywords, respondents (mentioning it), share (of reasons given,
    unweighted), weighted_share with ci_low/ci_high. ``reasons``: respondents who gave a reason;
    ``unclassified``: reasons matching no theme; ``several``: reasons mentioning more than one
    theme (when it is 0 the shares add to 100%). ``examples``: theme, respondent_id, quote —
    restricted output only (left out of ``to_dict(include_examples=False)``).
    """

    params: Params
    table: pl.DataFrame
    reasons: int
    unclassified: int
    several: int
    examples: pl.DataFrame
    dictionary: dict[str, tuple[str, ...]]

    def to_dict(self, *, include_examples: bool = True) -> dict[str, Any]:
        """JSON-safe; quotes only when ``include_examples``."""
        out = {
            "method": self.params.method,
            "reasons_given": self.reasons,
            "unclassified": self.unclassified,
            "several_themes": self.several,
            "themes": to_jsonable(self.table),
            "dictionary": {k: list(v) for k, v in self.dictionary.items()},
        }
        if include_examples:
            out["examples"] = to_jsonable(self.examples)
        return out


def reason_themes(
    respondent_id: Sequence[str],
    reasons: Sequence[str | None],
    weights: np.ndarray,
    *,
    dictionary: Mapping[str, Sequence[str]] | None = None,
    quotes_per_theme: int = 3,
    seed: int = 0,
    ci_method: str = "logit",
    min_base: float = 30,
) -> ThemeResult:
    """Count respondents whose reason mentions each theme (see module docstring)."""
    themes = {k: tuple(v) for k, v in (dictionary or DEFAULT_THEMES).items()}
    patterns = compile_themes(themes)
    given = [i for i, r in enumerate(reasons) if r is not None and r.strip()]
    texts = [_normalise(str(reasons[i])) for i in given]
    w = np.asarray(weights, dtype=float)[given] if given else np.ones(0)
    hits = {
        t: np.array([bool(p.search(x)) for x in texts], dtype=bool) for t, p in patterns.items()
    }
    rng = random.Random(seed)
    rows, examples = [], []
    for theme, mask in hits.items():
        est = (
            weighted_share(mask.astype(float), w, ci_method=ci_method, min_base=min_base)
            if given
            else None
        )
        rows.append(
            {
                "theme": theme,
                "keywords": ", ".join(themes[theme]),
                "respondents": int(mask.sum()),
                "share": float(mask.mean()) if given else None,
                "weighted_share": est.estimate if est else None,
                "ci_low": est.ci_low if est else None,
                "ci_high": est.ci_high if est else None,
            }
        )
        first: dict[str, int] = {}  # one respondent per distinct wording
        for j in range(len(given)):
            if mask[j]:
                first.setdefault(texts[j], j)
        chosen = sorted(first.values())
        for j in sorted(rng.sample(chosen, min(quotes_per_theme, len(chosen)))):
            quote = str(reasons[given[j]]).strip()
            if len(quote) > QUOTE_CHARS:
                quote = quote[: QUOTE_CHARS - 1].rstrip() + "…"
            examples.append(
                {"theme": theme, "respondent_id": str(respondent_id[given[j]]), "quote": quote}
            )
    mentions = np.zeros(len(given), dtype=int)
    for mask in hits.values():
        mentions += mask
    matched = mentions > 0
    table = pl.DataFrame(
        rows,
        schema={
            "theme": pl.String,
            "keywords": pl.String,
            "respondents": pl.Int64,
            "share": pl.Float64,
            "weighted_share": pl.Float64,
            "ci_low": pl.Float64,
            "ci_high": pl.Float64,
        },
    ).sort("respondents", "theme", descending=[True, False])
    params = Params(
        method="keyword dictionary: a reason mentions a theme when it contains one of the "
        "theme's keywords as whole words (case-insensitive)",
        seed=seed,
        settings={
            "dictionary": "shipped default" if dictionary is None else "user dictionary",
            "quotes_per_theme": quotes_per_theme,
        },
    )
    return ThemeResult(
        params=params,
        table=table,
        reasons=len(given),
        unclassified=int((~matched).sum()),
        several=int((mentions > 1).sum()),
        examples=pl.DataFrame(
            examples, schema={"theme": pl.String, "respondent_id": pl.String, "quote": pl.String}
        ),
        dictionary=themes,
    )
