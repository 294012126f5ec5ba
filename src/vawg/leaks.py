"""The scanner: every file of a site checked for small counts and person identifiers."""

from __future__ import annotations

import base64
import csv
import hashlib
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
import plotly.offline

from vawg.disclosure import is_disclosive
from vawg.errors import InputError

__all__ = ["NON_COUNT", "Finding", "scan_site"]

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
    "p_value",
    "q_value",
    "ratio",
    "decile",
    "rank",
    "score",
    "weight",
    "days",
    "year",
    "label",
    "suppressed",
)
"""Column-name endings (and trace measures) that are not counts; everything else is checked."""


@dataclass(frozen=True)
class Finding:
    """Something on the site that must not be published."""

    path: str
    where: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.where}: {self.what}"


IDENTIFIER_NAMES = re.compile(
    r"crime[_ ]?ref|person[_ ]?id|date[_ ]?of[_ ]?birth|\bdob\b|respondent[_ ]?id|response[_ ]?id",
    re.IGNORECASE,
)
"""Names of the person-level columns: none may appear anywhere on the site."""

REFERENCE_PATTERN = re.compile(r"\b[A-Z]{1,3}\d{6,}\b")
"""A crime or person reference: capital letters then six or more digits (``KT10000001``)."""

FULL_DATE = re.compile(
    r"\b((?:19|20)\d\d)-([01]\d)-([0-3]\d)\b|\b([0-3]\d)/([01]\d)/((?:19|20)\d\d)\b"
)

OLDEST_FIGURE_DATE = date(2005, 1, 1)
"""A full date before this is taken as a date of birth: no published figure needs one."""


def _is_count_name(name: str) -> bool:
    lowered = name.strip().lower()
    return not any(lowered.endswith(suffix) or lowered == suffix for suffix in NON_COUNT)


def _as_count(text: str) -> int | None:
    cleaned = text.strip().replace(",", "")
    if re.fullmatch(r"-?\d+", cleaned):
        return int(cleaned)
    if re.fullmatch(r"-?\d+\.0+", cleaned):
        return int(float(cleaned))
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
    r"\b(\d[\d,]*)\s+(?:crimes?|offen[cs]es?|offenders?|victims?|people|persons?|"
    r"respondents?|cases?|perpetrators?|suspects?|women|girls|men)\b",
    re.IGNORECASE,
)


def _check_count(value: Any, threshold: int) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return is_disclosive(value, threshold)
    if isinstance(value, float) and value.is_integer():
        return is_disclosive(int(value), threshold)
    return False


def _scan_text(rel: str, text: str, identifiers: frozenset[str], *, dates: bool) -> list[Finding]:
    found: list[Finding] = []
    for match in IDENTIFIER_NAMES.finditer(text):
        found.append(
            Finding(rel, f"offset {match.start()}", f"identifier column name {match.group()!r}")
        )
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
            if year < OLDEST_FIGURE_DATE.year:
                found.append(
                    Finding(rel, f"offset {match.start()}", f"date of birth? {match.group()!r}")
                )
    return found


def _scan_csv(rel: str, text: str, threshold: int) -> list[Finding]:
    found: list[Finding] = []
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return found
    header = rows[0]
    for line, row in enumerate(rows[1:], start=2):
        for name, cell in zip(header, row, strict=False):
            value = _as_count(cell)
            if value is not None and _is_count_name(name) and is_disclosive(value, threshold):
                found.append(Finding(rel, f"line {line}, column {name}", f"count {value}"))
    return found


def _scan_html(rel: str, text: str, threshold: int) -> list[Finding]:
    found: list[Finding] = []
    for number, args in enumerate(_plotly_calls(text), start=1):
        traces = args[1] if len(args) > 1 and isinstance(args[1], list) else []
        for index, trace in enumerate(traces):
            measure = (
                str((trace.get("meta") or {}).get("measure", "")) if isinstance(trace, dict) else ""
            )
            if measure and not _is_count_name(measure):
                continue
            for key in ("x", "y", "z", "values", "text", "customdata"):
                values = trace.get(key) if isinstance(trace, dict) else None
                if values is None:
                    continue
                for value in _decode(values):
                    if _check_count(value, threshold):
                        found.append(
                            Finding(
                                rel,
                                f"chart {number}, trace {index} ({measure or 'undeclared'}), {key}",
                                f"count {value}",
                            )
                        )
    parser = _TableParser()
    parser.feed(text)
    for header, cell, numeric in parser.cells:
        value = _as_count(cell)
        countable = numeric and value is not None and _is_count_name(header or "count")
        if countable and is_disclosive(value, threshold):
            found.append(Finding(rel, f"table column {header!r}", f"count {value}"))
    for cell in parser.kpi_values:
        value = _as_count(cell)
        if value is not None and is_disclosive(value, threshold):
            found.append(Finding(rel, "headline figure", f"count {value}"))
    for match in _COUNT_IN_TEXT.finditer(" ".join(parser.text)):
        value = _as_count(match.group(1))
        if value is not None and is_disclosive(value, threshold):
            found.append(Finding(rel, "text", f"count in {match.group()!r}"))
    return found


def _shipped_plotly_digest() -> str:
    return hashlib.sha256(plotly.offline.get_plotlyjs().encode("utf-8")).hexdigest()


def scan_site(root: Path, *, threshold: int, identifiers: Iterable[str] = ()) -> list[Finding]:
    """Every disclosure problem in the site under ``root`` (empty list: safe to publish).

    Checks every file: CSVs (count columns), HTML (chart data, tables, headline figures, text),
    any other text file; for person identifiers everywhere (column names, reference-like
    tokens, the exact ``identifiers`` given, dates of birth). The shipped plotly.js library is
    recognised by its digest and checked for identifiers only (it contains calendar constants).
    """
    if not root.is_dir():
        raise InputError(f"{root}: no site here; build one with `vawg publish --out {root}`")
    known = frozenset(identifiers)
    library = _shipped_plotly_digest()
    found: list[Finding] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        rel = path.relative_to(root).as_posix()
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            found.append(Finding(rel, "file", "binary file: the site holds only text files"))
            continue
        is_library = hashlib.sha256(raw).hexdigest() == library
        found += _scan_text(rel, text, known, dates=not is_library)
        if path.suffix == ".csv":
            found += _scan_csv(rel, text, threshold)
        elif path.suffix in (".html", ".htm") or (path.suffix == ".js" and not is_library):
            found += _scan_html(rel, text, threshold)
    return found
