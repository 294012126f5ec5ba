"""The targeting report (``vawg target``): HTML, JSON and CSV from a TargetingResult.

Modules: ``report`` (sections, page, JSON, CSV) and ``map`` (the one map call, to move to the
shared LSOA choropleth).
"""

from __future__ import annotations

from vawg.report.targeting.report import targeting_csv_rows, targeting_html, targeting_json

__all__ = ["targeting_csv_rows", "targeting_html", "targeting_json"]
