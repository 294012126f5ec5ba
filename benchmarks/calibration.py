"""Calibration at the scale people use: do the 95% intervals cover what the generator planted,
and how often does each test fire on null data? Many seeds, one table.

For each seed a synthetic Kent is generated (``vawg.synth``, scale ``--scale``), loaded, and run
through the analyses a user runs (``drivers``, ``profile``, ``survey``, the victims'
satisfaction model and ``hotspot_analysis``). Every planted effect is checked against its 95%
interval (``covered``):

* **area** (drivers' NB2 area model): imd_decile_step, pubs, town_centre for home and public
  places (planted per class) and for all places (the generator's pseudo-true values);
* **temperature**: tmax_per_degree (daily model, series ``all``); **trend**: the same model's
  trend per year; **birthday**: offender and victim birthday and +/-1 day window;
* **home:public**: the profile's ratio of home to public crimes against the truth's counts;
* **harm shares**: the profile's top 1/5/10/20% shares against the generator's own harm draws;
* **survey estimates**: harassment prevalence, share of victims not reporting, mean feeling of
  safety by day and at night (raked) against the population values the generator planted;
* **satisfaction**: the ordered probit's latent shifts for a charge (against the model's
  reference group) and for being kept informed, against the planted shifts; the logistic (or
  Firth) odds ratios against the pseudo-true odds ratios (the planted probit model projected on
  the logistic, computed here with statsmodels from the planted values);
* **hotspot detection** (a power, not a coverage): the share of planted town-centre LSOAs
  declared hot spots in public places, through the analysis-level ``hotspot_analysis``.

With ``--null`` the forces have no effects and each row is a test: the share of seeds in which
it is significant at 5% (its false-positive rate), and for hot spots the share of LSOAs declared.
Every proportion has its Wilson 95% interval (``vawg.stats.wilson_interval``).

Run (nice, in the background; the 2 cores are shared)::

    PYTHONPATH=src nice -n 10 .venv/bin/python benchmarks/calibration.py --scale 0.1 --seeds 40
    PYTHONPATH=src nice -n 10 .venv/bin/python benchmarks/calibration.py --scale 0.1 --seeds 40 --null
    PYTHONPATH=src nice -n 10 .venv/bin/python benchmarks/calibration.py --scale 1.0 --seeds 10

``--markdown FILE`` appends the table, the command, the seeds and the time taken to FILE.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import statsmodels.api as sm
from scipy import stats

from vawg.config import Settings
from vawg.models.drivers import drivers
from vawg.query import connect
from vawg.results import Estimate
from vawg.stats import wilson_interval
from vawg.store import load_paths
from vawg.synth import generate

AREA = ("imd_decile_step", "pubs", "town_centre")
BIRTHDAY = (
    "offender_birthday",
    "victim_birthday",
    "offender_birthday_window",
    "victim_birthday_window",
)
SURVEY = {
    "harassment_share": "harassment_prevalence",
    "not_reported_share": "share_victims_not_reporting",
    "safety_day_mean": "mean_feel_safe_day",
    "safety_night_mean": "mean_feel_safe_night",
}
COVERAGE_FLOOR = 0.85
FALSE_POSITIVE_CEILING = 0.10
# Rows known to miss the bar, with the reason; the slow test checks they still do (strict xfail),
# so fixing one makes it fail until it is taken off this list.
KNOWN_SHORTFALLS = {
    "trend_per_year (daily model)": (
        "the daily model's standard error of its trend control ignores the long-range "
        "dependence that offending careers (months of repeat crimes by one perpetrator) put in "
        "daily counts: at scale 0.1 the estimates vary about twice as much as the intervals say "
        "(coverage 0.80, 40% false positives on null data); the temperature effect, identified "
        "within months, is much less affected"
    ),
    "all places: any LSOA declared": (
        "with few crimes per LSOA (scale 0.1: about 12 in five years) the LSOA rates are skewed "
        "and clumped by repeat victimisation, so Gi*'s normal approximation is optimistic in the "
        "far tail: 7 of 30 null forces showed at least one false hot spot (5% intended), though "
        "only 19 of 31,950 LSOAs were declared; the analysis says so in its notes below 20 "
        "crimes per LSOA and points to the permutation check"
    ),
}
Row = dict[str, Any]


def _row(family: str, effect: str, truth: float, est: Estimate | None, kind: str) -> Row:
    """kind: 'coverage' (truth inside the CI), 'test' (null: p < 0.05), 'power'."""
    e = est or Estimate(math.nan, math.nan, math.nan, math.nan)
    covered = bool(e.ci_low <= truth <= e.ci_high) if math.isfinite(e.ci_low) else False
    p = e.p_value if e.p_value is not None else math.nan
    return {
        "family": family,
        "effect": effect,
        "kind": kind,
        "truth": float(truth),
        "estimate": float(e.estimate),
        "ci_low": float(e.ci_low),
        "ci_high": float(e.ci_high),
        "p_value": float(p),
        "hit": covered if kind == "coverage" else bool(p < 0.05),
        "method": "",
    }


def _drivers_rows(tables: Any, planted: dict[str, Any], null: bool) -> list[Row]:
    result = drivers(tables, Settings())
    kind = "test" if null else "coverage"
    rows: list[Row] = []
    if result.area is not None:
        for place in ("home", "public"):
            for key in AREA:
                e = result.area.fits[place].rate_ratios.get(key)
                rows.append(_row("area", f"{place}: {key}", planted["area"][place][key], e, kind))
                rows[-1]["method"] = result.area.fits[place].method_used
        for key in AREA:
            truth = planted["area"]["combined_pseudo_true"][key]
            rows.append(_row("area", f"all: {key}", truth, result.effects[key], kind))
            rows[-1]["method"] = result.area.fits["all"].method_used
    daily = planted["daily"]
    rows.append(
        _row(
            "temperature",
            "tmax_per_degree",
            daily["tmax_per_degree"],
            result.effects["tmax_per_degree"],
            kind,
        )
    )
    trend = result.daily.effects.get("trend_per_year") if result.daily else None
    rows.append(_row("trend", "trend_per_year (daily model)", daily["trend_per_year"], trend, kind))
    if result.daily is not None:
        rows[-2]["method"] = rows[-1]["method"] = result.daily.fits["all"].method_used
    for key in BIRTHDAY:
        e = result.birthday.effects.get(key) if result.birthday else None
        rows.append(_row("birthday", key, planted["birthday"][key], e, kind))
    for name, message in result.errors.items():
        rows.append({**_row("errors", name, math.nan, None, "error"), "method": message})
    return rows


def _profile_rows(tables: Any, headline: dict[str, Any], null: bool) -> list[Row]:
    from vawg.profile import profile

    result = profile(tables, Settings())
    if null:
        return []  # no test: the ratio and the shares are descriptive
    rows = [
        _row(
            "home:public",
            "home_public_ratio",
            headline["home_crimes"] / headline["public_crimes"],
            result.place.home_public_ratio,
            "coverage",
        )
    ]
    for r in result.harm.concentration.iter_rows(named=True):
        est = Estimate(r["harm_share"], r["ci_low"], r["ci_high"])
        truth = headline[f"harm_share_top_{r['top_pct']}pct"]
        rows.append(_row("harm shares", f"top {r['top_pct']}%", truth, est, "coverage"))
    return rows


def _survey_rows(tables: Any, truth: dict[str, Any], null: bool) -> list[Row]:
    from vawg.survey import survey_analysis

    result = survey_analysis(tables, Settings())
    rows: list[Row] = []
    public = result.public
    if public is None:
        return rows
    population = truth["public_survey"]["population_16_plus"]
    if not null:
        for name, key in SURVEY.items():
            s = public.overall[name]
            est = Estimate(s.estimate or math.nan, s.ci_low or math.nan, s.ci_high or math.nan)
            rows.append(_row("survey estimates", name, population[key], est, "coverage"))
    else:
        # With no planted shift the latent means are equal, but the scores are rounded and
        # clipped to 1-5 and the night's latent is more spread, so the observed means still
        # differ a little: a coverage check against the generator's population values, not a
        # test of zero.
        diff = public.overall["safety_night_minus_day"]
        est = Estimate(diff.estimate or 0.0, diff.ci_low or 0.0, diff.ci_high or 0.0, diff.p_value)
        truth_diff = population["mean_feel_safe_night"] - population["mean_feel_safe_day"]
        rows.append(_row("survey estimates", "night minus day (null)", truth_diff, est, "coverage"))
        for t in public.tests.iter_rows(named=True):
            est = Estimate(math.nan, math.nan, math.nan, t["p_value"])
            rows.append(
                _row("survey tests", f"by {t['dimension']}: {t['indicator']}", 0.0, est, "test")
            )
    return rows


def _satisfaction_rows(tables: Any, truth: dict[str, Any], null: bool) -> list[Row]:
    from vawg.survey.satisfaction import link_responses, victim_satisfaction

    responses = tables.victim_survey.to_polars()
    crimes = tables.crimes.select(
        "crime_ref", "offence_group", "recorded_date", "outcome_code", "outcome_date"
    ).to_polars()
    planted = truth["victim_survey"]["whole_experience_model"]
    kind = "test" if null else "coverage"
    rows: list[Row] = []
    ordinal = victim_satisfaction(responses, crimes, model="ordinal").model
    if ordinal is not None:
        t = ordinal.table
        ref = t.filter(pl.col("term") == "outcome_group", pl.col("reference"))["level"][0]
        charged = t.filter(pl.col("level") == "charged")
        if charged.height and ref != "small groups combined":
            r = charged.row(0, named=True)
            shift = planted["charged"] - float(planted.get(ref, 0.0))
            est = Estimate(r["estimate"], r["ci_low"], r["ci_high"], r["p_value"])
            rows.append(_row("satisfaction", "ordinal: charged", shift, est, kind))
            rows[-1]["method"] = ordinal.method_used
        kept = t.filter(pl.col("term") == "kept_informed", ~pl.col("reference"))
        if kept.height:
            r = kept.row(0, named=True)
            est = Estimate(r["estimate"], r["ci_low"], r["ci_high"], r["p_value"])
            rows.append(
                _row("satisfaction", "ordinal: kept informed", planted["kept_informed"], est, kind)
            )
            rows[-1]["method"] = ordinal.method_used
    logistic = victim_satisfaction(responses, crimes, model="logistic").model
    if logistic is not None:
        frame = link_responses(responses, crimes).filter(
            pl.col("linked")
            & pl.col("outcome_group").ne("open")
            & pl.col("years_to_outcome").is_not_null()
            & pl.col("whole_experience").is_not_null()
            & pl.col("kept_informed").is_not_null()
        )
        target = pseudo_true_logistic(frame, logistic.table, planted)
        t = logistic.table
        for label, level, key in (
            ("charged", "charged", "outcome_group: charged"),
            ("kept informed", "satisfied", "kept"),
        ):
            hit = t.filter(pl.col("level") == level, ~pl.col("reference"))
            if hit.height and key in target:
                r = hit.row(0, named=True)
                est = Estimate(r["estimate"], r["ci_low"], r["ci_high"], r["p_value"])
                rows.append(
                    _row("satisfaction", f"logistic: {label}", math.exp(target[key]), est, kind)
                )
                rows[-1]["method"] = logistic.method_used
    return rows


def pseudo_true_logistic(
    frame: pl.DataFrame, model_table: pl.DataFrame, planted: dict[str, Any]
) -> dict[str, float]:
    """The logistic coefficients that best fit the planted probit probabilities of 'satisfied'
    (latent >= 4.5), on the model's own levels: statsmodels with fractional responses."""
    groups = planted["outcome_groups"]

    def planted_group(code: Any) -> str:
        for name, codes in groups.items():
            if isinstance(codes, list) and code in codes:
                return str(name)
        return "other"

    coef = {k: float(v) for k, v in planted.items() if isinstance(v, int | float)}
    group = [planted_group(c) for c in frame["outcome_code"].to_list()]
    kept = (frame["kept_informed"] >= 5).cast(pl.Float64).to_numpy()
    mu = (
        planted["intercept"]
        + np.array([coef.get(g, 0.0) if g != "other" else 0.0 for g in group])
        + planted["per_year_to_outcome"] * frame["years_to_outcome"].to_numpy()
        + planted["kept_informed"] * kept
    )
    p = stats.norm.cdf((mu - 4.5) / planted["noise_sd"])
    columns: dict[str, np.ndarray] = {"const": np.ones(frame.height)}
    for term in ("outcome_group", "offence_group"):
        rows = model_table.filter(pl.col("term") == term)
        levels = set(rows["level"].to_list())
        values = [v if v in levels else "small groups combined" for v in frame[term].to_list()]
        for level in rows.filter(~pl.col("reference"))["level"].to_list():
            columns[f"{term}: {level}"] = np.array([v == level for v in values], dtype=float)
    columns["years"] = frame["years_to_outcome"].to_numpy()
    columns["kept"] = kept
    with warnings.catch_warnings():
        # With nothing planted every p is the same and the fit is exact: statsmodels calls an
        # exact fit "perfect prediction"; the coefficients (0) are still the right target.
        warnings.simplefilter("ignore")
        fit = sm.GLM(
            p, np.column_stack(list(columns.values())), family=sm.families.Binomial()
        ).fit()
    return dict(zip(columns, np.asarray(fit.params, dtype=float).tolist(), strict=True))


