"""Re-measure issue 18's reliability figures: what a careless supplier's files cost now.

Builds a synthetic force with :func:`vawg.synth.generate` (``--scale``, default 1.0), then loads
it as a supplier would damage or re-deliver it, each case into a fresh database, and prints the
figure the issue reported beside the one measured now:

1. a ``"`` at the start of line 3 of people.csv (the issue: the rest of the file, 15,465 rows,
   became one quarantine record, and 37,490 involvements were quarantined as orphans);
2. the same crimes.csv delivered again in a new folder (the issue: 93,533 duplicates);
3. 1,000 crimes removed from crimes.csv and the file loaded again, as an update and as a full
   replacement (the issue: 1,967 involvements and 14 CJS events left orphaned, 0 quarantined);
4. one Latin-1 byte in crimes.csv (the issue: the whole file refused);
5. ``2020-1-5`` as a recorded date and ``" victim"`` as a role (the issue: both loaded);
6. bare carriage returns in crime references (the issue: line numbers drifted by up to 125);
7. a folder with nothing to load (the issue: exit 0 with "total 0").

    python benchmarks/reliability.py [--scale 1.0] [--seed 0]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

import duckdb

from vawg.errors import InputError
from vawg.store import LoadResult, load_paths
from vawg.synth import generate


def _load(paths: list[Path], db: Path, **options: object) -> LoadResult:
    return load_paths(paths, db, **options)  # type: ignore[arg-type]


def _count(db: Path, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        row = con.execute(sql).fetchone()
    finally:
        con.close()
    return int(row[0]) if row else 0


ORPHANS = (
    "SELECT (SELECT count(*) FROM involvements WHERE crime_ref NOT IN (SELECT crime_ref FROM "
    "crimes) OR person_id NOT IN (SELECT person_id FROM people)) + (SELECT count(*) FROM "
    "cjs_events WHERE crime_ref NOT IN (SELECT crime_ref FROM crimes))"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        clean = root / "clean"
        generate(clean, scale=args.scale, seed=args.seed)
        extract = [p for p in clean.iterdir() if p.suffix == ".csv"]

        def copy(name: str) -> Path:
            folder = root / name
            folder.mkdir()
            for p in extract:
                shutil.copy(p, folder / p.name)
            return folder

        # 1. A stray quote at the start of line 3 of people.csv.
        folder = copy("quote")
        people = folder / "people.csv"
        lines = people.read_bytes().split(b"\n")
        lines[2] = b'"' + lines[2]
        people.write_bytes(b"\n".join(lines))
        result = _load([folder], root / "quote.duckdb")
        [p] = [f for f in result.files if f.kind == "people"]
        [inv] = [f for f in result.files if f.kind == "involvements"]
        rows.append(
            (
                "stray quote, line 3 of people.csv: people records lost",
                "15,465 (read=2, loaded=1)",
                f"{p.quarantined:,} of {p.read:,} read ({p.loaded:,} loaded)",
            )
        )
        rows.append(
            (
                "  involvements quarantined as orphans",
                "37,490",
                f"{inv.quarantined:,} (the one person's)",
            )
        )

        # 2. The same crimes.csv in a new folder.
        db = root / "again.duckdb"
        _load([clean], db)
        again = root / "new-folder"
        again.mkdir()
        shutil.copy(clean / "crimes.csv", again / "crimes.csv")
        result = _load([again], db)
        [c] = result.files
        rows.append(
            (
                "same crimes.csv in a new folder: duplicates",
                "93,533",
                f"{c.quarantined:,} ({c.status}, {c.unchanged_rows:,} rows unchanged)",
            )
        )

        # 3. 1,000 crimes removed, crimes.csv loaded again.
        fewer = root / "fewer"
        fewer.mkdir()
        lines = (clean / "crimes.csv").read_bytes().split(b"\n")
        (fewer / "crimes.csv").write_bytes(b"\n".join([lines[0], *lines[1001:]]))
        update = _load([fewer], db)
        rows.append(
            (
                "1,000 crimes removed, loaded as an update: withdrawn, orphans",
                "(files replaced) 1,967 + 14 orphans",
                f"{sum(n for _, n in update.withdrawn):,} withdrawn, {_count(db, ORPHANS):,} orphans",
            )
        )
        replaced = _load([fewer], db, replace=True)
        moved = sum(o.rows for o in replaced.orphans)
        rows.append(
            (
                "  loaded with --replace: withdrawn, moved to quarantine, orphans",
                "1,967 + 14 orphans, 0 quarantined",
                f"{dict(replaced.withdrawn).get('crimes', 0):,} crimes withdrawn, {moved:,} rows "
                f"moved to quarantine ({', '.join(f'{o.rows:,} {o.table}' for o in replaced.orphans)}), "
                f"{_count(db, ORPHANS):,} orphans",
            )
        )

        # 4. One Latin-1 byte.
        folder = copy("latin1")
        crimes = folder / "crimes.csv"
        data = crimes.read_bytes()
        at = data.index(b"\n", len(data) // 2) + 1
        crimes.write_bytes(data[:at] + b"\xe9" + data[at:])
        result = _load([folder / "crimes.csv"], root / "latin1.duckdb")
        [c] = result.files
        rows.append(
            (
                "one Latin-1 byte in crimes.csv: records lost",
                "the whole file refused",
                f"{c.quarantined:,} of {c.read:,}",
            )
        )

        # 5. Strict values.
        folder = copy("strict")
        crimes, involvements = folder / "crimes.csv", folder / "involvements.csv"
        lines = crimes.read_bytes().split(b"\n")
        fields = lines[1].split(b",")
        fields[1] = b"-".join(str(int(x)).encode() for x in fields[1].split(b"-"))
        lines[1] = b",".join(fields)
        crimes.write_bytes(b"\n".join(lines))
        lines = involvements.read_bytes().split(b"\n")
        victim = next(i for i, line in enumerate(lines) if b",victim," in line)
        lines[victim] = lines[victim].replace(b",victim,", b", victim,")
        involvements.write_bytes(b"\n".join(lines))
        result = _load([folder], root / "strict.duckdb")
        [q1] = [q for q in result.quarantine if q[3] == "recorded_date"]
        [q2] = [q for q in result.quarantine if q[3] == "role"]
        rows.append(
            (
                f"'{q1[4]}' as a date, '{q2[4]}' as a role",
                "both loaded",
                "both quarantined",
            )
        )

        # 6. Bare carriage returns: the largest line drift.
        folder = copy("cr")
        crimes = folder / "crimes.csv"
        lines = crimes.read_bytes().split(b"\n")
        step = max(len(lines) // 12, 2)
        for i in range(2, len(lines) - 1, step):
            ref, rest = lines[i].split(b",", 1)
            lines[i] = ref + b"\r," + rest
        crimes.write_bytes(b"\n".join(lines))
        db = root / "cr.duckdb"
        _load([crimes], db)
        # Physical line of each crime, counted here: 1 + line breaks before it (CR and LF).
        starts, line = {}, 1
        for raw in lines[1:]:
            line += 1
            starts[raw.split(b",", 1)[0].decode()] = line
            line += raw.count(b"\r")
        con = duckdb.connect(str(db), read_only=True)
        loaded = con.execute("SELECT crime_ref, _line FROM crimes").fetchall()
        con.close()
        drift = max(abs(starts[ref] - at) for ref, at in loaded)
        rows.append(("bare CRs in crimes.csv: largest line drift", "125", f"{drift}"))

        # 7. Nothing to load.
        empty = root / "empty"
        empty.mkdir()
        (empty / "README.txt").write_text("notes", encoding="utf-8")
        try:
            _load([empty], root / "empty.duckdb")
            outcome = "loaded (exit 0)"
        except InputError:
            outcome = "error (exit 1)"
        rows.append(("a folder with nothing to load", "exit 0, 'total 0'", outcome))

    width = max(len(r[0]) for r in rows)
    print(f"synthetic force at scale {args.scale}, seed {args.seed}\n")
    print(f"{'case':{width}}  {'issue 18':>36}  now")
    for case, before, now in rows:
        print(f"{case:{width}}  {before:>36}  {now}")


if __name__ == "__main__":
    main()
