"""Who is compared with whom: programme participants and a matched comparison group.

Each participant's **index date** is the day he was referred (among the men referred who went
on to start the programme): the day the decision was made, when a man who was not referred
could have been. Following him from his start date instead would compare him, weeks later,
with men picked for looking like him *then*, while he had been picked for what he had done
before referral; on the synthetic force that biased a programme with no effect to a hazard
ratio of 1.4.

On that day his history is summed up from his in-scope VAWG offences (by the date committed):
offences in the ``programme_lookback_days`` before it and in the last 91 days, days since the
last one and between the last two, an RFGV score as of that day (the bands and weights of the
``rfgv_*`` settings, as in the perpetrator profile), his age, the share of his offences
flagged domestic abuse, his offences against the victim of his latest one (an abuse still
going on), and how long he can be followed before the data end (time at risk).

**Comparison candidates** are the perpetrators of in-scope offences with a date of birth who
had not been referred to any programme by that day and had an offence in the look-back
(risk-set matching: a comparison is someone who could have been referred that day; Lu 2005).
A man referred later may serve as a comparison until then, and his follow-up stops the day he
is referred: leaving such men out would bias the comparisons towards men who stop offending.
Each participant gets the ``programme_comparisons``
nearest candidates, exactly alike on prior offences (capped at 6) and offences in the last 91
days (capped at 3), nearest by Mahalanobis distance on the rest
(:mod:`vawg.evaluation.matching`); a candidate may serve several participants (matching with
replacement, Abadie & Imbens 2006), and the Cox model's errors allow for it.

Participants are left out, and counted in the notes, when they never started, have no date of
birth (age cannot be matched), were referred after the data end, or had no in-scope offence
in the look-back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from vawg.config import Settings
from vawg.evaluation.matching import Matched, Moments, match_nearest
from vawg.threads import in_order

__all__ = [
    "COVARIATES",
    "Cohort",
    "OffenceHistory",
    "build_cohort",
    "index_days",
    "offence_history",
]

COVARIATES = {
    "prior_offences": "in-scope offences in the look-back",
    "recent_offences": "in-scope offences in the last 91 days",
    "log_last_gap": "days between his last two offences (log)",
    "rfgv_score": "RFGV score on the index date",
    "age": "age on the index date",
    "days_since_last": "days since the last offence",
    "log_days_since_last": "days since the last offence (log)",
    "current_victim_offences": "offences against the victim of his latest offence",
    "domestic_share": "share of those offences flagged domestic abuse",
    "time_at_risk": "days of follow-up available",
}
_MATCHED_ON = (
    "prior_offences",
    "recent_offences",
    "log_last_gap",
    "rfgv_score",
    "age",
    "log_days_since_last",
    "domestic_share",
    "current_victim_offences",
)
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
_DAY0 = date(1970, 1, 1)
RECENT_DAYS = 91


@dataclass(frozen=True)
class OffenceHistory:
    """Every in-scope offence of every perpetrator, as sorted arrays (days since 1970-01-01).

    ``person`` indexes ``people``; ``victims`` holds (person, victim) pairs with their day.
    """

    people: tuple[str, ...]
    person: IntArray
    day: IntArray
    harm: FloatArray
    domestic: FloatArray
    pair_person: IntArray
    pair_victim: IntArray
    pair_day: IntArray
    pair_key: IntArray  # pair_person * victim_span + pair_victim: one integer per pair
    victim_span: int  # more than the largest victim code
    birth: FloatArray  # per person, days since 1970-01-01; NaN = unknown
    # Links that make each day's history a few passes over a window of the arrays, with no
    # sort and no ``ufunc.at`` (467 referral days at Kent scale; see :func:`_history_on`):
    after: IntArray  # the position of the person's next offence; len(day) = none (+1 entry)
    pair_after: IntArray  # the same for his next pair (+1 entry)
    pair_before: IntArray  # the position of the same pair's previous offence; -1 = none


def _next_same(values: IntArray) -> IntArray:
    """For each position, the next position holding the same value; ``values.size`` when
    there is none, with one more entry (at ``values.size``, itself) so it can be followed."""
    n = values.size
    order = np.argsort(values, kind="stable")
    after = np.full(n + 1, n, dtype=np.int64)
    same = values[order[1:]] == values[order[:-1]]
    after[order[:-1][same]] = order[1:][same]
    return after


def _previous_same(values: IntArray) -> IntArray:
    """For each position, the previous position holding the same value; -1 when none."""
    order = np.argsort(values, kind="stable")
    before = np.full(values.size, -1, dtype=np.int64)
    same = values[order[1:]] == values[order[:-1]]
    before[order[1:][same]] = order[:-1][same]
    return before


def _days(values: pl.Series) -> IntArray:
    return values.cast(pl.Date).cast(pl.Int64).to_numpy().astype(np.int64)


def offence_history(
    crimes: pl.DataFrame, offenders: pl.DataFrame, victims: pl.DataFrame, births: pl.DataFrame
) -> OffenceHistory:
    """Arrays of the offences from the event frames (crimes: crime_ref, day, harm_days,
    domestic_abuse;
    offenders/victims: crime_ref, person_id; births: person_id, date_of_birth)."""
    links = (
        offenders.select("crime_ref", "person_id")
        .unique()
        .join(crimes.select("crime_ref", "day", "harm_days", "domestic_abuse"), on="crime_ref")
    )
    people = tuple(sorted(links["person_id"].unique().to_list()))
    lookup = pl.DataFrame({"person_id": list(people)}).with_row_index("code")
    # Offences of one person on one day are put in crime-reference order, and his victims in
    # theirs: "the victim of his latest offence" is then the same on every run (the rows come
    # from the database in no fixed order).
    links = links.join(lookup, on="person_id").sort("day", "code", "crime_ref")
    pairs = (
        links.select("crime_ref", "code", "day")
        .join(victims.select("crime_ref", victim=pl.col("person_id")), on="crime_ref")
        .sort("day", "code", "crime_ref", "victim")
    )
    victim_codes = pairs["victim"].cast(pl.Categorical).to_physical().to_numpy()
    birth = lookup.join(births, on="person_id", how="left").sort("code")
    birth_days = birth["date_of_birth"].cast(pl.Date).cast(pl.Float64).fill_null(np.nan).to_numpy()
    pair_person = pairs["code"].to_numpy().astype(np.int64)
    pair_victim = victim_codes.astype(np.int64)
    span = int(pair_victim.max()) + 1 if pair_victim.size else 1
    person = links["code"].to_numpy().astype(np.int64)
    pair_key = pair_person * span + pair_victim
    return OffenceHistory(
        people=people,
        person=person,
        day=_days(links["day"]),
        harm=links["harm_days"].to_numpy().astype(np.float64),
        domestic=links["domestic_abuse"].fill_null(False).cast(pl.Float64).to_numpy(),
        pair_person=pair_person,
        pair_victim=pair_victim,
        pair_day=_days(pairs["day"]),
        pair_key=pair_key,
        victim_span=span,
        birth=birth_days.astype(np.float64),
        after=_next_same(person),
        pair_after=_next_same(pair_person),
        pair_before=_previous_same(pair_key),
    )


def _band_more(values: FloatArray, edges: tuple[float, ...]) -> FloatArray:
    a, b, c, d = edges
    return np.select([values >= d, values >= c, values >= b, values >= a], [5, 4, 3, 2], 1).astype(
        np.float64
    )


def _band_recent(days: FloatArray, edges: tuple[float, ...]) -> FloatArray:
    a, b, c, d = edges
    return np.select([days <= a, days <= b, days <= c, days <= d], [5, 4, 3, 2], 1).astype(
        np.float64
    )


def _last_in(after: IntArray, lo: int, hi: int) -> IntArray:
    """The positions in ``lo:hi`` that hold their person's last entry there (one each)."""
    return lo + np.flatnonzero(after[lo:hi] >= hi)


