"""The leak walker: every public output file checked for what must never be published.

One walker for every public output (the reports' JSON, CSV and HTML, the open site) and the
tests. It reads files, so it sits apart from the analyses; it knows nothing of how a figure was
made, only what a published file may hold. It fails on:

* a **person identifier**: an identifier column or key name (``crime_ref``, ``person_id``,
  ``date_of_birth``, ...), a reference-like token (``KT10000001``), or any of the exact
  identifiers the caller knows (the synthetic force's crime and person references);
* a **date of birth**: a full date before 2005 (no published figure needs one), or any of the
  exact dates of birth the caller knows;
* a **local file path** (``/home/...``, ``/tmp/...``, ``C:\\...``, ``file://``): a published file
  must not say where the data sat;
* a **count that breaks the rule**: a count from 1 to ``threshold - 1``, or a count that is not a
  multiple of the rounding base (the threshold), in a CSV count column, a JSON value under a
  count key (every key, at any depth: the all-keys walker), an HTML table cell, headline figure,
  chart trace or sentence ("3 crimes");
* a **withheld cell that can be solved from a published total**: in any table (a CSV, a JSON
  list of records, an HTML table), a group of rows sharing a key (a district, say) with exactly
  one withheld count while that group's total is published in a table keyed by that column
  alone, in any file of the same output (the district totals that gave away the sum of the
  withheld LSOAs in a district).

Conventions the walker relies on (the reports keep them): a column or key is a count unless its
name says it is not (:data:`NON_COUNT`); a chart trace declares ``meta.measure`` (``count``,
``share``, ``rate``, ...) and a trace not declared a non-count is checked as counts; in HTML
tables and headline figures a whole number is a count (shares and rates carry a decimal point
or a % sign).
"""

from __future__ import annotations

import base64
import csv
import functools
import hashlib
import importlib.util
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np

from vawg.errors import InputError

__all__ = ["NON_COUNT", "Finding", "is_count", "is_count_name", "scan_files", "scan_folder"]

NON_COUNT = (
    "share",
    "rate",
    "pct",
    "percent",
    "per_1000",
    "per_1000_residents",
    "ci_low",
    "ci_high",
    "mean",
    "estimate",
    "expected",
    "p_value",
    "q_value",
    "ratio",
    "decile",
    "rank",
    "score",
    "weight",
    "days",
    "day",
    "year",
    "years",
    "label",
    "suppressed",
    "population",
    "residents",  # ONS population estimates: published denominators, not counts of records
    "lsoas",
    "areas",
    "months",
    "month",
    "months_loaded",
    "offset",
    "seed",
    "permutations",
    "replicates",
    "threshold",
    "rounding_base",
    "window",
    "df",
    "iterations",
    "step",
    "clusters",
    "n_effective",
    "easting",
    "northing",
    "alpha",
    "gi_z",
    "z",
    "tau",
    "statistic",
    "aic",
    "bic",
    "loglik",
    "dispersion",
    "dispersion_scale",
    "hot_spots",
    "cold_spots",
    "hot_unadjusted",
    "cold_unadjusted",
    "hot_before_fdr",
    "cold_before_fdr",
    "years_hot",
    "years_hot_unadjusted",
    "persistent",
    "hot_all_but_one",
    "emerging",
    "diminishing",
    "intermittent",
    "never",
    "top_lsoas",
    "min_crimes",
    "min_age",
    "top_pct",
    "level",
    "fdr_level",
    "age",
    "band",
    "edges",
    "limit",
    "days_followed",
    "difference",
    "sign",
    "share_of_crimes",
    "share_of_lsoas",
    "share_of_recorded",
    "part",
    "temperature",
    "day_index",
    "hour",
    "districts",
    "p_holm",
    "k",
    "effect",
    "confirmed_by_permutation",
    "area_lsoas_with_boundary",
    "withheld_below",
    "averted",
    "displaced_crimes",
    "rmspe",
    "success",
    "buffer_change",
    "cost",
)
"""Column-name endings (and trace measures) that are not counts; everything else is checked.
Crimes averted or displaced are model estimates, published to 2 significant figures
(:mod:`vawg.disclosure.figures`), which can be whole numbers. So can an evaluation's
diagnostics, to 2 decimal places: the synthetic control's root mean squared gaps
(``pre_rmspe`` came out at exactly 2.00 at Kent scale 5 and refused the evaluation and the
open site), the displacement quotient's ``success`` and ``buffer_change`` (differences of
ratios, 0 when nothing changed); and an intervention's ``cost`` is money from the input."""

