"""The same seed gives byte-identical files; a different seed gives different ones."""

from __future__ import annotations

import hashlib
from pathlib import Path

from vawg.synth import SynthResult, generate


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_same_seed_gives_identical_files(small: SynthResult, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", scale=0.05, seed=0)
    first, second = _hashes(small.out_dir), _hashes(again.out_dir)
    assert set(first) == {
        "crimes.csv", "people.csv", "involvements.csv", "cjs_events.csv", "areas.csv",
        "weather.csv", "public_survey.csv", "victim_survey.csv", "truth.json", "README.md",
        "interventions.csv", "programme_participants.csv",
    }  # fmt: skip
    assert first == second
    assert again.truth == small.truth


def test_different_seed_gives_different_files(small: SynthResult, tmp_path: Path) -> None:
    other = generate(tmp_path / "other", scale=0.05, seed=1)
    first, second = _hashes(small.out_dir), _hashes(other.out_dir)
    for name in ("crimes.csv", "people.csv", "involvements.csv", "areas.csv", "weather.csv",
                 "public_survey.csv", "victim_survey.csv", "truth.json",
                 "programme_participants.csv"):  # fmt: skip
        assert first[name] != second[name], name
    # Only the real inputs are shared: the HadCET mean temperature column.
    assert _column(small.out_dir / "weather.csv", 2) == _column(other.out_dir / "weather.csv", 2)


def _column(path: Path, index: int) -> list[str]:
    return [line.split(",")[index] for line in path.read_text(encoding="utf-8").splitlines()]