def _last_gap(h: OffenceHistory, lo: int, hi: int, n: int, lookback: int) -> FloatArray:
    """Days between each person's last two offences in ``lo:hi`` (the look-back when he has
    fewer than two): how fast his offending was going just before the index date."""
    gap = np.full(n, float(lookback), dtype=np.float64)
    nxt = h.after[lo:hi]
    # His second-last offence is the one whose next is his last.
    second = lo + np.flatnonzero((nxt < hi) & (h.after[nxt] >= hi))
    gap[h.person[second]] = h.day[h.after[second]] - h.day[second]
    return gap


def _current_victim_offences(h: OffenceHistory, first: int, index: int, n: int) -> FloatArray:
    """Offences from ``first`` to the day before ``index`` against the victim of each person's
    most recent offence (an abuse that is still going on)."""
    lo, hi = (int(x) for x in np.searchsorted(h.pair_day, [first, index], side="left"))
    if hi <= lo:
        return np.zeros(n)
    # Pairs are in day order: a person's last pair holds his latest victim.
    last = _last_in(h.pair_after, lo, hi)
    latest = np.full(n, -1, dtype=np.int64)
    latest[h.pair_person[last]] = h.pair_victim[last]
    person, victim = h.pair_person[lo:hi], h.pair_victim[lo:hi]
    return np.bincount(person, weights=(victim == latest[person]), minlength=n).astype(np.float64)


