"""Load one delivery's files inside the store's transaction: stage, apply, withdraw, record.

:func:`vawg.store.load_paths` opens the database and the transaction, and runs the post-load
steps; this module does what lies between: each file is read (:func:`read_ahead`, before the
transaction begins), staged (:mod:`vawg.ingest`) and applied (:mod:`vawg.deliveries`) in load
order, a full replacement then withdraws what the delivery does not hold, and
:func:`record_delivery` writes the ``deliveries`` row. A file whose content (SHA-256) was
loaded before is not read again (unless the delivery replaces).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from dataclasses import replace as replaced
from datetime import datetime
from typing import Any, overload

import duckdb
import pyarrow as pa

from vawg.deliveries import Changes, Orphans, apply, present, withdraw
from vawg.ingest import InputFile, ReadFile, file_notes, read_file, stage
from vawg.ingest.checks import sql_literal
from vawg.schema import TABLES

__all__ = [
    "FileLoad",
    "LoadResult",
    "Quarantine",
    "Run",
    "load_files",
    "read_ahead",
    "record_delivery",
]


@dataclass(frozen=True)
class FileLoad:
    """What happened to one file: ``read == loaded + quarantined`` always holds.

    ``status`` is ``loaded`` (read in this delivery) or ``unchanged`` (this content was loaded
    before, nothing read). ``added + updated + unchanged_rows`` are the loaded rows; rows the
    file's table lost because the delivery no longer lists them are ``withdrawn``.
    """

    file: str
    kind: str
    status: str
    read: int
    loaded: int
    quarantined: int
    added: int = 0
    updated: int = 0
    unchanged_rows: int = 0
    withdrawn: int = 0
    notes: tuple[str, ...] = ()
    flagged: bool = False

    @property
    def share(self) -> float:
        """Share of the file's records quarantined."""
        return self.quarantined / self.read if self.read else 0.0


QuarantineRecord = tuple[str, int, int, str, str | None, str]


@dataclass(frozen=True, eq=False)
class Quarantine(Sequence[QuarantineRecord]):
    """A load's quarantine records: (file, line, last line, column, value, reason) each.

    Kept as six columns, and a record is made as a tuple when it is asked for. Made all at
    once, 10,000 tuples set off a full pass of Python's garbage collector over every object
    the program holds (0.06 s with pandas and DuckDB imported, a tenth of a 1M-crime load
    with 1% broken rows); a record read and let go costs the collector nothing. Six lists
    also hold a large quarantine in less memory than a tuple a record.
    """

    columns: tuple[Sequence[Any], ...] = ((), (), (), (), (), ())

    @classmethod
    def from_arrow(cls, table: pa.Table) -> Quarantine:
        """The records of ``table``, whose six columns are in the order of a record."""
        return cls(tuple(column.to_pylist() for column in table.columns))

    def __len__(self) -> int:
        return len(self.columns[0])

    @overload
    def __getitem__(self, index: int) -> QuarantineRecord: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[QuarantineRecord]: ...

    def __getitem__(self, index: int | slice) -> QuarantineRecord | Sequence[QuarantineRecord]:
        if isinstance(index, slice):
            return tuple(zip(*(column[index] for column in self.columns), strict=True))
        return tuple(column[index] for column in self.columns)

    def __iter__(self) -> Iterator[QuarantineRecord]:
        return zip(*self.columns, strict=True)

    def __eq__(self, other: object) -> bool:
        """Equal to the same records, kept as columns or given as a tuple or list of them."""
        if isinstance(other, tuple | list):
            return list(self) == [tuple(record) for record in other]
        if not isinstance(other, Quarantine):
            return NotImplemented
        return all(list(a) == list(b) for a, b in zip(self.columns, other.columns, strict=True))

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class LoadResult:
    """A whole load run: its delivery, one :class:`FileLoad` per file, quarantine, orphans."""

    files: tuple[FileLoad, ...]
    skipped: tuple[str, ...]
    quarantine: Quarantine
    delivery: int | None = None  # None: nothing changed, no delivery recorded
    replace: bool = False
    withdrawn: tuple[tuple[str, int], ...] = ()  # (table, rows) withdrawn as a full replacement
    orphans: tuple[Orphans, ...] = ()
    notes: tuple[str, ...] = ()
    encrypted: bool = False

    @property
    def read(self) -> int:
        """Rows read across every file."""
        return sum(f.read for f in self.files)

    @property
    def loaded(self) -> int:
        """Rows loaded across every file."""
        return sum(f.loaded for f in self.files)

    @property
    def quarantined(self) -> int:
        """Rows quarantined across every file."""
        return sum(f.quarantined for f in self.files)

    @property
    def flagged(self) -> tuple[FileLoad, ...]:
        """Files whose quarantined share was above the threshold of the run."""
        return tuple(f for f in self.files if f.flagged)


