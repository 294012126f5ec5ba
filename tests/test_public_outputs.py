"""The leak walker over the public output of every command, on a planted synthetic force at two
scales: nothing it must not hold, every release logged, and the walker does find what the
restricted outputs hold (so the first test can fail).

Every command is run through the function the CLI and ``vawg demo`` call (``run_profile``,
``write_drivers``, ``write_hotspots``, ``run_audit``, ``run_outcomes``, ``run_survey``,
``run_evaluate``, ``run_target``, ``run_publish``). The identifiers the walker looks for are the synthetic force's own crime and
person references and dates of birth, read from the generated files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from tests.pages import assert_opens_offline, assert_valid_html

from vawg.config import Settings
from vawg.leaks import scan_folder
from vawg.models.drivers import drivers
from vawg.models.public import PUBLIC_BIRTHDAY_METHOD, disclose_drivers
from vawg.query import connect
from vawg.releases import release_log
from vawg.spatial.analysis import hotspot_analysis
from vawg.spatial.public import disclose_hotspots
from vawg.store import load_paths
from vawg.synth import generate

THRESHOLD = 5
FAST = Settings(
    profile_bootstrap_replicates=99,
    hotspot_permutations=99,
    target_bootstrap_replicates=99,
    knox_simulations=99,
)
SRC = Path(__file__).resolve().parents[1] / "src" / "vawg"


@dataclass(frozen=True)
class Force:
    """A generated force, its database and the folders of public and restricted outputs."""

    scale: float
    data: Path
    db: Path
    public: Path
    restricted: Path
    identifiers: frozenset[str]
    births: frozenset[str]


@pytest.fixture(scope="module", params=[0.02, 0.05], ids=["scale-0.02", "scale-0.05"])
def force(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Force:
    from vawg.cli.audit import run_audit, run_outcomes
    from vawg.cli.drivers import write_drivers, write_hotspots
    from vawg.cli.evaluate import run_evaluate, run_target
    from vawg.cli.profile import run_profile
    from vawg.cli.survey import run_survey
    from vawg.cli.web import run_publish

    scale = float(request.param)
    root = tmp_path_factory.mktemp(f"public-{scale}")
    data, db = root / "data", root / "vawg.duckdb"
    generate(data, scale=scale, seed=5)
    load_paths([data], db)
    public, restricted = root / "public", root / "restricted"
    run_profile(db, public, FAST, public=True)
    tables = connect(db)
    fitted, spots = drivers(tables, FAST), hotspot_analysis(tables, FAST)
    tables.backend.disconnect()
    write_drivers(fitted, public, FAST, public=True, formats=("html", "json", "csv"), db=db)
    write_hotspots(spots, public, FAST, public=True, formats=("html", "json", "csv"), db=db)
    run_audit(db, public, FAST, public=True)
    run_outcomes(db, public, FAST, public=True)
    run_survey(db, public, FAST, public=True)
    run_evaluate(db, public, FAST, public=True)
    run_target(db, public, FAST, public=True, formats=("html", "json", "csv"))
    run_publish(db, public / "site", FAST)
    run_profile(db, restricted, FAST, public=False)
    crimes = pl.read_csv(data / "crimes.csv", columns=["crime_ref"])["crime_ref"]
    people = pl.read_csv(data / "people.csv", columns=["person_id", "date_of_birth"])
    return Force(
        scale,
        data,
        db,
        public,
        restricted,
        frozenset([*crimes.cast(pl.String), *people["person_id"].cast(pl.String)]),
        frozenset(people["date_of_birth"].drop_nulls().cast(pl.String)),
    )


def test_every_public_output_passes_the_leak_walker(force: Force) -> None:
    files = sorted(p.relative_to(force.public).as_posix() for p in force.public.rglob("*.*"))
    # Every command wrote its public files (HTML and JSON at least; CSV where it has one).
    for stem in (
        "profile-public",
        "drivers-public",
        "hotspots-public",
        "survey-public",
        "evaluation-public",
        "targeting-public",
    ):
        assert f"{stem}.html" in files and f"{stem}.json" in files, stem
    assert any(re.fullmatch(r"audit-\d{4}H[12]-public\.json", f) for f in files)
    assert "outcomes-public.json" in files and "site/index.html" in files
    assert "site/evaluation.html" in files
    findings = scan_folder(
        force.public,
        threshold=THRESHOLD,
        identifiers=force.identifiers,
        dates_of_birth=force.births,
    )
    assert findings == [], "\n".join(str(f) for f in findings[:20])


def test_the_walker_finds_what_the_restricted_outputs_hold(force: Force) -> None:
    findings = scan_folder(force.restricted, threshold=THRESHOLD, identifiers=force.identifiers)
    kinds = {f.what.split(" ")[0] for f in findings}
    # The analyst's profile lists people (their references) and small, exact counts.
    assert {"identifier", "count"} <= kinds, kinds
    assert any(f.what in ("count 1", "count 2") for f in findings)


REPORTS_WITH_MAIN_POINTS = ("profile-", "drivers-", "audit-", "outcomes-", "survey-")


def test_every_report_page_is_valid_html_opens_offline_and_leads_with_main_points(
    force: Force,
) -> None:
    pages = sorted([*force.public.rglob("*.html"), *force.restricted.rglob("*.html")])
    assert len(pages) >= 8
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert_valid_html(text)
        assert_opens_offline(page)
        # The charting library is a file beside the reports, not in each page.
        assert len(text.encode("utf-8")) < 2_000_000, (page.name, len(text))
        if page.name.startswith(REPORTS_WITH_MAIN_POINTS):
            main = text.index('id="main-points"')
            assert main < text.index("<section id=", main + 1), page.name
            points = re.findall(r'<li class="mp[^"]*">', text[main:])
            assert points, f"{page.name}: no main points"
        # Every chart has a text alternative.
        charts = text.count('class="plotly-graph-div"')
        assert text.count("<figcaption>") >= charts, page.name
        # Plain English: no decimals written as p = 0.000, no internal file names or paths.
        assert "p = 0.000" not in text and "harm-and-outcomes.md" not in text
        assert "/work/" not in text and "/home/" not in text and "/tmp/" not in text


def test_every_public_release_is_in_the_log(force: Force) -> None:
    log = release_log(force.db)
    outputs = set(log["output"].to_list())
    assert {
        "profile",
        "drivers",
        "hotspots",
        "outcomes",
        "survey",
        "targeting",
        "evaluation: places",
        "evaluation: programme",
        "open site",
    } <= outputs
    assert any(o.startswith("audit ") for o in outputs)
    assert (log["figures"] > 0).all() and (log["threshold"] == THRESHOLD).all()
    assert log["figures_sha256"].str.len_chars().eq(64).all()


def test_no_statistic_of_a_withheld_lsoa_and_no_small_withheld_sum_per_district(
    force: Force,
) -> None:
    restricted = hotspot_analysis(connect(force.db), FAST)
    public = disclose_hotspots(restricted, FAST)
    joined = public.table.join(
        restricted.table.select("lsoa_code", *(f"{p}crimes" for p in ("", "public_", "home_"))),
        on="lsoa_code",
        suffix="_true",
    )
    for prefix in ("", "public_", "home_"):
        withheld = joined.filter(pl.col(f"{prefix}crimes").is_null())
        assert withheld.height > 0, prefix  # the small force has small LSOA counts to hide
        for column in ("gi_z", "q_value", "hotspot_class"):
            assert withheld[f"{prefix}{column}"].null_count() == withheld.height
        # District totals are published: what they give away (the sum of the withheld LSOAs
        # of a district) is never a small count.
        sums = withheld.group_by("district").agg(pl.col(f"{prefix}crimes_true").sum())
        small = sums.filter(pl.col(f"{prefix}crimes_true").is_between(1, THRESHOLD - 1))
        assert small.is_empty(), small


def test_public_lsoa_rates_give_back_only_the_rounded_count(force: Force) -> None:
    restricted = hotspot_analysis(connect(force.db), FAST)
    public = disclose_hotspots(restricted, FAST)
    for prefix in ("", "public_", "home_"):
        shown = public.table.filter(pl.col(f"{prefix}crimes").is_not_null())
        assert shown.height > 0, prefix
        # the denominators (women and girls, estimated from published populations) are
        # public, so rate x women and girls x years must be the shown (rounded) count
        implied = shown[f"{prefix}rate"] * shown["female_population"] * restricted.years / 1000.0
        counts = shown[f"{prefix}crimes"]
        assert (implied - counts).abs().max() < 1e-6, prefix
        assert (counts % THRESHOLD == 0).all(), prefix
        # and the neighbourhood's rate gives back only a rounded neighbourhood count
        around = (
            shown[f"{prefix}neighbourhood_rate"]
            * shown["neighbourhood_female_population"]
            * restricted.years
            / 1000.0
        )
        assert ((around - around.round(0)).abs().max() or 0.0) < 1e-6, prefix
        assert (around.round(0) % THRESHOLD == 0).all(), prefix
        assert f"{prefix}neighbourhood_crimes" not in public.table.columns, prefix
        q = shown[f"{prefix}q_value"].drop_nulls().to_list()
        assert all(v == float(f"{v:.2g}") for v in q), prefix


def test_birthday_table_and_chart_are_protected_together(force: Force) -> None:
    public = disclose_drivers(drivers(connect(force.db), FAST), FAST)
    birthday = public.birthday
    assert birthday is not None
    days = {
        (r, o): n for r, o, n in birthday.profile.select("role", "offset", "crimes").iter_rows()
    }
    for role, exposure, shown in birthday.table.select("role", "exposure", "crimes").iter_rows():
        parts = [0] if exposure == "birthday" else [-1, 1]  # window 1 (the default)
        hidden = [d for d in parts if days[(role, d)] is None]
        # A shown row with exactly one of its days hidden would give that day away.
        assert shown is None or len(hidden) != 1, (role, exposure)
    counts = [v for v in days.values() if v is not None] + [
        v for v in birthday.table["crimes"] if v is not None
    ]
    assert all(v % THRESHOLD == 0 for v in counts)
    # The public ratios are the rounded count over the expected count: the table names that
    # method, not the fitted model's, and every shown ratio is that quotient.
    assert set(birthday.table["method_used"]) == {PUBLIC_BIRTHDAY_METHOD}
    assert set(birthday.methods.values()) <= {PUBLIC_BIRTHDAY_METHOD}
    for n, expected, ratio in birthday.table.select("crimes", "expected", "rate_ratio").iter_rows():
        if n is not None and ratio is not None:
            assert abs(ratio - n / expected) < 0.01 * ratio + 1e-9


def test_report_and_web_hold_no_disclosure_code() -> None:
    # `grep -r suppress src/vawg/report src/vawg/web` finds nothing, and neither imports the
    # suppression code: they render the Results the disclose functions make.
    for folder in ("report", "web"):
        for path in (SRC / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            assert "suppress" not in text, path
            imports = re.findall(r"from vawg\.disclosure[\w.]* import ([\w, ]+)", text)
            allowed = {"describe", "grid_periods"}  # the rule's words; the periods on offer
            assert all(set(map(str.strip, i.split(","))) <= allowed for i in imports), path
