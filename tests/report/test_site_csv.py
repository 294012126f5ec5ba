"""The open site's CSV downloads: figures rounded for a reader, and labels a spreadsheet reads
as text without the formula guard's apostrophe."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from vawg.evaluation.did import event_study
from vawg.report.site.parts import csv_ready
from vawg.safe_csv import write_csv


def _written(frame: pl.DataFrame, tmp_path: Path) -> list[str]:
    path = tmp_path / "out.csv"
    write_csv(path, frame.columns, csv_ready(frame).iter_rows())
    return path.read_text(encoding="utf-8").splitlines()


def test_shares_have_four_decimals_and_rates_two(tmp_path: Path) -> None:
    # The demo's outcome rates read 0.0933852140077821 (240 of 2,570).
    frame = pl.DataFrame(
        {
            "numerator": [240, 1405],
            "estimate": [240 / 2570, 1405 / 2570],
            "rate_per_1000_per_year": [6.114541983080905, 17.3],
            "ci_low": [None, 0.5273907589],
        }
    )
    lines = _written(frame, tmp_path)
    assert lines[1] == "240,0.0934,6.11,"
    assert lines[2] == "1405,0.5467,17.3,0.5274"


def test_event_study_labels_carry_a_real_minus_sign(tmp_path: Path) -> None:
    # "'-8 or earlier", "'+0": the guard escaped labels that began with a hyphen or a plus.
    # They are written with U+2212 (and no plus) where they are made: nothing to escape.
    from tests.evaluation.test_did import _panel

    study = event_study(_panel(7), unit="lsoa_code", period="month")
    labels = study.table["label"].to_list()
    assert labels[0].startswith("\u2212") and labels[0].endswith(" or earlier")
    assert "\u22121" in labels and "0" in labels and "2" in labels
    assert not any(x.startswith(("-", "+")) for x in labels)
    lines = _written(study.table.select("label", "rate_ratio"), tmp_path)
    assert not any(line.startswith("'") for line in lines)
    # the guard itself is kept
    assert _written(pl.DataFrame({"label": ["-8 or earlier"]}), tmp_path)[1] == "'-8 or earlier"
