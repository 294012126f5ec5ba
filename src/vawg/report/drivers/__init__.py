"""The drivers report: :class:`~vawg.models.drivers.DriversResult` → HTML, JSON and CSV.

JSON carries every headline effect as ``{estimate, ci_low, ci_high, p_value}`` under the
stable keys of :data:`vawg.models.drivers.EFFECT_KEYS`. A public report is the rendering of the
public Result (:func:`vawg.models.public.disclose_drivers`); nothing here changes a number or
computes a statistic.

Modules:

  ``_format``: effect labels, rate-ratio/interval formatting, key-figure tiles and the forest plot
  ``summary``: the summary section
  ``feed``: the feed-check section
  ``area``: deprivation, pubs and town centres (area model)
  ``daily``: the temperature section (daily model)
  ``birthday``: the birthday effect and age sections
  ``methods``: the methods section
  ``writers``: the HTML page, the JSON document and the CSV rows
"""

from __future__ import annotations

from vawg.report.drivers._format import LABELS as LABELS
from vawg.report.drivers.writers import drivers_csv_rows, drivers_html, drivers_json

__all__ = [
    "drivers_csv_rows",
    "drivers_html",
    "drivers_json",
]
