"""The open transparency site: static, self-contained pages of disclosure-controlled figures.

``vawg publish --out DIR`` writes::

    DIR/index.html          overview: volumes, when, what, where, home or public
    DIR/<section>.html      profile, outcomes by half-year, surveys (as their analyses allow)
    DIR/data/*.csv          the table behind every chart (formula-escaped, suppressed)
    DIR/assets/plotly.min.js  the chart library, shared by the pages (no CDN: works offline)

Every count on the site has been through :func:`vawg.disclosure.suppress` before it is drawn
or written; nothing person-level is read into a page. :func:`scan_site` is the independent
check: it walks every file and reports any count from 1 to ``threshold - 1`` and anything that
looks like a person identifier (crime or person references, the names of identifier columns,
dates of birth), so a test (and ``vawg publish`` itself) can refuse a site that leaks.

Conventions the scanner relies on (and the builder keeps): a CSV column is a count unless its
name says it is not (``NON_COUNT`` suffixes such as ``_share`` or ``per_1000``); a chart trace
declares ``meta.measure`` (``count``, ``share``, ``rate``, ``mean``, ...), and any trace not
declared a non-count is checked as counts; in HTML tables and headline figures, a whole number
is a count (shares and rates are written with a decimal point or a % sign).
"""

from vawg.report.site.build import SectionBuilder, build_site, methods_section
from vawg.report.site.overview import Overview, overview_page, overview_tables
from vawg.report.site.parts import SitePage, chart, group_label, kpis_html
from vawg.report.site.scan import NON_COUNT, Finding, scan_site

__all__ = [
    "NON_COUNT",
    "Finding",
    "Overview",
    "SectionBuilder",
    "SitePage",
    "build_site",
    "chart",
    "group_label",
    "kpis_html",
    "methods_section",
    "overview_page",
    "overview_tables",
    "scan_site",
]