NON_COUNT_PATHS = (
    re.compile(r"(^|\.)fits\.[^.]+\.n$"),
    re.compile(r"(^|\.)force_rates(_per_1000_per_year)?\.[^.]+$"),
    re.compile(r"(^|\.)months\.(loaded|missing|expected)$"),
    re.compile(r"(^|\.)mean_harm_days\.[^.]+$"),
)
"""JSON places whose number is not a count though its key is: a model fit's ``n`` is the number
of days or areas it was fitted on (its crimes are ``events``); the hot spots' force-wide rates
by place; the open-data profile's numbers of months; a programme's mean harm in days of its
participants and comparisons (published in whole days)."""

SETTINGS_KEYS = frozenset({"settings", "manifest"})
"""JSON objects holding configuration, not figures: not walked for counts (their key names and
the file's text are still checked). ``manifest`` is the provenance every output carries
(:func:`vawg.manifest.build_manifest`): delivery numbers, a format number, the seed."""


@dataclass(frozen=True)
class Finding:
    """Something in a public output that must not be published."""

    path: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.what}"


IDENTIFIER_NAMES = re.compile(
    r"crime[_ ]?ref|person[_ ]?id|date[_ ]?of[_ ]?birth|\bdob\b|respondent[_ ]?id|response[_ ]?id",
    re.IGNORECASE,
)
"""Names of the person-level columns: no column, key or table header of a public output may
carry one (prose may name them: "victims with no date of birth")."""

REFERENCE_PATTERN = re.compile(r"\b(?![EWSN]\d{8}\b)[A-Z]{1,3}\d{6,}\b")
"""A crime or person reference: capital letters then six or more digits (``KT10000001``); not
an ONS area code (E, W, S or N then eight digits: ``E01024649`` is a published LSOA)."""

FULL_DATE = re.compile(
    r"\b((?:19|20)\d\d)-([01]\d)-([0-3]\d)\b|\b([0-3]\d)/([01]\d)/((?:19|20)\d\d)\b"
)

LOCAL_PATH = re.compile(
    r"file://|(?<![\w.:/])/(?:home|tmp|work|Users|var|root|mnt|srv|opt|private|media)/[^\s\"'<>]*"
    r"|\b[A-Za-z]:\\\\?[^\s\"'<>]+"
)
"""An absolute path on the machine that made the output (or a file:// address)."""

OLDEST_FIGURE_DATE = date(2005, 1, 1)
"""A full date before this is taken as a date of birth: no published figure needs one."""

OLDEST_BIRTH_YEAR = 1905
"""Dates before this year are placeholders (``1900-01-01``: since the start), not births."""

TOTAL_LABELS = frozenset({"all", "total", "All", "Total", "ALL", "TOTAL"})

_HTML_NON_COUNT_WORDS = frozenset(
    {
        "ci",
        "aic",
        "bic",
        "rate",
        "ratio",
        "z",
        "effective",
        "points",
        "share",
        "estimate",
        "p",
        "q",
        "tau",
        "years",
        "year",
        "days",
        "day",
        "fdr",
        "score",
        "per",
        "median",
        "mean",
        "expected",
        "alpha",
        "df",
        "rank",
        "decile",
        "population",
        "lsoas",
        "hour",
        "offset",
        "temperature",
        "weight",
        "code",
        "band",
        "row",
    }
)
"""Words that make an HTML column header (a human label) a non-count: ``95% CI low``."""

_COUNT_WORDS = re.compile(
    r"\b(crimes?|offen[cs]es?|offenders?|victims?|people|persons?|respondents?|responses?|"
    r"perpetrators?|suspects?|count|number|records)\b",
    re.IGNORECASE,
)
"""Words that make an axis title say its values are counts."""


NON_COUNT_PREFIXES = ("mean_", "median_", "share_", "rate_", "ratio_", "pct_", "smd_")
"""A key that begins with one of these is a statistic of counts, not a count, whatever follows:
``mean_harm_participants`` is a mean over participants and can be a whole number (148) by
chance; read as a count, it refused a national release. ``smd_before`` and ``smd_after`` are
standardised mean differences (to 2 decimal places; 0 for a characteristic matched exactly)."""