@dataclass
class Run:
    """What loading a delivery's files did, before the post-load steps and the commit."""

    delivery: int
    loads: list[FileLoad] = field(default_factory=list)
    changes: list[Changes] = field(default_factory=list)
    withdrawn: tuple[tuple[str, int], ...] = ()
    notes: list[str] = field(default_factory=list)
    seen_before: bool = True  # every file's content was loaded before

    @property
    def changed(self) -> set[str]:
        """Tables whose stored rows the delivery updated or withdrew."""
        return {f.kind for f in self.loads if f.updated or f.withdrawn} | {
            t for t, _ in self.withdrawn
        }


def read_ahead(
    con: duckdb.DuckDBPyConnection,
    files: list[InputFile],
    *,
    replace: bool,
    on_file: Callable[[InputFile], None] | None,
) -> dict[str, ReadFile]:
    """Read and check every file the delivery will load, before its transaction begins.

    A file whose content was loaded before is not read (unless the delivery replaces). Read
    outside the transaction, the checked rows are read back on every core when they are
    applied (see :func:`vawg.ingest.read.read_checked`). The caller drops the reads.
    ``on_file`` is called as each file starts to be read.
    """
    reads: dict[str, ReadFile] = {}
    try:
        for file in files:
            if on_file is not None:
                on_file(file)
            if replace or _earlier(con, file) is None:
                reads[file.name] = read_file(con, file)
    except BaseException:
        for read in reads.values():
            read.drop(con)
        raise
    return reads


def load_files(
    con: duckdb.DuckDBPyConnection,
    files: list[InputFile],
    reads: dict[str, ReadFile],
    *,
    replace: bool,
    max_quarantined: float,
    now: datetime,
) -> Run:
    """Stage and apply every file of the delivery, then withdraw (for a full replacement).

    ``reads``: the files :func:`read_ahead` read, which are every file this loop loads. Should
    one be missing, it is read here, inside the transaction, by the recovery path (which
    aborts nothing): slower, and the same answer.
    """
    row = con.execute("SELECT coalesce(max(delivery), 0) + 1 FROM deliveries").fetchone()
    run = Run(int(row[0]) if row else 1)
    unreadable: dict[str, int] = {}
    held: set[str] = set()
    for file in files:
        earlier = _earlier(con, file)
        run.seen_before = run.seen_before and earlier is not None
        if earlier is not None and not replace:
            read, loaded, quarantined, when = earlier
            run.loads.append(
                FileLoad(
                    file.name,
                    file.table.name,
                    "unchanged",
                    read,
                    loaded,
                    quarantined,
                    unchanged_rows=loaded,
                    notes=(f"same content as a file of delivery {when}",),
                )
            )
            continue
        checked = reads.get(file.name) or read_file(con, file, fast=False)
        load, change, bad = _load_one(
            con, checked, run.delivery, now, held=held, remember=_remembered(file, files, replace)
        )
        run.loads.append(replaced(load, flagged=load.share > max_quarantined))
        run.changes.append(change)
        unreadable[file.table.name] = unreadable.get(file.table.name, 0) + bad
    if replace:
        run.withdrawn, notes = _withdraw(con, run.delivery, held, unreadable)
        run.notes += notes
    return run


def _earlier(con: duckdb.DuckDBPyConnection, file: InputFile) -> tuple[int, ...] | None:
    """Counts and delivery of the last load of this content (same kind), if any."""
    row = con.execute(
        "SELECT read, loaded, quarantined, delivery, name FROM loads WHERE sha256 = ? AND kind = ? "
        "ORDER BY delivery DESC LIMIT 1",
        [file.sha256, file.table.name],
    ).fetchone()
    return None if row is None else (int(row[0]), int(row[1]), int(row[2]), int(row[3]))


