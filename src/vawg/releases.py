"""The release log: what was published, kept in the database and checked at every release.

Every public output the product writes (a public report, the open site) is recorded in two
tables of the database before its files are written: ``release_log`` (one row per release:
output, period, filters, the SHA-256 of its released figures, how many, the threshold, when,
the product version) and ``release_figures`` (every published count of that release under its
place in the output, e.g. ``volume.by_district[3].crimes``).

Each new release is checked against itself and against every earlier release before it is
recorded. It is refused (:class:`~vawg.errors.InputError`, nothing written) when a published
count breaks the rule (1 to ``threshold - 1``, or not a multiple of the threshold), or when any
of its counts differs from any count published before - in any output, for any period or
filters - by 1 to ``threshold - 1``: subtracting the two would give a small count away. With
the rounding of :mod:`vawg.disclosure` no such pair can arise; the log is the independent
check that it did not, and the record of what left the building.
"""

from __future__ import annotations

import bisect
import functools
import gc
import hashlib
import importlib.metadata
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from vawg import store
from vawg.config import Settings
from vawg.errors import InputError
from vawg.leaks import SETTINGS_KEYS, is_count
from vawg.results import Result, to_jsonable

__all__ = [
    "SCOPE_FILTERS",
    "Release",
    "filters_of",
    "record_release",
    "record_result",
    "release_log",
    "released_figures",
]

_LOG = (
    "CREATE TABLE IF NOT EXISTS release_log (release_id BIGINT PRIMARY KEY, output VARCHAR, "
    "period_start DATE, period_end DATE, filters VARCHAR, figures_sha256 VARCHAR, "
    "figures BIGINT, threshold BIGINT, released_at TIMESTAMP, version VARCHAR)"
)
_FIGURES = (
    "CREATE TABLE IF NOT EXISTS release_figures (release_id BIGINT, figure VARCHAR, value BIGINT)"
)

SCOPE_FILTERS = (
    "victim_sex",
    "offender_sex",
    "offender_roles",
    "offender_min_age",
    "vawg_offence_groups",
    "include_domestic_abuse",
)
"""The settings that decide which crimes a public output counts (its filters)."""


@dataclass(frozen=True)
class Release:
    """One recorded release. ``repeat``: the same output, period, filters and figures were
    released before (``first`` is that release's id)."""

    release_id: int
    output: str
    period: tuple[date, date] | None
    filters: dict[str, Any]
    figures_sha256: str
    figures: int
    released_at: datetime
    repeat: bool
    first: int


def filters_of(settings: Settings, **extra: Any) -> dict[str, Any]:
    """The filters of a public output: the scope settings and any ``extra`` filter (a district
    selection, say), JSON-safe."""
    chosen: dict[str, Any] = {name: getattr(settings, name) for name in SCOPE_FILTERS}
    chosen.update(extra)
    return json.loads(json.dumps(chosen, default=str, sort_keys=True))


