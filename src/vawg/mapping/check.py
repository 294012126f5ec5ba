"""``vawg mapping check``: every value the mapping cannot place, before anything is loaded.

The sources are translated and loaded into a throwaway database in a temporary folder, so the
check finds exactly what a real load would quarantine from these files alone — unmapped values,
unreadable dates, and every other contract rule — grouped by source column, value and reason,
with the count and the source lines. (Checks against rows already in the real database — a key
loaded earlier from another file — are not run.)
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from vawg.mapping.load import MappedLoad, load_translation
from vawg.mapping.spec import Mapping
from vawg.mapping.translate import translate

__all__ = ["Finding", "check"]


@dataclass(frozen=True)
class Finding:
    """One source value that would be quarantined: where, why, how often, and on which lines."""

    file: str
    column: str
    value: str
    reason: str
    count: int
    lines: tuple[int, ...]

    @property
    def unmapped(self) -> bool:
        """True when the mapping lacks the value (rather than the value breaking a rule)."""
        return "no [values." in self.reason or "offence code in neither" in self.reason


def check(mapping: Mapping, paths: list[Path]) -> tuple[list[Finding], MappedLoad]:
    """Findings (unmapped first, then by count) and the trial load's counts."""
    translation = translate(mapping, paths)
    with tempfile.TemporaryDirectory(prefix="vawg-mapping-check-") as folder:
        trial = load_translation(translation, Path(folder) / "check.duckdb")
    groups: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    for file, line, column, value, reason in trial.quarantine:
        groups[(file, column, value or "", reason)].append(line)
    findings = [
        Finding(file, column, value, reason, len(lines), tuple(sorted(set(lines))))
        for (file, column, value, reason), lines in groups.items()
    ]
    findings.sort(key=lambda f: (not f.unmapped, -f.count, f.file, f.column, f.value))
    return findings, trial
