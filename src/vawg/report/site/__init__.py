"""The open transparency site: static, self-contained pages of public figures.

``vawg publish --out DIR`` writes::

    DIR/index.html          overview: volumes, when, what, where, home or public
    DIR/<section>.html      profile, outcomes by half-year, surveys (as their analyses allow)
    DIR/data/*.csv          the table behind every chart (formula-escaped)
    DIR/assets/plotly.min.js  the chart library, shared by the pages (no CDN: works offline)

The pages render the public Results of :func:`vawg.opensite.open_site_results` (each made by its
family's ``disclose`` function); nothing here changes a number. :func:`vawg.leaks.scan_folder`
is the independent check :func:`build_site` runs on the finished site: any count that breaks the
rule, any person identifier, date of birth or local path fails the build.

Conventions the walker relies on (and the builder keeps): a CSV column is a count unless its
name says it is not (``vawg.leaks.NON_COUNT`` suffixes such as ``_share`` or ``per_1000``); a
chart trace declares ``meta.measure`` (``count``, ``share``, ``rate``, ``mean``, ...), and any
trace not declared a non-count is checked as counts; in HTML tables and headline figures, a whole
number is a count (shares and rates are written with a decimal point or a % sign).
"""

from vawg.report.site.build import build_site, methods_section, site_pages
from vawg.report.site.overview import overview_page
from vawg.report.site.parts import SitePage, chart, group_label, kpis_html

__all__ = [
    "SitePage",
    "build_site",
    "chart",
    "group_label",
    "kpis_html",
    "methods_section",
    "overview_page",
    "site_pages",
]