def _history_on(h: OffenceHistory, index: int, settings: Settings) -> pl.DataFrame:
    """Every person's history on day ``index``: prior offences, RFGV score, days since last."""
    n = len(h.people)
    lookback = int(settings.programme_lookback_days)
    window = int(settings.rfgv_window_days)
    lo, hi = (int(x) for x in np.searchsorted(h.day, [index - lookback, index], side="left"))
    prior = np.bincount(h.person[lo:hi], minlength=n)
    r_lo = int(np.searchsorted(h.day, index - RECENT_DAYS, side="left"))
    recent = np.bincount(h.person[r_lo:hi], minlength=n).astype(np.float64)
    gap = _last_gap(h, lo, hi, n, lookback)
    domestic = np.bincount(h.person[lo:hi], weights=h.domestic[lo:hi], minlength=n)
    # Days ascend, so a person's last offence in the window is his latest.
    last = np.full(n, -1, dtype=np.int64)
    at = _last_in(h.after, lo, hi)
    last[h.person[at]] = h.day[at]
    w_lo = int(np.searchsorted(h.day, index - window, side="left"))
    crimes = np.bincount(h.person[w_lo:hi], minlength=n).astype(np.float64)
    harm = np.bincount(h.person[w_lo:hi], weights=h.harm[w_lo:hi], minlength=n).astype(np.float64)
    p_lo, p_hi = (int(x) for x in np.searchsorted(h.pair_day, [index - window, index], side="left"))
    # Distinct victims: the pairs met for the first time in the window, counted by person.
    new = h.pair_before[p_lo:p_hi] < p_lo
    victims = np.bincount(h.pair_person[p_lo:p_hi], weights=new, minlength=n).astype(np.float64)
    since = np.where(last >= 0, index - last, lookback + 1).astype(np.float64)
    recency = np.where(last >= 0, since, np.inf).astype(np.float64)
    current = _current_victim_offences(h, index - lookback, index, n)
    r = tuple(float(x) for x in settings.rfgv_recency_days)
    f = tuple(float(x) for x in settings.rfgv_frequency_crimes)
    g = tuple(float(x) for x in settings.rfgv_gravity_days)
    v = tuple(float(x) for x in settings.rfgv_victims)
    w_r, w_f, w_g, w_v = (float(x) for x in settings.rfgv_weights)
    # Scored only where he offended in the window (a few of everyone): the rest score the
    # lowest band of each.
    scored = np.flatnonzero(crimes > 0)
    score = np.full(n, w_r + w_f + w_g + w_v)
    score[scored] = (
        w_r * _band_recent(recency[scored], r)
        + w_f * _band_more(crimes[scored], f)
        + w_g * _band_more(harm[scored], g)
        + w_v * _band_more(victims[scored], v)
    )
    age = (index - h.birth) / 365.25
    return pl.DataFrame(
        {
            "code": np.arange(n, dtype=np.int64),
            "prior_offences": prior.astype(np.float64),
            "recent_offences": recent,
            "log_last_gap": np.log1p(gap),
            "domestic_share": np.divide(domestic, prior, out=np.zeros(n), where=prior > 0),
            "rfgv_score": score,
            "days_since_last": since,
            "current_victim_offences": current,
            "age": pl.Series(age, nan_to_null=True),
            # polars' log1p, as before: numpy's differs in the last digit now and then.
            "log_days_since_last": pl.Series(since).log1p(),
        }
    )


