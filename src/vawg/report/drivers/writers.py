"""Assembles the drivers report: the HTML page from its sections, the JSON document (every
headline effect under the stable keys of :data:`vawg.models.drivers.EFFECT_KEYS`) and the
CSV rows.
"""

from __future__ import annotations

from typing import Any

from vawg.models.drivers import EFFECT_KEYS, DriversResult
from vawg.models.mainpoints import drivers_main_points
from vawg.report import fmt
from vawg.report.drivers._format import LABELS
from vawg.report.drivers.area import _area
from vawg.report.drivers.birthday import _age, _birthday
from vawg.report.drivers.daily import _daily
from vawg.report.drivers.feed import _feed
from vawg.report.drivers.methods import _methods
from vawg.report.drivers.summary import _summary
from vawg.report.page import Classification, Section, disclosure_rule, is_public, render_page
from vawg.results import to_jsonable


def drivers_html(result: DriversResult) -> str:
    """The drivers report as one self-contained HTML page (public when ``result`` is the
    public one, :func:`vawg.models.public.disclose_drivers`)."""
    start, end = result.params.period or (None, None)
    public = is_public(result.params.settings)
    sections = [
        Section("Summary", _summary(result), anchor="summary"),
        Section("Feed check", _feed(result), anchor="feed"),
        Section("Deprivation, pubs and town centres", _area(result), anchor="area"),
        Section("Temperature", _daily(result), anchor="temperature"),
        Section("Birthdays", _birthday(result), anchor="birthdays"),
        Section("Age", _age(result), anchor="age"),
        Section("Methods, definitions and assumptions", _methods(result), anchor="methods"),
    ]
    return render_page(
        "Drivers of violence against women and girls",
        sections,
        classification=(
            Classification.public(disclosure_rule(result.params.settings))
            if public
            else Classification.restricted()
        ),
        subtitle=(
            "Deprivation, pubs, town centres, temperature, birthdays and age · "
            + (fmt.period(start, end) if start and end else "no period")
        ),
        main_points=drivers_main_points(result),
    )


def drivers_json(result: DriversResult) -> dict[str, Any]:
    """JSON-safe dict: headline ``effects`` under stable keys, then each model in detail."""
    public = is_public(result.params.settings)
    area = result.area
    daily = result.daily
    birthday = result.birthday
    out: dict[str, Any] = {
        "period": to_jsonable(result.params.period),
        "classification": "PUBLIC" if public else "OFFICIAL-SENSITIVE",
        "effects": {k: result.effects[k].to_dict() for k in EFFECT_KEYS},
        "effect_units": {
            **(area.units if area else {}),
            "tmax_per_degree": "per 1 °C of the daily "
            + ("maximum" if daily is None or daily.temperature == "tmax_c" else "mean"),
            "offender_birthday": "birthday vs an ordinary day, same offender",
            "victim_birthday": "birthday vs an ordinary day, same victim",
        },
        "area_model": None,
        "daily_model": None,
        "birthday_model": None,
        "age_profile": None,
        "feed_check": {
            "flagged_months": to_jsonable(list(result.anomalies.flagged)),
            "excluded_months": to_jsonable(list(result.excluded_months)),
            "table": to_jsonable(result.anomalies.table),
        },
        "sources": {
            "areas": result.area_source,
            "population": result.population_source,
            "weather": result.weather_source,
        },
        "errors": result.errors,
        "notes": list(result.notes),
        "settings": to_jsonable(result.params.settings),
    }
    if area is not None:
        out["area_model"] = {
            "headline_outcome": area.headline_outcome,
            "pubs_level": area.pubs_level,
            "outcomes": {k: fit.to_dict() for k, fit in area.fits.items()},
            "morans_i": {k: to_jsonable(m) for k, m in area.moran.items()},
            "notes": list(area.notes),
        }
    if daily is not None:
        out["daily_model"] = {
            "temperature": daily.temperature,
            "days": daily.days,
            "first_day": daily.first_day.isoformat(),
            "last_day": daily.last_day.isoformat(),
            "series": {
                k: {
                    "tmax_per_degree": f.rate_ratios["temp"].to_dict(),
                    "alpha": f.alpha.to_dict(),
                    "crimes": f.events,
                }
                for k, f in daily.fits.items()
            },
            "spline": {
                k: {
                    "reference_temperature": c.reference,
                    "df": c.df,
                    "lr_p_value": c.lr_p_value,
                    "curve": to_jsonable(c.table),
                }
                for k, c in daily.curves.items()
            },
        }
    if birthday is not None:
        out["birthday_model"] = {
            "window_days": birthday.window,
            "effects": {k: v.to_dict() for k, v in birthday.effects.items()},
            "people": birthday.people,
            "table": to_jsonable(birthday.table),
            "profile": to_jsonable(birthday.profile),
        }
    if result.age is not None:
        out["age_profile"] = {
            "reference_band": result.age.reference_band,
            "table": to_jsonable(result.age.table),
        }
    return out


def drivers_csv_rows(result: DriversResult) -> tuple[list[str], list[list[Any]]]:
    """The headline effects as CSV (key, label, estimate, ci_low, ci_high, p_value)."""
    header = ["key", "label", "estimate", "ci_low", "ci_high", "p_value"]
    rows = []
    for key in EFFECT_KEYS:
        d = result.effects[key].to_dict()
        rows.append([key, LABELS[key], d["estimate"], d["ci_low"], d["ci_high"], d["p_value"]])
    return header, rows
