"""``vawg demo``: generate a synthetic Kent, load it, run every analysis, write the reports."""

from __future__ import annotations
