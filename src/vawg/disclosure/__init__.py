"""The one disclosure rule every public output goes through.

In plain English: no count of 1 to ``threshold - 1`` (default threshold 5, the
``disclosure_threshold`` setting) is published, nor anything worked out from it; more counts are
hidden where a total would give a hidden one (or the sum of the hidden ones) away; every count
shown is rounded to a multiple of the threshold, so no two public outputs - any periods, any
filters - differ by a small count; and public outputs cover only a fixed grid of periods.

Each family of Results that can be published has one ``disclose(result, settings)`` function in
its analysis package (``vawg.profile.public``, ``vawg.models.public``, ``vawg.spatial.public``,
``vawg.outcomes.public``, ``vawg.survey.disclose``) that returns a Result of the same type built
from these pieces; reports and the dashboard render whatever Result they are given and hold no
disclosure code. ``docs/disclosure.md`` argues the choices.

Modules:

  ``cells``: suppress() and protect(): primary and secondary suppression, then rounding
  ``figures``: estimates and harm coarse enough not to undo the rounding of the counts
  ``grid``: the periods a public output may cover (financial quarters, halves, years)
  ``rule``: the rule in words (describe) and the marks a public Result carries (public_params)
"""

from __future__ import annotations

from vawg.disclosure.cells import (
    SUPPRESSED_FLAG,
    Relation,
    is_disclosive,
    protect,
    round_count,
    shown_count,
    suppress,
)
from vawg.disclosure.figures import (
    HARM_STEP_DAYS,
    published_figure,
    published_harm,
    published_ratio,
)
from vawg.disclosure.grid import GridPeriod, grid_period, grid_periods
from vawg.disclosure.rule import (
    CITATION,
    DISCLOSURE_KEY,
    GRID_RULE,
    WITHHELD_FINDING,
    describe,
    evaluation_period_rule,
    public_notes,
    public_params,
    public_source,
    public_text,
)

__all__ = [
    "CITATION",
    "DISCLOSURE_KEY",
    "GRID_RULE",
    "HARM_STEP_DAYS",
    "SUPPRESSED_FLAG",
    "WITHHELD_FINDING",
    "GridPeriod",
    "Relation",
    "describe",
    "evaluation_period_rule",
    "grid_period",
    "grid_periods",
    "is_disclosive",
    "protect",
    "public_notes",
    "public_params",
    "public_source",
    "public_text",
    "published_figure",
    "published_harm",
    "published_ratio",
    "round_count",
    "shown_count",
    "suppress",
]