def _walk(node: Any, path: str, shape: str) -> Iterator[tuple[str, int]]:
    """Every count under ``node`` at ``path``; ``shape`` is the path with each list index
    written ``[0]``, on which whether a key is a count depends (see :func:`_counted`)."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in SETTINGS_KEYS:
                continue
            here = f"{path}.{key}" if path else str(key)
            here_shape = f"{shape}.{key}" if shape else str(key)
            if (
                isinstance(value, int | float)
                and not isinstance(value, bool)
                and _counted(here_shape)
                and float(value).is_integer()
            ):
                yield here, int(value)
            elif isinstance(value, Mapping | list | tuple):
                yield from _walk(value, here, here_shape)
    elif isinstance(node, list | tuple):
        inner = f"{shape}[0]"
        for i, value in enumerate(node):
            if isinstance(value, Mapping | list | tuple):
                yield from _walk(value, f"{path}[{i}]", inner)


@functools.lru_cache(maxsize=16384)
def _counted(shape: str) -> bool:
    """:func:`vawg.leaks.is_count` of one path shape: a national release has over a million
    places but a few hundred shapes (its index in a list never decides it)."""
    return is_count(shape)


def released_figures(document: Any) -> dict[str, int]:
    """Every count a public output publishes (its JSON document), by its place in it: the
    same keys the leak walker treats as counts."""
    return dict(_walk(document, "", ""))


def _digest(figures: Mapping[str, int]) -> str:
    text = json.dumps(sorted(figures.items()), separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _problems(
    figures: Mapping[str, int], earlier: list[tuple[int, str, str, int]], threshold: int
) -> list[str]:
    """Counts that break the rule, and pairs (new with new, new with earlier) whose difference
    is 1 to ``threshold - 1``."""
    out: list[str] = []
    for name, value in figures.items():
        if 0 < value < threshold or (threshold > 1 and value % threshold):
            out.append(f"{name} = {value} breaks the rule")
    if threshold <= 1:
        return out
    # Each distinct value once, with the first place (in sorted order) that holds it: a
    # national release repeats a few values (0, 5, 10) hundreds of thousands of times, and
    # stepping over the repeats of a value to reach a different one made this quadratic.
    first: dict[int, str] = {}
    for v, where in sorted(
        [(v, f"this release's {n}") for n, v in figures.items()]
        + [(v, f"release {rid} ({output}) {n}") for rid, output, n, v in earlier]
    ):
        first.setdefault(v, where)
    values = list(first)  # sorted, distinct
    for name, value in figures.items():
        # The smallest value within threshold - 1 of this one that is not this one.
        i = bisect.bisect_left(values, value - threshold + 1)
        if i < len(values) and values[i] == value:
            i += 1
        if i < len(values) and values[i] <= value + threshold - 1:
            other = values[i]
            where = first[other]
            out.append(f"{name} = {value} and {where} = {other} differ by {abs(value - other)}")
    return out


def _writable(db: Path) -> duckdb.DuckDBPyConnection:
    """``db`` opened for writing. When it will not open, a read-only connection an analysis
    left to the garbage collector may still hold it: collected, and tried once more (collecting
    every time cost 0.2 s a release in a large process)."""
    try:
        return store.connect(db)
    except InputError:
        gc.collect()
        return store.connect(db)


def record_release(
    db: Path,
    output: str,
    document: Any,
    *,
    period: tuple[date, date] | None,
    filters: Mapping[str, Any],
    threshold: int,
    version: str = "",
    now: datetime | None = None,
) -> Release:
    """Check the public ``document`` (an output's JSON) against every earlier release in
    ``db`` and record it; raise :class:`~vawg.errors.InputError` (recording nothing) if a
    difference from an earlier count, or a count itself, would disclose."""
    figures = released_figures(document)
    digest = _digest(figures)
    stamp = now or datetime.now().replace(microsecond=0)
    filters_text = json.dumps(dict(filters), sort_keys=True, default=str)
    try:
        con = _writable(db)
    except InputError as error:
        raise InputError(
            f"{output}: the release log is kept in the database, and recording this release "
            f"needs {db} open for writing, which failed ({error}). Stop the dashboard or any "
            "other program using the database, then run the command again; nothing was "
            "published"
        ) from None
    try:
        con.execute(_LOG)
        con.execute(_FIGURES)
        con.execute("BEGIN TRANSACTION")
        same = con.execute(
            "SELECT min(release_id) FROM release_log WHERE output = ? AND filters = ? AND "
            "figures_sha256 = ? AND period_start IS NOT DISTINCT FROM ? AND "
            "period_end IS NOT DISTINCT FROM ?",
            [output, filters_text, digest, *(period or (None, None))],
        ).fetchone()
        first = same[0] if same else None
        if first is None:
            # One earlier figure per distinct value is enough to find a small difference, and
            # keeps the check fast however many releases the log holds.
            earlier = con.execute(
                "SELECT f.release_id, l.output, f.figure, f.value FROM (SELECT value, "
                "min(release_id) AS release_id, arg_min(figure, release_id) AS figure "
                "FROM release_figures GROUP BY value) f JOIN release_log l USING (release_id)"
            ).fetchall()
            problems = _problems(figures, earlier, threshold)
            if problems:
                con.execute("ROLLBACK")
                listed = "; ".join(problems[:3])
                raise InputError(
                    f"{output}: refused by the release log ({len(problems)} problems: {listed}); "
                    "nothing was published. Public counts must be multiples of the disclosure "
                    "threshold, so that no two releases differ by a small count"
                )
        row = con.execute("SELECT coalesce(max(release_id), 0) FROM release_log").fetchone()
        release_id = int(row[0] if row else 0) + 1
        con.execute(
            "INSERT INTO release_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                release_id,
                output,
                *(period or (None, None)),
                filters_text,
                digest,
                len(figures),
                threshold,
                stamp,
                version,
            ],
        )
        if first is None and figures:
            rows = pl.DataFrame(
                {
                    "release_id": [release_id] * len(figures),
                    "figure": list(figures),
                    "value": list(figures.values()),
                },
                schema={"release_id": pl.Int64, "figure": pl.String, "value": pl.Int64},
            )
            con.register("_vawg_release_rows", rows.to_arrow())
            con.execute("INSERT INTO release_figures SELECT * FROM _vawg_release_rows")
            con.unregister("_vawg_release_rows")
        con.execute("COMMIT")
    finally:
        con.close()
    return Release(
        release_id,
        output,
        period,
        dict(filters),
        digest,
        len(figures),
        stamp,
        first is not None,
        int(first) if first is not None else release_id,
    )


def _version() -> str:
    try:
        return importlib.metadata.version("vawg-insight")
    except importlib.metadata.PackageNotFoundError:
        return ""


def record_result(
    db: Path, output: str, result: Result, settings: Settings, **extra: Any
) -> Release:
    """:func:`record_release` for a public Result: its figures are every count of
    ``result.to_dict()``, its period the Result's, its filters the scope settings and
    ``extra`` (e.g. ``districts=("Dover",)``)."""
    return record_release(
        db,
        output,
        to_jsonable(result),
        period=result.params.period,
        filters=filters_of(settings, **extra),
        threshold=settings.disclosure_threshold,
        version=_version(),
    )


def release_log(db: Path) -> pl.DataFrame:
    """Every recorded release (empty when nothing was published from ``db``)."""
    con = store.connect(db, read_only=True)
    try:
        found = con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'release_log'"
        ).fetchone()
        if not found or not found[0]:
            return pl.DataFrame(
                schema={
                    "release_id": pl.Int64,
                    "output": pl.String,
                    "period_start": pl.Date,
                    "period_end": pl.Date,
                    "filters": pl.String,
                    "figures_sha256": pl.String,
                    "figures": pl.Int64,
                    "threshold": pl.Int64,
                    "released_at": pl.Datetime,
                    "version": pl.String,
                }
            )
        return pl.from_arrow(con.execute("SELECT * FROM release_log ORDER BY release_id").arrow())  # type: ignore[return-value]
    finally:
        con.close()
