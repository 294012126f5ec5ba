"""The README.md written next to the synthetic files: what they are and what is planted."""

from __future__ import annotations

from typing import Any

__all__ = ["readme_text"]


def _rr(d: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.3f}" for k, v in d.items())


def _evaluation_files(ss: dict[str, Any], prog: dict[str, Any], kent: bool) -> str:
    where = (
        "real town centres named by the PCC"
        if kent
        else "the proxy town centres of the largest districts"
    )
    files = (
        f"| interventions.csv | {len(ss['interventions'])} Safer Streets interventions in "
        f"{where}; **dates, costs and areas are synthetic** |\n"
    )
    if prog.get("planted", True):
        files += (
            f"| programme_participants.csv | {prog['participants']} synthetic referrals to the "
            f"perpetrator programme `{prog['programme']}` |\n"
        )
    return files


def _evaluation_plants(ss: dict[str, Any], prog: dict[str, Any]) -> str:
    out = f"""- Safer Streets: in each intervention's LSOAs, from its start, public-place crimes in the
  evening and at night (18:00 to 06:00) have rate ratio {ss["rate_ratio"]}; a share
  {ss["displacement_share"]} of the prevented crimes move into the ring of LSOAs within
  {ss["ring_metres"]:g} m (per intervention in `planted.safer_streets`).
"""
    if not prog.get("planted", True):
        return out + f"- Perpetrator programme: {prog['reason']}.\n"
    return (
        out
        + f"""- Perpetrator programme: each participant's hazard of a next offence after his referral is
  multiplied by {prog["hazard_ratio"]} ({prog["completed"]} completed, {prog["left_early"]} left
  early, {prog["still_on_it"]} still on it).
"""
    )


def readme_text(truth: dict[str, Any]) -> str:
    """Markdown describing a generated folder, filled in from its truth dict."""
    h = truth["headline"]
    p = truth["planted"]
    area, daily, bday = p["area"], p["daily"], p["birthday"]
    ss, prog = p["safer_streets"], p["programme"]
    geo = truth["geography"]
    evaluation_files = _evaluation_files(ss, prog, kent=geo["name"] == "kent")
    evaluation_plants = _evaluation_plants(ss, prog)
    ratio = h["home_crimes"] / h["public_crimes"] if h["public_crimes"] else float("nan")
    if geo["name"] == "kent":
        place, size = "Kent", "1.0 = Kent-sized"
        areas = "real Kent + Medway 2011 LSOAs"
    else:
        place, size = geo["label"], f"1.0 = {geo['volume_in_kents_at_scale_1']:.1f} times Kent"
        areas = (
            f"real 2011 LSOAs of {geo['label']} ({geo['lsoas']:,} LSOAs, {geo['districts']:,} "
            f"districts, {geo['forces']:,} force areas in the force column)"
        )
    return f"""# Synthetic {place} force extract (NOT REAL DATA)

Every person, crime, outcome and survey answer in this folder was made up by
`vawg.synth.generate` (vawg-insight). No real victim or offender is in it. It imitates the
shape of a police extract on violence against women and girls (Kent's rates, in {place}) so
that the analyses can be checked against a known truth. Do not quote numbers from it as facts.

- seed {truth["seed"]}, scale {truth["scale"]} ({size}), null model: {truth["null"]}
- town centres: {geo["town_centres"]}
- period {truth["period"]["start"]} to {truth["period"]["end"]} (by recorded date); crimes are
  generated from {truth["window"]["first"]} to {truth["window"]["last"]} (the extract date), so
  some fall outside the period on both sides, and recent crimes are still under investigation.

## Files

| file | what |
|---|---|
| crimes.csv, people.csv, involvements.csv | the force extract (data contract, section 1) |
| cjs_events.csv | charge decisions, first hearings, trials, verdicts (crime_ref, stage, date, result) |
| areas.csv | {areas} (population mid-2015, IMD 2019 decile, centroid); **pubs and town centres are synthetic**; imd_score empty (only deciles are shipped) |
| weather.csv | tmean_c is real Met Office HadCET (central England); **tmax_c and rain_mm are synthetic** (mean + seasonal half diurnal range + noise; gamma rain) |
| public_survey.csv | 8,200 synthetic respondents, self-selected (more women and middle-aged); no weight column |
| victim_survey.csv | synthetic victims' satisfaction answers, mostly linked to crimes with an outcome |
{evaluation_files}| truth.json | every planted parameter and the true headline values |

## How it is made

People, not rows: perpetrators have careers (most offend once; a few are prolific; many harm
several women over time), each relationship with a victim (partner then perhaps ex-partner,
family, acquaintance, stranger) produces repeat crimes, mostly at the victim's home for
domestic abuse and in public for strangers. Dates of birth make every age consistent. Victims
live in LSOAs drawn from the planted area model; crime dates follow the planted daily model.

## Headline truth (default VAWG scope, computed from the files)

- crimes in scope: {h["crimes_in_scope"]:,} (home {h["home_crimes"]:,}, public {h["public_crimes"]:,},
  unknown location {h["unknown_location_crimes"]:,}; home : public = {ratio:.2f})
- distinct male offenders aged 18+: {h["distinct_offenders"]:,}; distinct female victims:
  {h["distinct_victims"]:,}; repeat offenders {h["repeat_offenders"]:,}, repeat victims
  {h["repeat_victims"]:,}
- share of harm caused by the top 1 / 5 / 10 / 20% of offenders:
  {h["harm_share_top_1pct"]:.3f} / {h["harm_share_top_5pct"]:.3f} /
  {h["harm_share_top_10pct"]:.3f} / {h["harm_share_top_20pct"]:.3f}

Scope: {truth["scope_rule"]}.

## What is planted (all in truth.json; `--null` sets every rate ratio to 1)

- Area, crimes per head of LSOA population: home {_rr(area["home"])}; public
  {_rr(area["public"])}; a model of all in-scope crimes estimates about
  {_rr(area["combined_pseudo_true"])}; LSOA gamma frailty variance alpha {area["alpha"]}.
- Daily: rate ratio {daily["tmax_per_degree"]} per degree C of tmax_c; day of week; month;
  bank holidays (home {daily["bank_holiday_home"]}, public {daily["bank_holiday_public"]});
  COVID lockdowns (home {daily["lockdown_home"]}, public {daily["lockdown_public"]}); trend
  {daily["trend_per_year"]} per year. Evening peaks, weekend nights in public places.
- Birthdays: rate ratio {bday["offender_birthday"]} on the offender's birthday and
  {bday["victim_birthday"]} on the victim's (days either side {bday["offender_birthday_window"]}
  and {bday["victim_birthday_window"]}), relative to an ordinary day.
- Careers heavy-tailed: {p["careers"]["heavy_tailed"]}. Outcomes differ by offence group:
  {p["outcomes"]["outcome_differences"]} (many evidential-difficulty outcomes for domestic abuse,
  a low charge rate for rape, longer investigations for sexual offences).
{evaluation_plants}- Surveys: see `surveys` in truth.json (survey selection, harassment and reporting model, night
  vs day safety, district differences, victim satisfaction coefficients).

Noise the scope must exclude is included on purpose: male victims, female suspects, boys under
18, people with no date of birth (about 3%), `other` offences without the domestic abuse flag,
crimes with no identified suspect, crimes recorded outside the period, unknown locations.
"""
