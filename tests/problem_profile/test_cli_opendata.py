"""``vawg profile`` end to end, and open-data mode on the real police.uk Kent files."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from tests.pages import assert_opens_offline, assert_valid_html
from typer.testing import CliRunner

from vawg.cli import app
from vawg.config import Settings
from vawg.profile.opendata import open_data_profile
from vawg.profile.public import disclose_open_data
from vawg.releases import release_log
from vawg.report.page import PLOTLY_JS
from vawg.report.profile import open_data_dict, open_data_html

from .conftest import KENT_STREET, Loaded

runner = CliRunner()


def test_cli_writes_every_format(hand: Loaded, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    result = runner.invoke(
        app,
        [
            "profile",
            "--db",
            str(hand.db),
            "--from",
            "2020-04-01",
            "--to",
            "2022-03-31",
            "--out",
            str(out),
            "--set",
            "profile_bootstrap_replicates=199",
        ],
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "profile-restricted-rfgv.csv",
            "profile-restricted-rfgv.csv.manifest.json",  # each CSV's manifest beside it
            "profile-restricted.csv",
            "profile-restricted.csv.manifest.json",
            "profile-restricted.html",
            "profile-restricted.json",
            PLOTLY_JS,
        ]
    )
    data = json.loads((out / "profile-restricted.json").read_text(encoding="utf-8"))
    assert data["crimes_in_scope"] == 30  # same period as the hand-built test: same answer
    html = (out / "profile-restricted.html").read_text(encoding="utf-8")
    # Opens offline: the charting library is the file beside it; nothing else is fetched.
    assert_opens_offline(out / "profile-restricted.html")
    assert_valid_html(html)


def test_cli_public_single_file(hand: Loaded, tmp_path: Path) -> None:
    # A copy of the database: the public release is recorded in it (and the session's own
    # read-only connection to the original would stop that).
    db = tmp_path / "hand.duckdb"
    shutil.copy(hand.db, db)
    path = tmp_path / "open.json"
    result = runner.invoke(
        app,
        [
            "profile",
            "--db",
            str(db),
            "--set",
            "period_years=2",
            "--format",
            "json",
            "--out",
            str(path),
            "--public",
            "--set",
            "profile_bootstrap_replicates=199",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["params"]["public"] is True
    assert data["rfgv"]["priority_perpetrators"] is None
    log = release_log(db)
    assert log["output"].to_list() == ["profile"] and log["figures"][0] > 0


def test_cli_completes_half_a_period_and_says_so(hand: Loaded, tmp_path: Path) -> None:
    # The rule every command shares (cli/common.py): --from alone runs to the end of the last
    # complete financial year in the data, as drivers and hotspots do.
    out = tmp_path / "p.json"
    args = ["profile", "--db", str(hand.db), "--from", "2020-04-01", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "only one end given" in result.output
    period = json.loads(out.read_text(encoding="utf-8"))["period"]
    assert period["start"] == "2020-04-01"


def test_open_data_mode_on_the_kent_files(kent_street: Loaded) -> None:
    # PROVENANCE.md of the four files: 59,444 rows, 22,353 "Violence and sexual offences";
    # "2018-11 and especially 2018-12 are much lower than neighbouring months for every crime
    # type ... (Kent Police moved records systems around then)": the feed check flags both.
    r = open_data_profile(kent_street.tables)
    assert r.rows == 59_444
    assert r.vso_crimes == 22_353
    vso = [row["vso"] for row in r.by_month.iter_rows(named=True)]
    assert vso == [7_699, 5_037, 2_484, 7_133]
    assert r.by_month["flagged"].to_list() == [False, True, True, False]
    assert r.flagged_months == (date(2018, 11, 1), date(2018, 12, 1))
    assert r.missing_months == () and r.months_loaded == 4
    assert sum(r.by_district["vso"]) == 22_353
    assert r.lsoa_concentration["vso_share"].is_sorted()
    assert len(r.not_possible) >= 6
    data = open_data_dict(r)
    assert data["crimes_in_scope"] is None and data["params"]["mode"] == "open_data"
    assert data["violence_and_sexual_offences"] == 22_353
    html = open_data_html(r)
    assert "Not possible from police.uk data" in html
    assert "The feed check flags November 2018, December 2018" in html
    assert "female" not in html.replace("female denominator would not match", "")


def test_open_data_rate_is_per_resident(kent_street: Loaded) -> None:
    # police.uk has no victim sex, so the rate's denominator is every resident: Thanet's
    # LSOA populations (IoD2019 File 6, mid-2015) sum to 139,822 and 4 months are loaded.
    r = open_data_profile(kent_street.tables)
    thanet = r.by_district.filter(pl.col("district") == "Thanet").row(0, named=True)
    assert thanet["residents"] == 139_822
    assert thanet["vso_per_1000_residents_per_year"] == pytest.approx(
        thanet["vso"] / (139_822 * (4 / 12) / 1000)
    )
    assert "vso_per_1000_female_per_year" not in r.by_district.columns


def test_open_data_names_missing_months(kent_street: Loaded, tmp_path: Path) -> None:
    # Only October 2018 and January 2019 loaded: November and December are missing, so the
    # period is not continuous; rates are per year of the 2 months present.
    from vawg.query import connect
    from vawg.store import load_paths

    db = tmp_path / "gap.duckdb"
    folder = KENT_STREET
    load_paths([folder / "2018-10-kent-street.csv", folder / "2019-01-kent-street.csv"], db)
    r = open_data_profile(connect(db))
    assert r.missing_months == (date(2018, 11, 1), date(2018, 12, 1))
    assert r.months_loaded == 2
    thanet = r.by_district.filter(pl.col("district") == "Thanet").row(0, named=True)
    assert thanet["vso_per_1000_residents_per_year"] == pytest.approx(
        thanet["vso"] / (139_822 * (2 / 12) / 1000)
    )
    html = open_data_html(r)
    assert "Not one continuous period" in html
    assert "2 of 4 months: November 2018, December 2018 missing" in html
    assert open_data_dict(r)["months"]["missing"] == ["2018-11-01", "2018-12-01"]


def test_open_data_public_version(kent_street: Loaded) -> None:
    r = disclose_open_data(open_data_profile(kent_street.tables), Settings())
    assert r.public
    for frame, column in (
        (r.by_lsoa, "vso"),
        (r.outcomes, "vso"),
        (r.by_district, "vso"),
        (r.location_kinds, "vso"),
        (r.by_crime_type, "crimes"),
    ):
        assert not any(v is not None and 0 < v < 5 for v in frame[column]), column


def test_cli_open_data_when_no_extract_is_loaded(kent_street: Loaded, tmp_path: Path) -> None:
    result = runner.invoke(app, ["profile", "--db", str(kent_street.db), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "profile-open-data-analyst.html").exists()


@pytest.mark.parametrize("public", [False, True])
def test_run_profile_for_the_demo(hand: Loaded, tmp_path: Path, public: bool) -> None:
    from vawg.cli.profile import run_profile

    db = tmp_path / "hand.duckdb"  # a copy: a public run records its release in the database
    shutil.copy(hand.db, db)
    written = run_profile(
        db, tmp_path, Settings(period_years=2, profile_bootstrap_replicates=199), public=public
    )
    assert all(p.exists() for p in written)
    assert any(p.suffix == ".html" for p in written)
