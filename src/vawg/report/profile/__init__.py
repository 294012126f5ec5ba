"""The perpetrator problem profile report: :class:`ProfileResult` → HTML, JSON and CSV.

The HTML opens with a summary a PCC can read in two minutes (key figures with their intervals
and plain-English findings), then the detail with charts and tables, then scope and methods.
A public result (:func:`vawg.profile.public.disclose`) renders the same page with withheld
cells shown as "–" and no person-level list. Nothing here computes a statistic.

Modules:

  ``_format``: colours, labels and small formatting helpers shared by the sections
  ``summary``: the two-minute summary: key figures and plain-English findings
  ``volume``: the volume section
  ``place``: the place section
  ``people``: the people and harm sections
  ``rfgv``: the priority-perpetrators (RFGV) and timing sections
  ``methods``: the scope and methods sections
  ``writers``: the HTML page, JSON and CSV outputs and write_profile
  ``opendata``: the open-data release: JSON dictionary, HTML page and files
"""

from __future__ import annotations

from vawg.report.profile._format import ACCENT as ACCENT
from vawg.report.profile._format import GREY as GREY
from vawg.report.profile._format import HOME_C as HOME_C
from vawg.report.profile._format import LABELS as LABELS
from vawg.report.profile._format import PUBLIC_C as PUBLIC_C
from vawg.report.profile._format import UNKNOWN_C as UNKNOWN_C
from vawg.report.profile._format import figure_html as figure_html
from vawg.report.profile._format import paragraphs_html as paragraphs_html
from vawg.report.profile.opendata import open_data_dict, open_data_html, write_open_data
from vawg.report.profile.writers import profile_csv_rows, profile_html, profile_json, write_profile

__all__ = [
    "open_data_dict",
    "open_data_html",
    "profile_csv_rows",
    "profile_html",
    "profile_json",
    "write_open_data",
    "write_profile",
]
