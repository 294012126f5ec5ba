"""Build ``src/vawg/datasets/harm_weights.csv``: the shipped harm weight per offence group.

What
----
The Cambridge Crime Harm Index (CCHI) 2026 gives each offence a harm score in days of custody.
Its spreadsheet could not be read here, but ``shared/spec/harm-and-outcomes.md`` section 1a has,
per Home Office police-recorded-crime (PRC) offence subgroup, the number of offences and the
minimum, median, mean and maximum CCHI 2026 score, with their provenance (a public derivation
from the official spreadsheet: github.com/isthisben/cbl-realcrime, ``data/cchi_weights.csv``
at commit 5591939d942691fec9e9da6349fa7afbde726b7f, method in its ``WEIGHTS.md``).

This script reads that table from the spec and maps each of the data contract's offence groups
to one PRC subgroup (``MAPPING`` below, with the reason for each). The weight is the subgroup's
**median** (the spec's recommendation: robust to the few very severe offences in a subgroup);
the **mean** is written beside it (``mean_days``) for the sensitivity line every harm output
shows. No per-code row is shipped: none has a source (a force can load the official per-code
sheet with ``--harm-weights``).

Usage::

    .venv/bin/python scripts/build_harm_weights.py [--spec ../shared/spec/harm-and-outcomes.md]
        [--out src/vawg/datasets/harm_weights.csv]

Deterministic: fixed row order, numbers written as in the spec (no float formatting), ``\\n``
line endings. ``tests/problem_profile/test_harm_weights.py`` rebuilds and compares when the spec
is present.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SPEC = REPO.parent / "shared" / "spec" / "harm-and-outcomes.md"
DEFAULT_OUT = REPO / "src" / "vawg" / "datasets" / "harm_weights.csv"
STATUS_DIRECT = "CCHI 2026 subgroup median"
STATUS_MAPPED = "CCHI 2026 subgroup median, mapping assumed"
SOURCE = (
    "Cambridge Crime Harm Index 2026 (Cambridge Centre for Evidence-Based Policing), median of "
    "the offences in PRC subgroup '{subgroup}' (n = {n}, range {low}-{high} days, mean {mean}); "
    "third-party derivation isthisben/cbl-realcrime data/cchi_weights.csv @ 5591939"
)

# offence group -> (label, PRC subgroup, mapping assumed?, why)
MAPPING: dict[str, tuple[str, str, bool, str]] = {
    "rape": ("Rape", "Rape offences", False, ""),
    "other_sexual": ("Other sexual offences", "Other sexual offences", False, ""),
    "violence_with_injury": ("Violence with injury", "Violence with injury", False, ""),
    "violence_without_injury": ("Violence without injury", "Violence without injury", False, ""),
    "stalking": ("Stalking", "Stalking and harassment", False, ""),
    "harassment": ("Harassment", "Stalking and harassment", False, ""),
    "coercive_control": (
        "Controlling or coercive behaviour",
        "Stalking and harassment",
        True,
        "the Home Office PRC tables count controlling or coercive behaviour in the stalking and "
        "harassment subgroup; its own CCHI score was not found",
    ),
    "drink_spiking": (
        "Drink spiking (administering a noxious substance)",
        "Violence with injury",
        True,
        "no offence code was found for spiking; administering poison so as to endanger life "
        "(s.23 OAPA, code 5E) is counted in violence with injury",
    ),
    "other": (
        "Other offences (domestic-abuse flagged)",
        "Criminal damage",
        True,
        "domestic-abuse-flagged offences outside the VAWG groups are mostly criminal damage and "
        "public order (median 7.5 days); the lower subgroup median is used",
    ),
}
COLUMNS = (
    "key_type",
    "key",
    "label",
    "weight_days",
    "status",
    "source",
    "mean_days",
    "cchi_subgroup",
)
_ROW = re.compile(
    r"^\|\s*(?P<name>[^|]+?)\s*\|\s*(?P<n>[\d,]+)\s*\|\s*(?P<min>[\d,.]+)\s*\|"
    r"\s*\*\*(?P<median>[\d,.]+)\*\*\s*\|\s*(?P<mean>[\d,.]+)\s*\|\s*(?P<max>[\d,.]+)\s*\|$"
)


class BuildError(Exception):
    """The spec does not hold what the build needs."""


def _number(text: str) -> str:
    """'2,726.76' -> '2726.76' (written as in the spec, without thousands separators)."""
    return text.replace(",", "")


def read_subgroups(spec: Path) -> dict[str, dict[str, str]]:
    """The section 1a table: subgroup -> n, min, median, mean, max (strings as published)."""
    text = spec.read_text(encoding="utf-8")
    start = text.find("### 1a.")
    if start < 0:
        raise BuildError(f"{spec}: no section '### 1a.' (CCHI 2026 medians per subgroup)")
    end = text.find("\n## ", start)
    rows: dict[str, dict[str, str]] = {}
    for line in text[start : end if end > 0 else None].splitlines():
        match = _ROW.match(line.strip())
        if match:
            rows[match["name"]] = {
                k: _number(match[k]) for k in ("n", "min", "median", "mean", "max")
            }
    if not rows:
        raise BuildError(f"{spec}: section 1a has no subgroup rows")
    return rows


def build(spec: Path) -> list[dict[str, str]]:
    """One row per offence group, in the data contract's order."""
    subgroups = read_subgroups(spec)
    out = []
    for key, (label, subgroup, assumed, why) in MAPPING.items():
        if subgroup not in subgroups:
            raise BuildError(f"{spec}: subgroup {subgroup!r} (for {key}) is not in section 1a")
        s = subgroups[subgroup]
        source = SOURCE.format(
            subgroup=subgroup, n=s["n"], low=s["min"], high=s["max"], mean=s["mean"]
        )
        out.append(
            {
                "key_type": "offence_group",
                "key": key,
                "label": label,
                "weight_days": s["median"],
                "status": STATUS_MAPPED if assumed else STATUS_DIRECT,
                "source": source + (f"; mapping: {why}" if why else ""),
                "mean_days": s["mean"],
                "cchi_subgroup": subgroup,
            }
        )
    return out


def render(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    if not args.spec.is_file():
        parser.error(f"spec not found: {args.spec}")
    try:
        data = render(build(args.spec))
    except BuildError as exc:
        print(f"build_harm_weights: {exc}", file=sys.stderr)
        return 1
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(MAPPING)} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
