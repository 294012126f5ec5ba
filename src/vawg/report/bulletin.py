"""Main points in words: each :class:`~vawg.results.MainPoint` an analysis returned becomes one
sentence a PCC can quote, as an ONS or Home Office bulletin opens.

Nothing is computed here: the level, the change, its interval and whether it is statistically
clear all come from the Result; this module only chooses the words (with :mod:`vawg.report.fmt`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vawg.report import fmt
from vawg.results import Estimate, MainPoint
from vawg.wording import unclear

__all__ = ["BulletPoint", "bullet_points", "sentence"]


@dataclass(frozen=True)
class BulletPoint:
    """A main point as text: ``text`` the sentence, ``status`` ``clear`` / ``not clear`` /
    ``None`` (nothing tested), ``status_text`` the words for it, ``note`` a short caveat;
    ``corrected`` whether its test was corrected for several comparisons made together;
    ``direction`` ``better`` / ``worse`` for a clear change whose good direction is known."""

    text: str
    status: str | None
    status_text: str
    note: str
    corrected: bool = False
    direction: str | None = None

    @property
    def css_class(self) -> str:
        """The list item's classes: its status, and for a clear change the way it went, so
        that only a change for the better is shown in green and one for the worse in red
        (a clear change with no good direction keeps the text's own colour)."""
        classes = ["mp"]
        if self.status == "clear":
            classes.append("mp-clear")
        elif self.status == "not clear":
            classes.append("mp-unclear")
        if self.direction is not None:
            classes.append(f"mp-{self.direction}")
        return " ".join(classes)


def _level(p: MainPoint, e: Estimate) -> str:
    if p.measure == "share":
        if fmt.missing(e.ci_low) and fmt.missing(e.ci_high) and p.note:
            return fmt.pct(e.estimate, 1)  # no interval by design: its note says why
        return f"{fmt.pct(e.estimate, 1)} ({fmt.pct_interval(e.ci_low, e.ci_high, 1)})"
    if p.measure == "days":
        return f"{fmt.days(e.estimate)} ({fmt.interval(e.ci_low, e.ci_high, 0)})"
    if p.measure == "count":
        return fmt.number(e.estimate)
    digits = 2 if not fmt.missing(e.estimate) and abs(e.estimate) < 10 else 1
    return f"{fmt.number(e.estimate, digits)} ({fmt.interval(e.ci_low, e.ci_high, digits)})"


def _change(p: MainPoint, c: Estimate) -> str:
    """The change in words with its interval; when it is not statistically clear, "no clear
    change" comes first and the estimate after it, so the sentence is never stronger than its
    interval."""
    words, interval = _change_parts(p, c)
    if p.clear is False and interval:
        over_time = p.comparison is not None or p.change_kind == "ratio_per_year"
        noun = "change" if over_time else "difference"
        return unclear(noun, words, interval)
    return f"{words} ({interval})" if interval else words


def _change_parts(p: MainPoint, c: Estimate) -> tuple[str, str]:
    """The change in words, and its interval in words ("" when it has none)."""
    if p.measure == "harm":  # a ratio of harm, an amount: "74% less harm", "2.1 times as much"
        return _amount(fmt.change(c.estimate, "harm")), _amount(
            fmt.change_interval(c.ci_low, c.ci_high, c.estimate)
        )
    if p.measure == "hazard":  # a ratio of rates: "17% lower", "2.1 times as high"
        return _rate(fmt.change(c.estimate)), _rate(
            fmt.change_interval(c.ci_low, c.ci_high, c.estimate)
        )
    if p.change_kind in ("ratio", "ratio_per_year"):
        unit = "crimes" if p.measure in ("count", "effect", "trend") else ""
        return fmt.change(c.estimate, unit), fmt.change_interval(c.ci_low, c.ci_high, c.estimate)
    if p.change_kind == "days":
        if fmt.missing(c.estimate):
            return "a change in time that cannot be put in days", ""
        assert c.estimate is not None
        longer = "longer" if c.estimate > 0 else "shorter"
        words = "about the same" if c.estimate == 0 else f"{fmt.days(abs(c.estimate))} {longer}"
        if fmt.missing(c.ci_low) or fmt.missing(c.ci_high):
            return words, ""
        return words, fmt.days_interval(c.ci_low, c.ci_high)
    return fmt.points(c.estimate), fmt.points_interval(c.ci_low, c.ci_high)


def _amount(text: str) -> str:
    """A change in words for an amount, not a count: ``less``, ``as much``."""
    return text.replace("fewer", "less").replace("as many", "as much")


def _rate(text: str) -> str:
    """A change in words for a rate: ``lower``, ``higher``, ``as high``."""
    return text.replace("fewer", "lower").replace("more", "higher").replace("as many", "as high")


def _status(p: MainPoint) -> tuple[str | None, str, str | None]:
    """The point's status, its words, and for a clear change the way it went (better or worse)."""
    if p.clear is None:
        return None, "", None
    over_time = p.comparison is not None or p.change_kind == "ratio_per_year"
    noun = "change" if over_time else "difference"
    if p.clear:
        verdict = f"A statistically clear {noun}"
        direction = None
        if p.better_when and p.change is not None and not fmt.missing(p.change.estimate):
            up = p.change.estimate > (1.0 if p.change_kind.startswith("ratio") else 0.0)
            direction = "better" if up == (p.better_when == "higher") else "worse"
            verdict += f", for the {direction}"
        return "clear", verdict, direction
    return "not clear", f"Not statistically clear: the {noun} could be chance", None


_EFFECTS = ("effect", "harm", "hazard")
"""Measures that are a comparison only (no level): against comparison areas or people."""


def sentence(p: MainPoint) -> str:
    """The sentence for one main point (without its status)."""
    when = f" in {fmt.period(*p.period)}" if p.period and p.measure not in _EFFECTS else ""
    if p.measure in _EFFECTS and p.change is not None:
        return f"{p.topic}: {_change(p, p.change)}."
    if p.measure == "trend" and p.change is not None:
        return f"{p.topic}{when}: {_change(p, p.change)} each year."
    if p.value is None:
        return f"{p.topic}{when}: not available."
    text = f"{p.topic}{when}: {_level(p, p.value)}"
    if p.change is not None and p.change_kind == "points_vs_day":
        gap = p.change.estimate
        if not fmt.missing(gap):
            assert gap is not None
            side = "higher" if gap > 0 else "lower"
            text += (
                f", {abs(100 * gap):.1f} percentage points {side} than by day "
                f"({fmt.points_interval(p.change.ci_low, p.change.ci_high)})"
            )
    elif p.change is not None and p.comparison is not None:
        before = ""
        if p.comparison_value is not None:
            before = (
                f", against {fmt.pct(p.comparison_value, 1)}"
                if p.measure == "share"
                else f", against {fmt.days(p.comparison_value)}"
                if p.measure == "days"
                else f", against {fmt.number(p.comparison_value)}"
            )
        text += f"{before} in {fmt.period(*p.comparison)}: {_change(p, p.change)}"
    return text + "."


def bullet_points(points: Sequence[MainPoint]) -> tuple[BulletPoint, ...]:
    """Every main point in words, in the order given."""
    out = []
    for p in points:
        status, words, direction = _status(p)
        corrected = "correction" in p.tested.lower()
        out.append(BulletPoint(sentence(p), status, words, p.note, corrected, direction))
    return tuple(out)