def _load_one(
    con: duckdb.DuckDBPyConnection,
    read: ReadFile,
    delivery: int,
    now: datetime,
    *,
    held: set[str],
    remember: bool,
) -> tuple[FileLoad, Changes, int]:
    """Stage and apply one read file; (its FileLoad, its changes, its unreadable records).

    ``held``: kinds earlier files of the delivery remembered (see :func:`_remembered`).
    """
    file = read.file
    table = file.table
    key_held = present(table) if table.key is not None and table.name in held else None
    staged = stage(con, read, held=key_held)
    groups = None
    if table.group == "crime_ref" and "crimes" in held:
        groups = f"(SELECT g FROM {present(TABLES['crimes'])})"
    changes = apply(con, staged, delivery=delivery, groups=groups, remember=remember)
    if remember:
        held.add(table.name)
    con.execute(
        f"INSERT INTO quarantine SELECT {delivery}, {sql_literal(file.name)}, "
        f"{sql_literal(table.name)}, line, last_line, column_name, value, reason "
        f"FROM {staged.quarantine}"
    )
    con.execute(
        "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            delivery,
            file.name,
            file.path.name,
            table.name,
            file.format,
            file.encoding,
            file.sha256,
            now,
            staged.read,
            staged.loaded,
            staged.quarantined,
            changes.added,
            changes.updated,
            changes.unchanged,
            changes.withdrawn,
            changes.period[0],
            changes.period[1],
            staged.reader,
        ],
    )
    notes = file_notes(con, staged)
    staged.drop(con)
    load = FileLoad(
        file.name,
        table.name,
        "loaded",
        staged.read,
        staged.loaded,
        staged.quarantined,
        changes.added,
        changes.updated,
        changes.unchanged,
        changes.withdrawn,
        notes,
    )
    return load, changes, staged.unreadable


def _remembered(file: InputFile, files: list[InputFile], replace: bool) -> bool:
    """Whether what ``file`` holds must be kept for later in its delivery.

    For a full replacement (to withdraw the rest), for a later file of the same kind (keys held
    twice), and for crimes when involvements or CJS events follow (their crimes' rows are
    re-delivered with them). Otherwise it is not worth a pass over the keys.
    """
    later = files[files.index(file) + 1 :]
    kinds = {f.table.name for f in later}
    grouped = {f.table.group for f in later if f.table.group}
    return replace or file.table.name in kinds or (file.table.name == "crimes" and bool(grouped))


def _withdraw(
    con: duckdb.DuckDBPyConnection, delivery: int, held: set[str], unreadable: dict[str, int]
) -> tuple[tuple[tuple[str, int], ...], list[str]]:
    """Withdraw what a full replacement does not hold, table by table (referenced first)."""
    withdrawn, notes = [], []
    for name in (t for t in TABLES if t in held):
        if unreadable.get(name):
            notes.append(
                f"{name}: nothing withdrawn, because {unreadable[name]:,} records could not be "
                "read and which rows they hold is not known; fix them and load again with --replace"
            )
            continue
        table = TABLES[name]
        groups = None
        if table.group == "crime_ref" and "crimes" in held:
            groups = f"(SELECT g FROM {present(TABLES['crimes'])})"
        rows = withdraw(con, table, delivery, groups)
        if rows:
            withdrawn.append((name, rows))
    return tuple(withdrawn), notes


def record_delivery(
    con: duckdb.DuckDBPyConnection, run: Run, *, label: str, now: datetime, replace: bool
) -> None:
    """Write the ``deliveries`` row of ``run``: its period, counts and what it changed."""
    delivery, loads, changes = run.delivery, run.loads, run.changes
    starts = [c.period[0] for c in changes if c.period[0] is not None]
    ends = [c.period[1] for c in changes if c.period[1] is not None]
    withdrawn = con.execute(
        "SELECT coalesce(sum(rows), 0) FROM withdrawals WHERE delivery = ?", [delivery]
    ).fetchone()
    orphaned = con.execute(
        "SELECT count(*) FROM quarantine WHERE delivery = ? AND reason LIKE '%after delivery%'",
        [delivery],
    ).fetchone()
    fresh = [f for f in loads if f.status == "loaded"]
    con.execute(
        "INSERT INTO deliveries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            delivery,
            label,
            now,
            replace,
            min(starts, default=None),  # type: ignore[type-var]
            max(ends, default=None),  # type: ignore[type-var]
            len(loads),
            sum(f.read for f in fresh),
            sum(f.loaded for f in fresh),
            sum(f.quarantined for f in fresh),
            sum(f.added for f in fresh),
            sum(f.updated for f in fresh),
            sum(f.unchanged_rows for f in loads),
            int(withdrawn[0]) if withdrawn else 0,
            int(orphaned[0]) if orphaned else 0,
        ],
    )