@dataclass(frozen=True)
class Cohort:
    """Participants and their matched comparisons, one row per person and index date.

    ``table``: person_id, group (participant / comparison), set_id (the participant's
    person_id and index date), index_date, completed (Y / N / unknown for participants, the
    participant's for his comparisons), censor_day (days since 1970-01-01 when his follow-up
    stops: the data end, or the day a comparison was himself referred), and the covariates of
    :data:`COVARIATES`. ``pool``:
    the moments of the candidates' covariates over every referral date (for the balance
    table, before matching).
    """

    table: pl.DataFrame
    pool: Moments
    excluded: dict[str, int]
    short: int


def _participants_on(
    group: pl.DataFrame, on_day: pl.DataFrame, code_of: dict[str, int], excluded: dict[str, int]
) -> pl.DataFrame:
    """The usable participants starting on one day, with their history (counting the rest).

    (Chosen with numpy masks and one gather rather than a join and filters: this runs once
    for each of several hundred referral days.)
    """
    codes = np.asarray([code_of.get(p, -1) for p in group["person_id"].to_list()], dtype=np.int64)
    known = codes >= 0
    excluded["no in-scope offence at all"] += int((~known).sum())
    codes = codes[known]
    # A person's code is his row in ``on_day``: take those rows.
    history = on_day[codes]
    born = history["age"].is_not_null().to_numpy()
    offended = history["prior_offences"].fill_null(0).to_numpy() > 0
    excluded["no date of birth"] += int((~born).sum())
    excluded["no in-scope offence in the look-back"] += int((born & ~offended).sum())
    mine = pl.concat(
        [
            group.filter(pl.Series(known)).with_columns(code=pl.Series(codes, dtype=pl.Int64)),
            history.drop("code"),
        ],
        how="horizontal",
    )
    return mine.filter(pl.Series(born & offended)).with_columns(key=pl.col("person_id"))


@dataclass(frozen=True)
class _Matched:
    """One referral date's participants and comparisons (see :func:`build_cohort`)."""

    rows: list[pl.DataFrame]
    pool: Moments
    short: int
    excluded: dict[str, int]


def _match_day(
    index_date: date,
    group: pl.DataFrame,
    history: OffenceHistory,
    code_of: dict[str, int],
    names: pl.Series,
    referred_on: IntArray,
    last: int,
    settings: Settings,
) -> _Matched:
    """Match the participants referred on ``index_date`` to the candidates of that day."""
    excluded: dict[str, int] = defaultdict(int)
    day = (index_date - _DAY0).days
    on_day = _history_on(history, day, settings)
    mine = _participants_on(group, on_day, code_of, excluded)
    if not mine.height:
        return _Matched([], Moments.empty(), 0, dict(excluded))
    rows: list[pl.DataFrame] = []
    at_risk = float(last - day)
    # The candidates: not referred by this day (perhaps later), with an offence in the
    # look-back and a date of birth. A person's code is his row in ``on_day``.
    candidates = np.flatnonzero(
        (referred_on > day)
        & (on_day["prior_offences"].to_numpy() > 0)
        & on_day["age"].is_not_null().to_numpy()
    )
    bands = {
        "prior_band": pl.col("prior_offences").clip(0, 6),
        "recent_band": pl.col("recent_offences").clip(0, 3),
    }
    pool = on_day[candidates].with_columns(
        key=names.gather(candidates),
        time_at_risk=pl.lit(at_risk),
        censor_day=pl.Series(np.minimum(referred_on[candidates], last), dtype=pl.Int64),
        **bands,
    )
    mine = mine.with_columns(time_at_risk=pl.lit(at_risk), censor_day=pl.lit(last), **bands)
    matched: Matched = match_nearest(
        mine,
        pool,
        id_column="key",
        covariates=list(_MATCHED_ON),
        k=int(settings.programme_comparisons),
        exact=["prior_band", "recent_band"],
        replace=True,
    )
    set_of = {p: f"{p}@{index_date}" for p in mine["person_id"].to_list()}
    status = dict(zip(mine["person_id"].to_list(), mine["completed"].to_list(), strict=True))
    rows.append(
        mine.select(
            "person_id",
            pl.lit("participant").alias("group"),
            pl.col("person_id").replace_strict(set_of).alias("set_id"),
            pl.lit(index_date).alias("index_date"),
            pl.col("completed"),
            "censor_day",
            *COVARIATES,
        )
    )
    rows.append(
        pool.join(matched.pairs, left_on="key", right_on="comparison").select(
            pl.col("key").alias("person_id"),
            pl.lit("comparison").alias("group"),
            pl.col("treated").replace_strict(set_of).alias("set_id"),
            pl.lit(index_date).alias("index_date"),
            pl.col("treated").replace_strict(status, return_dtype=pl.String).alias("completed"),
            "censor_day",
            *COVARIATES,
        )
    )
    return _Matched(rows, Moments.of(pool, list(COVARIATES)), len(matched.short), dict(excluded))