def _hotspot_rows(tables: Any, null: bool) -> list[Row]:
    """Hot spots through the analysis-level API: planted town centres found (power), or under
    the null the share of LSOAs declared (false positives)."""
    from vawg.spatial.analysis import hotspot_analysis

    result = hotspot_analysis(tables, Settings())
    table = result.table
    areas = tables.areas.select("lsoa_code", "town_centre").to_polars()
    joined = table.join(areas, on="lsoa_code", how="left")
    rows: list[Row] = []
    for prefix, label in (("public_", "public places"), ("", "all places")):
        column = f"{prefix}hotspot_class"
        if column not in joined.columns:
            continue
        hot = joined[column] == "hot spot"
        if null:
            share = float(hot.mean() or 0.0)
            row = _row("hotspots", f"{label}: share of LSOAs declared", 0.0, None, "rate")
            row.update(estimate=share, hit=share, method=f"{int(hot.sum())} of {hot.len()}")
            rows.append(row)
            # With nothing planted every declared LSOA is false, so the FDR step controls the
            # chance that a force shows any hot spot at all (its family-wise rate).
            row = _row("hotspots", f"{label}: any LSOA declared", 0.0, None, "test")
            row.update(estimate=float(hot.any()), hit=bool(hot.any()))
        else:
            centres = joined.filter(pl.col("town_centre").cast(pl.Boolean))
            found = int((centres[column] == "hot spot").sum())
            share = found / centres.height if centres.height else math.nan
            row = _row("hotspots", f"{label}: town centres detected", 1.0, None, "rate")
            row.update(estimate=share, hit=share, method=f"{found} of {centres.height}")
        rows.append(row)
    return rows


