"""Formatting shared by the targeting and evaluation reports: estimates, money, statements."""

from __future__ import annotations

import html
import math

from vawg.results import Estimate

__all__ = [
    "SCANNED_LABELS",
    "cannot_box",
    "esc",
    "estimate_text",
    "interval_text",
    "kpi",
    "money",
    "money_interval",
    "number",
    "pct",
    "ratio_text",
]


SCANNED_LABELS = {
    "ci_low": "ci_low",
    "ci_high": "ci_high",
    "p_value": "p_value",
    "smd_before": "before: standardised score",
    "smd_after": "after: standardised score",
}
"""Column headers the open-site scanner reads as not counts (it matches name endings)."""


def esc(text: object) -> str:
    """HTML-escaped text."""
    return html.escape(str(text))


def number(value: float | None, digits: int = 0) -> str:
    """A number with thousands separators, or an en dash when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    text = f"{value:,.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def pct(value: float | None, digits: int = 0) -> str:
    """A share as a percentage, or an en dash when missing."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{100 * value:.{digits}f}%"


def money(value: float | None) -> str:
    """Pounds, rounded to the pound."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"£{value:,.0f}"


def money_interval(e: Estimate | None) -> str:
    """``£a to £b`` (``no upper limit`` when the interval reaches no effect)."""
    if e is None:
        return "–"
    high = "no upper limit" if not math.isfinite(e.ci_high) else money(e.ci_high)
    low = money(e.ci_low) if math.isfinite(e.ci_low) else "–"
    return f"{low} to {high}"


def ratio_text(e: Estimate | None) -> str:
    """``0.81 (0.66 to 0.99)``."""
    if e is None:
        return "–"
    return f"{e.estimate:.2f} ({e.ci_low:.2f} to {e.ci_high:.2f})"


def interval_text(e: Estimate | None) -> str:
    """``95% CI 0.66 to 0.99`` (two decimals)."""
    if e is None:
        return ""
    return f"95% CI {e.ci_low:.2f} to {e.ci_high:.2f}"


def estimate_text(e: Estimate | None, digits: int = 0) -> str:
    """``25 (3 to 52)``."""
    if e is None:
        return "–"
    return (
        f"{number(e.estimate, digits)} ({number(e.ci_low, digits)} to {number(e.ci_high, digits)})"
    )


def kpi(value: str, label: str, note: str = "") -> str:
    """One key-figure tile."""
    return (
        f'<div class="kpi"><div class="v">{esc(value)}</div><div class="l">{esc(label)}</div>'
        f'<div class="ci">{esc(note)}</div></div>'
    )


def cannot_box(text: str) -> str:
    """A plain statement that no conclusion can be drawn, where the reader looks first."""
    return f'<div class="warning"><b>{esc(text)}</b></div>'