@functools.lru_cache(maxsize=8192)
def is_count_name(name: str) -> bool:
    """Whether a column or key called ``name`` holds counts (see :data:`NON_COUNT` and
    :data:`NON_COUNT_PREFIXES`).

    Kept per name: a national release has over a million keys but only a few hundred names."""
    lowered = name.strip().lower()
    return (
        not any(
            lowered == suffix or lowered.endswith("_" + suffix) or lowered.endswith(suffix)
            for suffix in NON_COUNT
            if len(suffix) > 1
        )
        and lowered not in NON_COUNT
        and not lowered.startswith(NON_COUNT_PREFIXES)
    )


def is_count(path: str) -> bool:
    """Whether the JSON value at ``path`` (``a.b[3].c``) is a count: its key says so and its
    place is not one of :data:`NON_COUNT_PATHS`."""
    key = re.sub(r"\[\d+\]$", "", path).rsplit(".", 1)[-1]
    return is_count_name(key) and not any(p.search(path) for p in NON_COUNT_PATHS)


def _as_count(text: str) -> int | None:
    cleaned = text.strip().replace(",", "")
    if re.fullmatch(r"-?\d+", cleaned):
        return int(cleaned)
    if re.fullmatch(r"-?\d+\.0+", cleaned):
        return int(float(cleaned))
    return None


def _count_problem(value: Any, threshold: int) -> str | None:
    """What is wrong with ``value`` as a published count (None: nothing)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float):
        if not value.is_integer():
            return None
        value = int(value)
    if not isinstance(value, int) or value == 0:
        return None
    if 0 < value < threshold:
        return f"count {value}"
    if threshold > 1 and value % threshold:
        return f"count {value} is not rounded to a multiple of {threshold}"
    return None


def _decode(values: Any) -> list[Any]:
    if isinstance(values, dict) and "bdata" in values:
        raw = base64.b64decode(values["bdata"])
        array = np.frombuffer(raw, dtype=np.dtype(values.get("dtype", "f8")))
        return array.tolist()
    if isinstance(values, list):
        flat: list[Any] = []
        for v in values:
            flat.extend(_decode(v) if isinstance(v, list | dict) else [v])
        return flat
    return [values]


def _plotly_calls(text: str) -> Iterator[list[Any]]:
    decoder = json.JSONDecoder()
    for match in re.finditer(r"Plotly\.newPlot\(\s*", text):
        position = match.end()
        args: list[Any] = []
        for _ in range(3):
            try:
                value, position = decoder.raw_decode(text, position)
            except json.JSONDecodeError:
                break
            args.append(value)
            while position < len(text) and text[position] in " \n\t,":
                position += 1
        yield args


class _TableParser(HTMLParser):
    """Collects table cells with their column headers, headline values and visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[tuple[str, str, bool]] = []  # (header, text, numeric cell)
        self.headers: list[str] = []  # every table header seen
        self.kpi_values: list[str] = []
        self.text: list[str] = []
        self._headers: list[str] = []
        self._column = 0
        self._in: str | None = None
        self._numeric = False
        self._buffer: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "table":
            self._headers = []
        elif tag == "tr":
            self._column = 0
        elif tag in ("th", "td"):
            self._in, self._numeric, self._buffer = tag, "num" in classes, []
        elif tag == "div" and "v" in classes:
            self._in, self._buffer = "kpi", []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "th" and self._in == "th":
            self._headers.append("".join(self._buffer).strip())
            self.headers.append(self._headers[-1])
            self._in = None
        elif tag == "td" and self._in == "td":
            header = self._headers[self._column] if self._column < len(self._headers) else ""
            self.cells.append((header, "".join(self._buffer).strip(), self._numeric))
            self._column += 1
            self._in = None
        elif tag == "div" and self._in == "kpi":
            self.kpi_values.append("".join(self._buffer).strip())
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        self.text.append(data)
        if self._in:
            self._buffer.append(data)


_COUNT_IN_TEXT = re.compile(
    r"(?<![\d.,])\b(\d[\d,]*)\s+(?:crimes?|offen[cs]es?|offenders?|victims?|people|persons?|"
    r"respondents?|cases?|perpetrators?|suspects?|women|girls|men)\b",
    re.IGNORECASE,
)