def one_seed(
    seed: int, scale: float, null: bool, root: Path, only: frozenset[str] = frozenset()
) -> list[Row]:
    """One generated force: a row per checked effect (of the families in ``only``, if given)."""
    data = root / f"seed{seed}"
    generate(data, scale=scale, seed=seed, null=null)
    db = root / f"seed{seed}.duckdb"
    load_paths([data], db)
    truth = json.loads((data / "truth.json").read_text())
    tables = connect(db)
    rows: list[Row] = []
    parts: list[tuple[str, Callable[[], list[Row]]]] = [
        ("drivers", lambda: _drivers_rows(tables, truth["planted"], null)),
        ("profile", lambda: _profile_rows(tables, truth["headline"], null)),
        ("survey", lambda: _survey_rows(tables, truth["surveys"], null)),
        ("satisfaction", lambda: _satisfaction_rows(tables, truth["surveys"], null)),
        ("hotspots", lambda: _hotspot_rows(tables, null)),
    ]
    for name, part in parts:
        if only and name not in only:
            continue
        start = time.perf_counter()
        try:
            got = part()
        except Exception as error:
            got = [{**_row("errors", name, math.nan, None, "error"), "method": repr(error)}]
        for r in got:
            r["seconds"] = time.perf_counter() - start
        rows += got
    for r in rows:
        r["seed"] = seed
    db.unlink()
    return rows