def build_cohort(
    referrals: pl.DataFrame,
    history: OffenceHistory,
    first_referral: dict[str, date],
    last_day: date,
    settings: Settings,
) -> Cohort:
    """Match every usable participant of ``referrals`` (one programme) to his comparisons."""
    excluded = dict.fromkeys(
        (
            "never started",
            "no date of birth",
            "referred after the data end",
            "no in-scope offence at all",
            "no in-scope offence in the look-back",
            "referred again (first start kept)",
        ),
        0,
    )
    started = referrals.filter(pl.col("start_date").is_not_null())
    excluded["never started"] = referrals.height - started.height
    first = started.sort("referral_date").unique("person_id", keep="first", maintain_order=True)
    excluded["referred again (first start kept)"] = started.height - first.height
    code_of = {p: i for i, p in enumerate(history.people)}
    last = (last_day - _DAY0).days
    # Days (since 1970) each perpetrator was first referred to any programme; none = never.
    referred_on = np.asarray(
        [
            (first_referral[p] - _DAY0).days if p in first_referral else np.iinfo(np.int64).max
            for p in history.people
        ],
        dtype=np.int64,
    )
    schema = {
        "person_id": pl.String,
        "group": pl.String,
        "set_id": pl.String,
        "index_date": pl.Date,
        "completed": pl.String,
        "censor_day": pl.Int64,
        **dict.fromkeys(COVARIATES, pl.Float64),
    }
    names = pl.Series("key", history.people, dtype=pl.String)
    days = []
    for key, group in first.group_by("referral_date", maintain_order=True):
        if (key[0] - _DAY0).days >= last:
            excluded["referred after the data end"] += group.height
        else:
            days.append((key[0], group))

    def on(index_date: date, group: pl.DataFrame) -> _Matched:
        return _match_day(index_date, group, history, code_of, names, referred_on, last, settings)

    # Each referral date is matched on its own; the days are shared among the cores and
    # taken back in date order, so the cohort is the same however many there are.
    done = in_order(lambda d: on(*d), days)
    rows = []
    pool = Moments.empty()
    short = 0
    for day in done:
        for reason, n in day.excluded.items():
            excluded[reason] += n
        short += day.short
        rows += day.rows
        pool += day.pool  # in date order, so the sums are the same however many cores
    if not rows:
        return Cohort(
            pl.DataFrame(schema=schema), pool, {k: v for k, v in excluded.items() if v}, 0
        )
    table = pl.concat(rows, how="vertical_relaxed")
    return Cohort(
        table=table.with_columns(pl.col("index_date").cast(pl.Date)),
        pool=pool,
        excluded={k: v for k, v in excluded.items() if v},
        short=short,
    )


def index_days(table: pl.DataFrame) -> IntArray:
    """The index dates of ``table`` in days since 1970-01-01."""
    return _days(table["index_date"])