def _header_is_count(header: str) -> bool:
    """Whether an HTML table column (a human label) holds counts."""
    words = set(re.findall(r"[a-z]+", header.lower()))
    return "%" not in header and not words & _HTML_NON_COUNT_WORDS and is_count_name(header)


def _axis_title(layout: Any, axis: str) -> str:
    if not isinstance(layout, dict):
        return ""
    for name, value in layout.items():
        if name.startswith(axis + "axis") and isinstance(value, dict):
            title = value.get("title")
            text = title.get("text") if isinstance(title, dict) else title
            if text:
                return str(text)
    return ""


def _trace_is_count(trace: dict[str, Any], key: str, layout: Any) -> bool:
    """A trace's values are counts when it declares ``meta.measure`` a count, or, declaring
    nothing, when the axis they are drawn on is titled with a count word ("crimes")."""
    measure = str((trace.get("meta") or {}).get("measure", ""))
    if measure:
        return is_count_name(measure) and key in ("x", "y", "z", "values")
    if key not in ("x", "y"):
        return False
    axis = key + str(trace.get(key + "axis", key))[1:]
    title = _axis_title(layout, axis)
    words = set(re.findall(r"[a-z]+", title.lower()))
    plain = "%" not in title and not words & _HTML_NON_COUNT_WORDS
    return bool(_COUNT_WORDS.search(title)) and plain


@dataclass
class _Table:
    """Rows of one published table, kept for the cross-file check of withheld cells."""

    where: str
    rows: list[dict[str, Any]]


def _scan_text(
    rel: str, text: str, identifiers: frozenset[str], births: frozenset[str], *, dates: bool
) -> list[Finding]:
    """Anywhere in a file: reference-like tokens, known identifiers, dates of birth, paths."""
    found: list[Finding] = []
    for match in REFERENCE_PATTERN.finditer(text):
        found.append(
            Finding(rel, f"offset {match.start()}", f"reference-like token {match.group()!r}")
        )
    if identifiers:
        for match in re.finditer(r"[A-Za-z0-9_\-/]{4,}", text):
            if match.group() in identifiers:
                found.append(
                    Finding(rel, f"offset {match.start()}", f"identifier {match.group()!r}")
                )
    if dates:
        for match in FULL_DATE.finditer(text):
            year = int(match.group(1) or match.group(6))
            old = OLDEST_BIRTH_YEAR <= year < OLDEST_FIGURE_DATE.year
            # A known birth date on the 1st of a month is indistinguishable from a published
            # month (2017-09-01): only the other known dates are looked for.
            first = (match.group(3) or match.group(4)) == "01"
            if old or (match.group() in births and not first):
                found.append(
                    Finding(rel, f"offset {match.start()}", f"date of birth? {match.group()!r}")
                )
        for match in LOCAL_PATH.finditer(text):
            found.append(Finding(rel, f"offset {match.start()}", f"local path {match.group()!r}"))
    return found


def _names(rel: str, names: Iterable[str], where: str) -> list[Finding]:
    """Identifier column names among the columns, keys or headers of a table."""
    return [
        Finding(rel, where, f"identifier column name {name!r}")
        for name in names
        if _identifier_name(name)
    ]


def _identifier_name(name: str) -> bool:
    """A column, key or header naming an identifier: it is one, or ends with one
    (``offender_person_id``), unlike a count about one (``no_date_of_birth_crimes``)."""
    return any(m.end() == len(name.strip()) for m in IDENTIFIER_NAMES.finditer(name.strip()))


def _scan_csv(rel: str, text: str, threshold: int, tables: list[_Table]) -> list[Finding]:
    found: list[Finding] = []
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return found
    header = rows[0]
    found += _names(rel, header, "header")
    if {"column", "value"} <= set(header):  # long format: table, row, column, value
        return found + _scan_long_csv(rel, header, rows[1:], threshold)
    records: list[dict[str, Any]] = []
    for line, row in enumerate(rows[1:], start=2):
        record: dict[str, Any] = {}
        for name, cell in zip(header, row, strict=False):
            value = _as_count(cell)
            record[name] = value if value is not None else (cell if cell != "" else None)
            problem = _count_problem(value, threshold) if is_count_name(name) else None
            if problem:
                found.append(Finding(rel, f"line {line}, column {name}", problem))
        records.append(record)
    tables.append(_Table(rel, records))
    return found


