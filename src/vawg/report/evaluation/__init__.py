"""The evaluation report (``vawg evaluate``): place and programme evaluations → HTML and JSON.

Modules: ``_format`` (numbers, money, statements), ``charts`` (event study, synthetic control,
survival curves, coverage, Knox heat map), ``place`` and ``programme`` (sections),
``methods`` (plain English first, with citations), ``writers`` (the page and the JSON).
Nothing here computes a statistic or withholds a count: public reports are drawn from the
public Results.
"""

from __future__ import annotations

from vawg.report.evaluation.writers import evaluation_html, evaluation_json

__all__ = ["evaluation_html", "evaluation_json"]