def run(
    seeds: range,
    scale: float,
    null: bool = False,
    log: bool = True,
    only: frozenset[str] = frozenset(),
) -> pl.DataFrame:
    """All rows for ``seeds`` (see :func:`one_seed`)."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            start = time.perf_counter()
            rows += one_seed(seed, scale, null, Path(tmp), only)
            if log:
                print(f"seed {seed}: {time.perf_counter() - start:.0f} s", flush=True)
    return pl.DataFrame(rows, infer_schema_length=None)


def wilson(k: float, n: int) -> tuple[float, float]:
    """Wilson 95% interval of k / n (:func:`vawg.stats.wilson_interval`)."""
    if n == 0:
        return math.nan, math.nan
    return wilson_interval(round(k), n)


def _counts(method: str) -> tuple[float, float]:
    """'12 of 53' -> (12, 53): the pooled numerator and denominator of a hot-spot rate."""
    try:
        k, n = method.split(" of ")
        return float(k), float(n)
    except ValueError:
        return math.nan, math.nan


def summary(frame: pl.DataFrame) -> pl.DataFrame:
    """Per effect: runs, share covered / significant (Wilson interval over seeds) or, for hot
    spots, the pooled share of LSOAs (Wilson interval over LSOAs), and the methods used
    (fallbacks show here)."""
    checks = frame.filter(pl.col("kind") != "error")
    pooled = [_counts(m) for m in checks["method"].to_list()]
    checks = checks.with_columns(
        pl.Series("k", [k for k, _ in pooled]), pl.Series("n", [n for _, n in pooled])
    )
    out = checks.group_by("family", "effect", "kind", maintain_order=True).agg(
        pl.len().alias("runs"),
        pl.col("hit").cast(pl.Float64).sum().alias("hits"),
        pl.col("k").sum().alias("k"),
        pl.col("n").sum().alias("n"),
        pl.col("truth").mean().alias("truth"),
        pl.col("estimate").mean().alias("mean_estimate"),
        pl.col("method").unique().sort().str.join("; ").alias("methods"),
    )
    rates, limits = [], []
    for r in out.iter_rows(named=True):
        if r["kind"] == "rate":
            k, n = round(r["k"]), round(r["n"])
            rates.append(k / n if n else math.nan)
            limits.append(wilson(k, n))
        else:
            rates.append(r["hits"] / r["runs"])
            limits.append(wilson(r["hits"], r["runs"]))
    return out.with_columns(
        pl.Series("rate", rates),
        pl.Series("wilson_low", [lo for lo, _ in limits]),
        pl.Series("wilson_high", [hi for _, hi in limits]),
        pl.when(pl.col("kind") == "rate")
        .then(pl.format("{} of {} LSOAs", pl.col("k").round(0), pl.col("n").round(0)))
        .otherwise(pl.col("methods"))
        .alias("methods"),
    ).select(
        "family", "effect", "kind", "runs", "rate", "wilson_low", "wilson_high", "truth",
        "mean_estimate", "methods",
    )  # fmt: skip


def failures(table: pl.DataFrame, null: bool, *, known: bool = False) -> list[str]:
    """Effects whose coverage is clearly below 85% (Wilson upper limit under it) or whose
    false-positive rate is clearly above 10% (Wilson lower limit over it). ``known``: only the
    rows of ``KNOWN_SHORTFALLS`` (else they are left out)."""
    bad = []
    for r in table.iter_rows(named=True):
        if (r["effect"] in KNOWN_SHORTFALLS) != known:
            continue
        if not null and r["kind"] == "coverage" and r["wilson_high"] < COVERAGE_FLOOR:
            bad.append(f"{r['family']} {r['effect']}: coverage {r['rate']:.2f}")
        if null and r["kind"] == "test" and r["wilson_low"] > FALSE_POSITIVE_CEILING:
            bad.append(f"{r['family']} {r['effect']}: false positives {r['rate']:.2f}")
        if null and r["kind"] == "rate" and r["rate"] > FALSE_POSITIVE_CEILING:
            bad.append(f"{r['family']} {r['effect']}: {r['rate']:.3f} of LSOAs declared")
    return bad


def markdown(table: pl.DataFrame, frame: pl.DataFrame, null: bool) -> str:
    head = "| family | effect | runs | " + (
        "significant at 5% | Wilson 95% |" if null else "coverage / detection | Wilson 95% |"
    )
    lines = [head + " truth (mean) | mean estimate | methods used |", "|---" * 9 + "|"]
    for r in table.iter_rows(named=True):
        lines.append(
            f"| {r['family']} | {r['effect']} | {r['runs']} | {r['rate']:.3f} | "
            f"{r['wilson_low']:.3f}-{r['wilson_high']:.3f} | {r['truth']:.4g} | "
            f"{r['mean_estimate']:.4g} | {r['methods']} |"
        )
    errors = frame.filter(pl.col("kind") == "error")
    if errors.height:
        lines.append("")
        lines.append(f"Errors ({errors.height}):")
        lines += [
            f"- seed {r['seed']}, {r['effect']}: {r['method']}"
            for r in errors.iter_rows(named=True)
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=int, default=40)
    parser.add_argument("--first-seed", type=int, default=100)
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--null", action="store_true")
    parser.add_argument("--out", type=Path, default=None, help="write every run as CSV here")
    parser.add_argument("--markdown", type=Path, default=None, help="append the table here")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated families to run (drivers, profile, survey, satisfaction, hotspots)",
    )
    parser.add_argument(
        "--from-csv", type=Path, default=None, help="summarise an earlier --out CSV, run nothing"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    if args.from_csv:
        frame = pl.read_csv(args.from_csv, infer_schema_length=None)
    else:
        only = frozenset(f.strip() for f in args.only.split(",") if f.strip())
        frame = run(seeds, args.scale, args.null, only=only)
    elapsed = time.perf_counter() - start
    if args.out:
        frame.write_csv(args.out)
    table = summary(frame)
    with pl.Config(tbl_rows=100, tbl_cols=12, tbl_width_chars=200, float_precision=3,
                   fmt_str_lengths=60):  # fmt: skip
        print(table)
    bad = failures(table, args.null) + [
        f"{b} (known: see KNOWN_SHORTFALLS)" for b in failures(table, args.null, known=True)
    ]
    print(f"{len(seeds)} seeds at scale {args.scale}{' (null)' if args.null else ''}: "
          f"{elapsed / 60:.1f} min")  # fmt: skip
    print("below the bar: " + ("; ".join(bad) if bad else "none"))
    if args.markdown:
        command = (
            "PYTHONPATH=src nice -n 10 .venv/bin/python benchmarks/calibration.py "
            + " ".join(argv if argv is not None else sys.argv[1:])
        )
        text = (
            f"\n### Scale {args.scale}{', null (no effects planted)' if args.null else ''}: "
            f"{len(seeds)} seeds ({seeds.start}-{seeds.stop - 1})\n\n"
            f"Command: `{command}`. Time: {elapsed / 60:.1f} min on the shared 2-core machine "
            f"(nice 10). Below the bar: {'; '.join(bad) if bad else 'none'}.\n\n"
            + markdown(table, frame, args.null)
            + "\n"
        )
        with args.markdown.open("a", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
