"""Build ``src/vawg/datasets/offence_codes.csv``: Home Office offence codes → offence groups.

What
----
Reads the ONS extract of Home Office offence codes (2017/18), ``offence_codes.tsv`` in
``shared/data/raw/ons-crime-offence-codes-2017-18/`` (see its ``PROVENANCE.md``), and writes one
row per offence-level code with its description, the ONS heading it sits under, and the
contract's ``offence_group`` a mapping file uses by default for that code.

Why
---
A force's extract carries Home Office codes ("8N", "19C"), not the contract's offence groups.
``vawg ingest --mapping`` turns a code into a group through this table unless the mapping file
says otherwise, so a force analyst does not type 136 lines by hand.

How groups are assigned (in this order)
---------------------------------------
1. By code: ``8Q`` → ``stalking``; ``8M`` (racially or religiously aggravated harassment) →
   ``harassment``.
2. By ONS heading: ``rape`` → ``rape``; ``other-sexual-offences`` → ``other_sexual``;
   ``violence-with-injury`` → ``violence_with_injury``; ``violence-without-injury`` →
   ``violence_without_injury``; ``harassment`` → ``harassment``.
3. Everything else → ``other``.

Gaps (written to PROVENANCE.md, not silently filled)
----------------------------------------------------
- The list is the 2017/18 vintage: it has no ``8U`` (controlling or coercive behaviour, a
  notifiable offence since 29 December 2015). One row is added by hand for it, marked
  ``source = added``; every other row is ``source = ons-2017-18``.
- Codes with a dot or a range (homicide ``1-4.1-4.10-4.2``, ``4.3`` … ``4.9``, ``37.1``,
  ``37.2``) do not match the contract's code pattern and are left out.
- No Home Office code identifies drink or needle spiking; a force maps its own flag or code.
- Numeric class/subclass forms (``008/01``) are not in the list; a mapping file lists them.

Usage::

    .venv/bin/python scripts/build_offence_codes.py [--raw ../shared/data/raw] [--out DIR]
"""

from __future__ import annotations

import argparse
import csv
import re
from pathlib import Path

CODE = re.compile(r"[0-9]{1,3}[A-Z]?")
BY_CODE = {"8Q": "stalking", "8M": "harassment", "8U": "coercive_control"}
BY_HEADING = {
    "rape": "rape",
    "other-sexual-offences": "other_sexual",
    "violence-with-injury": "violence_with_injury",
    "violence-without-injury": "violence_without_injury",
    "harassment": "harassment",
}
ADDED = (
    "8U",
    "Controlling or coercive behaviour in an intimate or family relationship",
    "violence-without-injury",
)


def build(raw: Path) -> list[tuple[str, str, str, str, str]]:
    """Rows of (code, description, ons_heading, offence_group, source), sorted by code."""
    rows: list[tuple[str, str, str, str, str]] = []
    heading = ""
    with (raw / "ons-crime-offence-codes-2017-18" / "offence_codes.tsv").open(
        encoding="utf-8"
    ) as handle:
        for line in list(handle)[1:]:
            code, label = line.rstrip("\n").split("\t", 1)
            if code == code.lower() and not code[:1].isdigit():
                heading = code
                continue
            if not CODE.fullmatch(code):
                continue
            group = BY_CODE.get(code) or BY_HEADING.get(heading, "other")
            rows.append((code, label, heading, group, "ons-2017-18"))
    code, label, heading = ADDED
    rows.append((code, label, heading, BY_CODE[code], "added"))
    return sorted(rows, key=lambda r: (int(re.match(r"\d+", r[0]).group()), r[0]))  # type: ignore[union-attr]


def main() -> None:
    """Write the table."""
    here = Path(__file__).resolve().parents[1]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--raw", type=Path, default=here.parent / "shared" / "data" / "raw")
    parser.add_argument("--out", type=Path, default=here / "src" / "vawg" / "datasets")
    args = parser.parse_args()
    rows = build(args.raw)
    with (args.out / "offence_codes.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("code", "description", "ons_heading", "offence_group", "source"))
        writer.writerows(rows)
    print(f"wrote {len(rows)} codes to {args.out / 'offence_codes.csv'}")


if __name__ == "__main__":
    main()
