"""``vawg mapping init``: draft a mapping file from a source's headers and the values it holds.

The draft is a starting point for the analyst, not a guess to trust: each contract column is
matched to a source header by the words it contains (``Occurrence Number`` → ``crime_ref``), each
enum column's distinct values are listed with the contract value they plainly mean (``Female``
→ ``F``, ``Dwelling - House`` → ``dwelling``), and everything the draft could not place is
written as a comment saying so. Date formats are those that read the sample values. Headers
that start with ``Victim``, ``Suspect`` or ``Offender`` make a wide export's ``[[persons]]``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

from vawg.mapping.sources import SourceTable, read_source
from vawg.mapping.values import normalise_code, offence_code_groups
from vawg.schema import TABLES, ColumnType

__all__ = ["draft"]

_WORDS: dict[str, tuple[str, ...]] = {
    "crime_ref": (
        "crime ref",
        "crime reference",
        "crime number",
        "crime no",
        "occurrence",
        "urn",
        "crime id",
    ),
    "outcome_date": ("outcome date", "date of outcome", "finalised"),
    "outcome_code": ("outcome",),
    "recorded_date": ("recorded", "reported", "created"),
    "committed_from": ("committed from", "from", "start", "earliest", "offence date"),
    "committed_to": ("committed to", " to", "end", "latest"),
    "offence_code": ("ho code", "home office", "offence code", "classification", "ho class"),
    "offence_group": ("offence group",),
    "domestic_abuse": ("domestic", "da flag", "da marker"),
    "location_type": ("location type", "premises", "location"),
    "lsoa_code": ("lsoa",),
    "easting": ("easting", "x coord"),
    "northing": ("northing", "y coord"),
    "person_id": ("person", "nominal", "id", "ref"),
    "sex": ("sex", "gender"),
    "date_of_birth": ("dob", "birth"),
    "role": ("role", "involvement"),
    "relationship": ("relationship",),
}
_MEANS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "sex": (("F", ("female", "f", "woman", "girl", "2")), ("M", ("male", "m", "man", "boy", "1"))),
    "domestic_abuse": (("Y", ("yes", "y", "true", "1", "da")), ("N", ("no", "n", "false", "0"))),
    "location_type": (
        ("licensed_premises", ("public house", "pub", "bar", "club", "licensed", "nightclub")),
        ("dwelling", ("dwelling", "house", "flat", "residential", "home", "bungalow")),
        ("transport", ("station", "bus", "train", "rail", "transport", "taxi")),
        ("street", ("street", "road", "footpath", "pavement", "alley")),
        ("open_space", ("park", "field", "open space", "beach", "woodland")),
        ("education", ("school", "college", "university")),
        ("commercial", ("shop", "store", "retail", "commercial", "office", "supermarket")),
    ),
    "relationship": (
        ("ex_partner", ("ex", "former")),
        ("partner", ("partner", "spouse", "husband", "wife", "boyfriend", "girlfriend")),
        (
            "family",
            ("family", "parent", "father", "mother", "son", "daughter", "brother", "sister"),
        ),
        ("acquaintance", ("acquaintance", "friend", "colleague", "neighbour")),
        ("stranger", ("stranger",)),
        ("unknown", ("unknown", "not known", "not stated")),
    ),
    "role": (
        ("victim", ("victim", "injured party")),
        ("suspect", ("suspect",)),
        ("offender", ("offender",)),
    ),
}
_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%d-%m-%Y",
    "%d.%m.%Y",
)
_PEOPLE = re.compile(r"^(victim|suspect|offender)s?\b\W*(.*)$", re.IGNORECASE)


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _plain(header: str) -> str:
    """Lower-case words with single spaces around them: ``"HOCode"`` → ``" ho code "``."""
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", header)
    return " " + re.sub(r"[^a-z0-9]+", " ", split.lower()).strip() + " "


def _match(headers: list[str], names: tuple[str, ...]) -> dict[str, str]:
    """Contract column → source header, each header used once, first listed word wins."""
    found: dict[str, str] = {}
    free = list(headers)
    for name in names:
        for word in _WORDS.get(name, (name.replace("_", " "),)):
            hit = next(
                (h for h in free if f" {word.strip()} " in _plain(h) or word in _plain(h)), None
            )
            if hit is not None:
                found[name] = hit
                free.remove(hit)
                break
    return found


def _meaning(column: str, value: str) -> str | None:
    """The contract value ``value`` plainly means: itself, or a listed whole word or phrase."""
    text = value.strip().casefold()
    words = _plain(text)
    for target, listed in _MEANS.get(column, ()):
        if text == target.casefold() or any(text == w or _plain(w) in words for w in listed):
            return target
    return None


def _values(column: str, counts: Counter[str]) -> list[str]:
    lines = [f"[values.{column}]"]
    by_target: dict[str, list[str]] = {}
    unplaced: list[str] = []
    for value, _ in counts.most_common(60):
        target = _meaning(column, value)
        (by_target.setdefault(target, []) if target else unplaced).append(value)
    lines += [f"{t} = [{', '.join(_q(v) for v in vs)}]" for t, vs in by_target.items()]
    lines += [f"# unplaced: {_q(v)} ({counts[v]} rows) - add it to a list above" for v in unplaced]
    return lines


def _formats(samples: list[str]) -> list[str]:
    used: list[str] = []
    for fmt in _DATE_FORMATS:
        for value in samples:
            try:
                dt.datetime.strptime(value.strip(), fmt)
            except ValueError:
                continue
            used.append(fmt)
            break
    if any(re.fullmatch(r"\d{5}(\.\d+)?", v.strip()) for v in samples):
        used.append("excel")
    return used


def _kind(source: SourceTable) -> str:
    plain = " ".join(_plain(h) for h in source.headers)
    if any(_PEOPLE.match(h) for h in source.headers):
        return "crimes"
    if " role " in plain or "involvement" in plain:
        return "involvements"
    if (" sex " in plain or "gender" in plain) and "offence" not in plain:
        return "people"
    return "crimes"


def draft(paths: list[Path]) -> str:
    """A mapping file's text for the source files ``paths`` (CSV or .xlsx)."""
    out = [
        "# Draft mapping written by `vawg mapping init`: check every line, then run",
        "# `vawg mapping check FILES --mapping THIS.toml` until nothing is unplaced.",
        "",
        "[source]",
        f"name = {_q(paths[0].stem)}",
        'encoding = "utf-8-sig"   # "cp1252" for a Windows export',
    ]
    enum_counts: dict[str, Counter[str]] = {}
    date_samples: list[str] = []
    codes: Counter[str] = Counter()
    persons: dict[str, dict[str, str]] = {}
    for path in paths:
        source = read_source(path)
        table = _kind(source)
        personal = [h for h in source.headers if _PEOPLE.match(h)]
        plain_headers = [h for h in source.headers if h not in personal]
        contract = TABLES[table]
        names = tuple(c.name for c in contract.columns)
        found = _match(plain_headers, names)
        out += ["", f"[{table}]", f"files = [{_q(path.name)}]", f"[{table}.columns]"]
        out += [f"{name} = {_q(header)}" for name, header in found.items()]
        out += [
            f'# {c.name} = "?"   # {"required; " if c.required else ""}{c.doc}'
            for c in contract.columns
            if c.name not in found and not (c.name == "offence_group" and "offence_code" in found)
        ]
        found_people: list[tuple[str, str]] = []
        for header in personal:
            match = _PEOPLE.match(header)
            assert match is not None
            role = match.group(1).lower()
            rest = _match(
                [match.group(2) or "id"], ("sex", "date_of_birth", "relationship", "person_id")
            )
            for name in rest:
                persons.setdefault(role, {})[name] = header
                found_people.append((name, header))
        pairs = [*found.items(), *found_people]
        for name, header in pairs:
            index = source.headers.index(header)
            values = [r.cells[index] for r in source.rows if index < len(r.cells)]
            column = next(
                (
                    c
                    for t in ("crimes", "people", "involvements")
                    for c in TABLES[t].columns
                    if c.name == name
                ),
                None,
            )
            if column is None:
                continue
            if column.type in (ColumnType.ENUM, ColumnType.FLAG):
                enum_counts.setdefault(name, Counter()).update(
                    v.strip() for v in values if v.strip()
                )
            elif column.type in (ColumnType.DATE, ColumnType.DATETIME):
                date_samples += [v for v in values[:200] if v.strip()]
            if name == "offence_code":
                codes.update(normalise_code(v) for v in values if v.strip())
    for role, columns in persons.items():
        out += ["", "[[persons]]", f"role = {_q(role)}"]
        out += [f"{k} = {_q(v)}" for k, v in columns.items()]
    for name, counts in enum_counts.items():
        out += ["", *_values(name, counts)]
    out += ["", "[dates]", f"formats = [{', '.join(_q(f) for f in _formats(date_samples))}]"]
    shipped = offence_code_groups()
    unknown = [c for c in codes if c not in shipped and c.split("/")[0] not in shipped]
    out += ["", "[offence_codes]   # codes the shipped Home Office list lacks; give each a group"]
    out += [f'# {_q(c)} = "?"   ({codes[c]} rows)' for c in unknown]
    return "\n".join(out) + "\n"