def _scan_long_csv(
    rel: str, header: list[str], rows: list[list[str]], threshold: int
) -> list[Finding]:
    """A long CSV (one figure a line): the ``column`` cell names the figure (or, when it is
    just ``value``, the ``row`` label does: "crimes in scope")."""
    found: list[Finding] = []
    at = {name: i for i, name in enumerate(header)}
    for line, row in enumerate(rows, start=2):
        cells = dict(zip(header, row, strict=False))
        name = cells.get("column", "")
        if name in ("value", "") and "row" in at:
            name = cells.get("row", "")
        problem = _count_problem(_as_count(cells.get("value", "")), threshold)
        if problem and is_count_name(name) and not _HTML_NON_COUNT_WORDS & _words(name):
            found.append(Finding(rel, f"line {line}, {name}", problem))
    return found


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def _walk_json(
    rel: str, node: Any, path: str, threshold: int, tables: list[_Table]
) -> Iterator[Finding]:
    """Every key at every depth: a count key's number must obey the rule."""
    if isinstance(node, dict):
        for key, value in node.items():
            here = f"{path}.{key}" if path else str(key)
            if _identifier_name(str(key)):
                yield Finding(rel, here, f"identifier key {key!r}")
            if key in SETTINGS_KEYS:
                continue
            if isinstance(value, int | float) and is_count(here):
                problem = _count_problem(value, threshold)
                if problem:
                    yield Finding(rel, here, problem)
            yield from _walk_json(rel, value, here, threshold, tables)
    elif isinstance(node, list):
        if node and all(isinstance(v, dict) for v in node):
            tables.append(_Table(f"{rel}: {path}", list(node)))
        for i, value in enumerate(node):
            yield from _walk_json(rel, value, f"{path}[{i}]", threshold, tables)


def _scan_json(rel: str, text: str, threshold: int, tables: list[_Table]) -> list[Finding]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        return [Finding(rel, "file", f"not valid JSON ({error.msg})")]
    return list(_walk_json(rel, document, "", threshold, tables))


def _scan_html(rel: str, text: str, threshold: int) -> list[Finding]:
    found: list[Finding] = []
    for number, args in enumerate(_plotly_calls(text), start=1):
        traces = args[1] if len(args) > 1 and isinstance(args[1], list) else []
        layout = args[2] if len(args) > 2 else None
        for index, trace in enumerate(traces):
            if not isinstance(trace, dict):
                continue
            measure = str((trace.get("meta") or {}).get("measure", "")) or "undeclared"
            for key in ("x", "y", "z", "values"):
                values = trace.get(key)
                if values is None or not _trace_is_count(trace, key, layout):
                    continue
                for value in _decode(values):
                    problem = _count_problem(value, threshold)
                    if problem:
                        where = f"chart {number}, trace {index} ({measure}), {key}"
                        found.append(Finding(rel, where, problem))
    parser = _TableParser()
    parser.feed(text)
    found += _names(rel, parser.headers, "table header")
    for header, cell, numeric in parser.cells:
        value = _as_count(cell)
        if numeric and value is not None and _header_is_count(header or "count"):
            problem = _count_problem(value, threshold)
            if problem:
                found.append(Finding(rel, f"table column {header!r}", problem))
    for cell in parser.kpi_values:
        problem = _count_problem(_as_count(cell), threshold)
        if problem:
            found.append(Finding(rel, "headline figure", problem))
    for match in _COUNT_IN_TEXT.finditer("\n|\n".join(parser.text)):
        problem = _count_problem(_as_count(match.group(1)), threshold)
        if problem:
            found.append(Finding(rel, "text", f"{problem} in {match.group()!r}"))
    return found


