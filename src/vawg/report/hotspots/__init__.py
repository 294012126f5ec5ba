"""The hot-spot report: :class:`~vawg.spatial.analysis.HotspotAnalysis` → HTML, JSON and CSV.

The page leads with the places: the confirmed hot spots named (LSOA name, district and, where
the area table says so, the town centre), kept apart in words from the exploratory clusters.
Maps are choropleths over the real LSOA boundaries (:mod:`vawg.report.maps`), each beside its
data table. A public report is the rendering of the public Result
(:func:`vawg.spatial.public.disclose_hotspots`); LSOAs it does not show are drawn hatched.
Nothing here changes a number or computes a statistic.

Modules:

  ``_format``: place and class labels, LSOAs named in words, key-figure tiles
  ``summary``: the main points, worded from the analysis' facts (:mod:`vawg.spatial.mainpoints`)
  ``sections``: the maps with their tables, persistence, concentration, placement
  ``methods``: methods in plain English, then the diagnostics
  ``writers``: the per-LSOA view, the HTML page, the JSON document and the CSV rows
"""

from __future__ import annotations

from vawg.report.hotspots.summary import main_points
from vawg.report.hotspots.writers import (
    hotspot_map_figures,
    hotspot_view,
    hotspots_csv_rows,
    hotspots_html,
    hotspots_json,
)

__all__ = [
    "hotspot_map_figures",
    "hotspot_view",
    "hotspots_csv_rows",
    "hotspots_html",
    "hotspots_json",
    "main_points",
]
