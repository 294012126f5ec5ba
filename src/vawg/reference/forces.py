"""The 43 police force areas of England and Wales and their districts, found by name.

A user types a force as they know it: ``Kent``, ``Kent Police``, ``kent`` (the data.police.uk
id), ``E23000032`` (the ONS code), ``Devon and Cornwall`` for ONS's ``Devon & Cornwall``, ``City
of London`` for ONS's ``London, City of``. :func:`find_force` compares a normalised form of what
was typed (lower case, ``&`` read as ``and``, punctuation and the words police, constabulary,
service and force dropped) with the same form of each force's name, id and code; when nothing
matches, the error lists the closest names. Districts (local authority districts, LAD 2019)
are found the same way by name or code.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from vawg.datasets import england_wales_lsoas, police_force_areas
from vawg.errors import InputError

__all__ = ["Force", "district_table", "find_districts", "find_force", "force_table", "forces"]

_DROP = {"police", "constabulary", "service", "force", "the"}


@dataclass(frozen=True)
class Force:
    """One police force area: ONS code and name, data.police.uk id, country."""

    code: str
    name: str
    police_uk_id: str
    country: str


def _key(text: str) -> str:
    words = re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).split()
    return " ".join(w for w in words if w not in _DROP)


def forces() -> tuple[Force, ...]:
    """Every police force area, in ONS code order (England first, then Wales)."""
    return tuple(
        Force(code, name, police_uk_id, country)
        for code, name, police_uk_id, country in police_force_areas().iter_rows()
    )


def find_force(name: str) -> Force:
    """The force ``name`` means (by name, data.police.uk id or ONS code), or an InputError."""
    wanted = _key(name)
    if not wanted:
        raise InputError(f"force {name!r} is empty; give a name such as 'Kent' or 'West Yorkshire'")
    candidates: dict[str, Force] = {}
    for force in forces():
        for alias in (force.name, force.police_uk_id.replace("-", " "), force.code):
            candidates.setdefault(_key(alias), force)
    if wanted in candidates:
        return candidates[wanted]
    starts = {f for k, f in candidates.items() if k.startswith(wanted)}
    if len(starts) == 1:
        return starts.pop()
    close = difflib.get_close_matches(wanted, list(candidates), n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(repr(candidates[c].name) for c in close)}? " if close else ""
    raise InputError(
        f"no police force area called {name!r}; {hint}"
        "`vawg reference forces` lists all 43 (names, data.police.uk ids and ONS codes all work)."
    )


def force_table() -> pl.DataFrame:
    """One row per force: name, code, police.uk id, country, districts, LSOAs, population."""
    lsoa = england_wales_lsoas()
    sizes = lsoa.group_by("force_code").agg(
        districts=pl.col("district_code").n_unique(),
        lsoas=pl.len(),
        population=pl.col("population").sum(),
        population_missing=pl.col("population").null_count(),
    )
    females = (
        lsoa.select("force_code", "district_code", "district_females")
        .unique()
        .group_by("force_code")
        .agg(females=pl.col("district_females").sum())
    )
    return (
        police_force_areas()
        .join(sizes, on="force_code", how="left", validate="1:1")
        .join(females, on="force_code", how="left", validate="1:1")
        .with_columns(
            population=pl.when(pl.col("population_missing") > 0)
            .then(None)
            .otherwise(pl.col("population"))
        )
        .drop("population_missing")
        .sort("force_code")
    )


def district_table(force: Force | None = None) -> pl.DataFrame:
    """One row per district (of ``force``, or all): code, name, force, LSOAs, population."""
    lsoa = england_wales_lsoas()
    if force is not None:
        lsoa = lsoa.filter(pl.col("force_code") == force.code)
    return (
        lsoa.group_by("district_code", "district", "force")
        .agg(
            lsoas=pl.len(),
            population=pl.when(pl.col("population").null_count() > 0)
            .then(None)
            .otherwise(pl.col("population").sum()),
            females=pl.col("district_females").first(),
            pubs=pl.col("district_pubs").first(),
        )
        .sort("district_code")
    )


def find_districts(names: Sequence[str]) -> tuple[str, ...]:
    """District codes for ``names`` (each a LAD 2019 code or name, any case); order kept."""
    table = district_table().select("district_code", "district")
    by_key: dict[str, str] = {}
    for code, district in table.iter_rows():
        by_key[_key(code)] = code
        by_key[_key(district)] = code
    found: list[str] = []
    for name in names:
        key = _key(name)
        if key not in by_key:
            close = difflib.get_close_matches(key, list(by_key), n=3, cutoff=0.6)
            hint = f"did you mean {', '.join(repr(c) for c in close)}? " if close else ""
            raise InputError(
                f"no district (local authority, 2019) called {name!r}; {hint}"
                "`vawg reference districts` lists them."
            )
        if by_key[key] not in found:
            found.append(by_key[key])
    if not found:
        raise InputError("no districts given; name at least one, e.g. --districts Medway")
    return tuple(found)