def _keys(rows: list[dict[str, Any]]) -> list[str]:
    """The label columns of a table: those holding text in every row that has them."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return [
        n
        for n in names
        if all(isinstance(r.get(n), str) for r in rows if r.get(n) is not None)
        and any(r.get(n) is not None for r in rows)
    ]


def _solvable(tables: list[_Table]) -> list[Finding]:
    """Withheld cells that a published total (in a table keyed by one column) gives away."""
    totals: dict[tuple[str, str], dict[str, list[str]]] = {}
    for table in tables:
        keys = _keys(table.rows)
        if len(keys) != 1:
            continue
        (key,) = keys
        labels = [row.get(key) for row in table.rows]
        if len(set(labels)) != len(labels):  # one row per label, or they are not totals
            continue
        for row in table.rows:
            label = row.get(key)
            for column, value in row.items():
                if column != key and isinstance(value, int | float) and is_count_name(column):
                    totals.setdefault((key, column), {}).setdefault(str(label), []).append(
                        table.where
                    )
    found: list[Finding] = []
    for table in tables:
        keys = _keys(table.rows)
        counts = {
            c
            for row in table.rows
            for c, v in row.items()
            if c not in keys and is_count_name(c) and (v is None or isinstance(v, int | float))
        }
        for column in sorted(counts):
            if not any(row.get(column) is None and column in row for row in table.rows):
                continue
            for key in keys:
                published = totals.get((key, column), {})
                groups: dict[str, list[dict[str, Any]]] = {}
                for row in table.rows:
                    if row.get(key) not in TOTAL_LABELS:
                        groups.setdefault(str(row.get(key)), []).append(row)
                for label, rows in groups.items():
                    withheld = [r for r in rows if column in r and r[column] is None]
                    where = [w for w in published.get(label, []) if w != table.where]
                    if len(keys) > 1 and len(withheld) == 1 and where:
                        found.append(
                            Finding(
                                table.where,
                                f"{key} {label!r}, column {column}",
                                f"the one withheld cell of the group can be solved from the "
                                f"total published in {where[0]}",
                            )
                        )
    return found


def _shipped_plotly() -> bytes:
    """The chart library the reports inline and the site ships (empty if plotly is absent)."""
    spec = importlib.util.find_spec("plotly")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        library = Path(folder) / "package_data" / "plotly.min.js"
        if library.exists():
            return library.read_bytes()
    return b""


def scan_files(
    paths: Iterable[Path],
    *,
    threshold: int,
    root: Path | None = None,
    identifiers: Iterable[str] = (),
    dates_of_birth: Iterable[str] = (),
) -> list[Finding]:
    """Every disclosure problem in ``paths`` (empty list: safe to publish), the files read as
    one output: a withheld cell in one file is checked against the totals of every other.

    JSON, CSV and HTML are walked as described in the module docstring; any other text file for
    identifiers, dates of birth and paths. The shipped plotly.js library (a file of the site, or
    inlined in a report page) is recognised and checked for identifiers only (it contains
    calendar constants and URLs).
    """
    known = frozenset(identifiers)
    births = frozenset(dates_of_birth)
    shipped = _shipped_plotly()
    library = hashlib.sha256(shipped).hexdigest()
    inlined = shipped.decode("utf-8")
    found: list[Finding] = []
    tables: list[_Table] = []
    for path in sorted(paths):
        rel = path.relative_to(root).as_posix() if root else path.name
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            if path.suffix.lower() == ".png":
                continue  # a rendered map: pixels, checked through the HTML/JSON it was drawn from
            found.append(Finding(rel, "file", "binary file: public outputs hold only text files"))
            continue
        is_library = hashlib.sha256(raw).hexdigest() == library
        if inlined and not is_library and inlined in text:  # a report with the library inline
            text = text.replace(inlined, "")
        found += _scan_text(rel, text, known, births, dates=not is_library)
        suffix = path.suffix.lower()
        if suffix == ".csv":
            found += _scan_csv(rel, text, threshold, tables)
        elif suffix == ".json":
            found += _scan_json(rel, text, threshold, tables)
        elif suffix in (".html", ".htm") or (suffix == ".js" and not is_library):
            found += _scan_html(rel, text, threshold)
    return found + _solvable(tables)


def scan_folder(
    root: Path,
    *,
    threshold: int,
    identifiers: Iterable[str] = (),
    dates_of_birth: Iterable[str] = (),
) -> list[Finding]:
    """:func:`scan_files` over every file under ``root`` (an output folder or the open site)."""
    if not root.is_dir():
        raise InputError(f"{root}: no folder of outputs here; build one first, e.g. `vawg publish`")
    files = [p for p in root.rglob("*") if p.is_file()]
    return scan_files(
        files,
        threshold=threshold,
        root=root,
        identifiers=identifiers,
        dates_of_birth=dates_of_birth,
    )
