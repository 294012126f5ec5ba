"""Every input table of the data contract (``docs/data-contract.md`` is generated from this).

Four kinds of input: the force extract (crimes, people, involvements and the optional criminal
justice events), police.uk open data (street and outcomes files), the area reference, daily
weather, and the two surveys. Column names are exact and lower-case except where police.uk's
own headers are kept as ``source``.
"""

from __future__ import annotations

from vawg.errors import InputError
from vawg.schema.types import Column, ColumnType, Reference, RowRule, Table

__all__ = [
    "AGE_BANDS",
    "INTERVENTION_TYPES",
    "LOCATION_TYPES",
    "OFFENCE_GROUPS",
    "RELATIONSHIPS",
    "ROLES",
    "TABLES",
    "table",
]

T = ColumnType

OFFENCE_GROUPS = (
    "violence_with_injury",
    "violence_without_injury",
    "stalking",
    "harassment",
    "coercive_control",
    "rape",
    "other_sexual",
    "drink_spiking",
    "other",
)
LOCATION_TYPES = (
    "dwelling",
    "street",
    "licensed_premises",
    "transport",
    "open_space",
    "commercial",
    "education",
    "other",
    "unknown",
)
ROLES = ("victim", "suspect", "offender")
RELATIONSHIPS = ("partner", "ex_partner", "family", "acquaintance", "stranger", "unknown")
AGE_BANDS = ("16-24", "25-34", "35-44", "45-54", "55-64", "65+")
CJS_STAGES = ("charge_decision", "first_hearing", "trial", "verdict")
SEXES = ("M", "F", "U")
INTERVENTION_TYPES = (
    "cctv",
    "lighting",
    "safe_space",
    "environmental",
    "bystander_training",
    "outreach",
    "safe_travel",
    "other",
)
LSOA_PATTERN = r"[EW]01\d{6}"
LSOA_DOC = "`E01` (England) or `W01` (Wales) + 6 digits (2011 or 2021 LSOA)"

# Great Britain on the British National Grid, generously bounded.
GB_EASTING = (0.0, 700_000.0)
GB_NORTHING = (0.0, 1_300_000.0)


def _lsoa(required: bool, doc: str) -> Column:
    return Column(
        "lsoa_code",
        T.TEXT,
        doc,
        required=required,
        pattern=LSOA_PATTERN,
        pattern_doc=LSOA_DOC,
    )


def _grid(name: str, bounds: tuple[float, float], doc: str) -> Column:
    return Column(name, T.INTEGER, doc, minimum=bounds[0], maximum=bounds[1])


CRIMES = Table(
    name="crimes",
    title="crimes.csv — one row per recorded crime",
    doc="What the force's records system exports: one row per recorded crime. Person-level, confidential.",
    file_patterns=("crimes",),
    confidential=True,
    columns=(
        Column("crime_ref", T.TEXT, "The force's crime reference.", required=True, unique=True),
        Column("recorded_date", T.DATE, "Date the crime was recorded.", required=True),
        Column(
            "committed_from",
            T.DATETIME,
            "Earliest time the crime may have been committed.",
            required=True,
        ),
        Column("committed_to", T.DATETIME, "Latest time the crime may have been committed."),
        Column(
            "offence_code",
            T.TEXT,
            "Home Office offence code, e.g. `8N` or `008/01`.",
            pattern=r"[0-9]{1,3}[A-Z]?(/[0-9]{2})?",
            pattern_doc="Home Office code: 1-3 digits, an optional letter, an optional `/NN` subcode",
        ),
        Column("offence_group", T.ENUM, "Offence group.", required=True, values=OFFENCE_GROUPS),
        Column("domestic_abuse", T.FLAG, "The force's domestic abuse flag.", required=True),
        Column(
            "location_type",
            T.ENUM,
            "Where it happened; `dwelling` = home.",
            required=True,
            values=LOCATION_TYPES,
        ),
        _lsoa(False, "LSOA of the crime; required unless both coordinates are given."),
        _grid("easting", GB_EASTING, "British National Grid easting (m); both or neither."),
        _grid("northing", GB_NORTHING, "British National Grid northing (m); both or neither."),
        Column(
            "outcome_code",
            T.INTEGER,
            "Home Office outcome type 1-22; empty = under investigation.",
            minimum=1,
            maximum=22,
        ),
        Column("outcome_date", T.DATE, "Date the outcome was assigned; required with an outcome."),
    ),
    rules=(
        RowRule(
            ("committed_from", "recorded_date"),
            "CAST({committed_from} AS DATE) > {recorded_date} + 1",
            "committed_from is after recorded_date + 1 day",
        ),
        RowRule(
            ("committed_to", "committed_from"),
            "{committed_to} < {committed_from}",
            "committed_to is before committed_from",
        ),
        RowRule(
            ("lsoa_code", "easting", "northing"),
            "{lsoa_code} IS NULL AND ({easting} IS NULL OR {northing} IS NULL)",
            "lsoa_code is required unless both easting and northing are given",
        ),
        RowRule(
            ("easting", "northing"),
            "({easting} IS NULL) <> ({northing} IS NULL)",
            "easting and northing must be given both or neither",
        ),
        RowRule(
            ("outcome_date", "outcome_code"),
            "{outcome_code} IS NOT NULL AND {outcome_date} IS NULL",
            "outcome_date is required when outcome_code is given",
        ),
        RowRule(
            ("outcome_date", "recorded_date"),
            "{outcome_date} < {recorded_date}",
            "outcome_date is before recorded_date",
        ),
        RowRule(
            ("outcome_code", "outcome_date"),
            "{outcome_code} IS NULL AND {outcome_date} IS NOT NULL",
            "outcome_date is given without an outcome_code",
        ),
    ),
    period="recorded_date",
)

PEOPLE = Table(
    name="people",
    title="people.csv — one row per person (pseudonymised by the force)",
    doc="Every person involved in a crime, pseudonymised. Person-level, confidential.",
    file_patterns=("people",),
    confidential=True,
    columns=(
        Column("person_id", T.TEXT, "Pseudonymised person identifier.", required=True, unique=True),
        Column("sex", T.ENUM, "Sex as recorded.", required=True, values=SEXES),
        Column("date_of_birth", T.DATE, "Date of birth.", not_future=True, earliest="1900-01-01"),
    ),
)

INVOLVEMENTS = Table(
    name="involvements",
    title="involvements.csv — who was involved in which crime, and how",
    doc="Links people to crimes with their role. Person-level, confidential.",
    file_patterns=("involvements",),
    confidential=True,
    columns=(
        Column("crime_ref", T.TEXT, "Crime; must exist in crimes.", required=True),
        Column("person_id", T.TEXT, "Person; must exist in people.", required=True),
        Column("role", T.ENUM, "Role in the crime.", required=True, values=ROLES),
        Column(
            "relationship",
            T.ENUM,
            "Victim rows: the victim's relationship to the suspect.",
            values=RELATIONSHIPS,
        ),
    ),
    rules=(
        RowRule(
            ("relationship", "role"),
            "{relationship} IS NOT NULL AND {role} <> 'victim'",
            "relationship is only recorded on victim rows",
        ),
    ),
    references=(
        Reference("crime_ref", "crimes", "crime_ref"),
        Reference("person_id", "people", "person_id"),
    ),
    group="crime_ref",
)

CJS_EVENTS = Table(
    name="cjs_events",
    title="cjs_events.csv — criminal justice events after the police outcome (optional)",
    doc=(
        "Stages a crime reaches in the criminal justice system after the police outcome: the "
        "charging decision, first hearing, trial and verdict, each with its date and result. "
        "Feeds the agency tables of the half-year audit. Person-level, confidential."
    ),
    file_patterns=("cjs_events",),
    confidential=True,
    columns=(
        Column("crime_ref", T.TEXT, "Crime; must exist in crimes.", required=True),
        Column("stage", T.ENUM, "Stage reached.", required=True, values=CJS_STAGES),
        Column("date", T.DATE, "Date of the stage.", required=True),
        Column(
            "result", T.TEXT, "Result, e.g. `charged`, `no_further_action`, `guilty`, `not_guilty`."
        ),
    ),
    references=(Reference("crime_ref", "crimes", "crime_ref"),),
    group="crime_ref",
    period="date",
)


def _police_columns(last: Column) -> tuple[Column, ...]:
    return (
        Column(
            "crime_id",
            T.TEXT,
            "police.uk crime identifier; empty for anti-social behaviour.",
            source="Crime ID",
        ),
        Column("month", T.MONTH, "Month of the crime, `YYYY-MM`.", required=True, source="Month"),
        Column("reported_by", T.TEXT, "Force that supplied the row.", source="Reported by"),
        Column("falls_within", T.TEXT, "Force area the row falls within.", source="Falls within"),
        Column(
            "longitude",
            T.NUMBER,
            "Anonymised longitude (WGS84).",
            minimum=-9.0,
            maximum=2.5,
            source="Longitude",
        ),
        Column(
            "latitude",
            T.NUMBER,
            "Anonymised latitude (WGS84).",
            minimum=49.0,
            maximum=61.5,
            source="Latitude",
        ),
        Column(
            "location",
            T.TEXT,
            "Anonymised snap point, e.g. `On or near Nightclub`.",
            source="Location",
        ),
        Column(
            "lsoa_code",
            T.TEXT,
            "LSOA of the snap point.",
            pattern=r"[EW]01\d{6}",
            pattern_doc="`E01`/`W01` + 6 digits",
            source="LSOA code",
        ),
        Column("lsoa_name", T.TEXT, "LSOA name.", source="LSOA name"),
        last,
    )


_LON_LAT_RULE = RowRule(
    ("longitude", "latitude"),
    "({longitude} IS NULL) <> ({latitude} IS NULL)",
    "longitude and latitude must be given both or neither",
)

POLICE_STREET = Table(
    name="police_street",
    title="YYYY-MM-<force>-street.csv — police.uk street-level crime (open data)",
    doc=(
        "The monthly street-level files police.uk publishes, unchanged. No victim sex, no offender, "
        "no domestic abuse flag and one broad 'Violence and sexual offences' type, so VAWG cannot "
        "be identified from them alone. Public."
    ),
    file_patterns=("*-street",),
    confidential=False,
    columns=(
        *_police_columns(
            Column("crime_type", T.TEXT, "Broad crime type.", required=True, source="Crime type")
        ),
        Column(
            "last_outcome_category",
            T.TEXT,
            "Latest outcome category (a snapshot that can change).",
            source="Last outcome category",
        ),
        Column("context", T.TEXT, "Free-text context (usually empty).", source="Context"),
    ),
    rules=(_LON_LAT_RULE,),
    period="month",
)

POLICE_OUTCOMES = Table(
    name="police_outcomes",
    title="YYYY-MM-<force>-outcomes.csv — police.uk outcomes (open data)",
    doc="The monthly outcomes files police.uk publishes, unchanged: one row per outcome assigned in the month. Public.",
    file_patterns=("*-outcomes",),
    confidential=False,
    columns=_police_columns(
        Column("outcome_type", T.TEXT, "Outcome category.", required=True, source="Outcome type")
    ),
    rules=(_LON_LAT_RULE,),
    period="month",
)

AREAS = Table(
    name="areas",
    title="areas.csv — one row per LSOA",
    doc="The area reference: population, deprivation, pubs and town centres per LSOA. Public.",
    file_patterns=("areas",),
    confidential=False,
    columns=(
        Column(
            "lsoa_code",
            T.TEXT,
            "LSOA code.",
            required=True,
            unique=True,
            pattern=LSOA_PATTERN,
            pattern_doc=LSOA_DOC,
        ),
        Column("district", T.TEXT, "Local authority district name.", required=True),
        Column("population", T.INTEGER, "Resident population.", required=True, minimum=1),
        Column(
            "imd_score",
            T.NUMBER,
            "Index of Multiple Deprivation score (higher = more deprived).",
            minimum=0,
        ),
        Column("imd_decile", T.INTEGER, "IMD decile, 1 = most deprived.", minimum=1, maximum=10),
        Column("pubs", T.INTEGER, "Licensed pubs and bars in the LSOA.", minimum=0),
        Column("town_centre", T.FLAG, "Whether the LSOA is a town centre."),
        _grid("easting", GB_EASTING, "Population-weighted centroid easting (m)."),
        _grid("northing", GB_NORTHING, "Population-weighted centroid northing (m)."),
        Column(
            "force",
            T.TEXT,
            "Police force area the LSOA lies in (e.g. `Kent`); lets one database hold several "
            "forces. `vawg reference build` fills it in.",
        ),
        Column(
            "town_centre_name",
            T.TEXT,
            "Town-centre LSOAs: the town centre they make up, e.g. `Maidstone` (hot spots are "
            "named by it; targeting ranks whole town centres by it).",
        ),
    ),
    rules=(
        RowRule(
            ("town_centre_name", "town_centre"),
            "{town_centre_name} IS NOT NULL AND NOT coalesce({town_centre}, FALSE)",
            "town_centre_name is given but town_centre is not Y",
        ),
    ),
)

INTERVENTIONS = Table(
    name="interventions",
    title="interventions.csv — one row per place-based intervention (optional)",
    doc=(
        "Safer Streets and other place-based interventions to evaluate (`vawg evaluate`): what "
        "was done, where and when, and what it cost. The area is a list of LSOA codes, or a "
        "point and a radius (every LSOA whose population-weighted centroid lies within the "
        "radius). Public."
    ),
    file_patterns=("interventions",),
    confidential=False,
    columns=(
        Column(
            "intervention_id",
            T.TEXT,
            "Identifier of the intervention, e.g. `SS3-MAIDSTONE`.",
            required=True,
            unique=True,
        ),
        Column("name", T.TEXT, "What it is called in reports.", required=True),
        Column("type", T.ENUM, "Kind of intervention.", required=True, values=INTERVENTION_TYPES),
        Column(
            "lsoa_codes",
            T.TEXT,
            "The LSOAs it covers, separated by `;` (or give a point and radius instead).",
            pattern=LSOA_PATTERN + r"(\s*;\s*" + LSOA_PATTERN + r")*",
            pattern_doc="LSOA codes (`E01` + 6 digits) separated by `;`",
        ),
        _grid("easting", GB_EASTING, "Centre of the area, British National Grid easting (m)."),
        _grid("northing", GB_NORTHING, "Centre of the area, British National Grid northing (m)."),
        Column(
            "radius_m",
            T.NUMBER,
            "Radius of the area around the point, metres.",
            minimum=1,
            maximum=50_000,
        ),
        Column("start_date", T.DATE, "Date the intervention started.", required=True),
        Column("end_date", T.DATE, "Date it ended; empty = still running."),
        Column("cost", T.NUMBER, "What it cost, pounds.", minimum=0),
        Column("funder", T.TEXT, "Who paid, e.g. `Home Office Safer Streets Fund round 3`."),
    ),
    rules=(
        RowRule(
            ("lsoa_codes", "easting", "northing", "radius_m"),
            "{lsoa_codes} IS NULL AND ({easting} IS NULL OR {northing} IS NULL OR {radius_m} IS NULL)",
            "give the area: lsoa_codes, or all three of easting, northing and radius_m",
        ),
        RowRule(
            ("lsoa_codes", "easting", "northing", "radius_m"),
            "{lsoa_codes} IS NOT NULL AND ({easting} IS NOT NULL OR {northing} IS NOT NULL "
            "OR {radius_m} IS NOT NULL)",
            "give lsoa_codes or a point and radius, not both",
        ),
        RowRule(
            ("end_date", "start_date"),
            "{end_date} < {start_date}",
            "end_date is before start_date",
        ),
    ),
)

PROGRAMME_PARTICIPANTS = Table(
    name="programme_participants",
    title="programme_participants.csv — one row per referral to a perpetrator programme (optional)",
    doc=(
        "People referred to a perpetrator (offender rehabilitation) programme, for `vawg "
        "evaluate`'s programme evaluation: when they were referred, started and ended, and "
        "whether they completed it. A person referred twice has two rows. Person-level, "
        "confidential."
    ),
    file_patterns=("programme_participants",),
    confidential=True,
    columns=(
        Column("person_id", T.TEXT, "Person; must exist in people.", required=True),
        Column("programme", T.TEXT, "Name of the programme.", required=True),
        Column("referral_date", T.DATE, "Date of the referral.", required=True),
        Column("start_date", T.DATE, "Date the person started; empty = never started."),
        Column("completed", T.FLAG, "Completed the programme; empty = not yet known."),
        Column("end_date", T.DATE, "Date the person finished or left."),
    ),
    rules=(
        RowRule(
            ("start_date", "referral_date"),
            "{start_date} < {referral_date}",
            "start_date is before referral_date",
        ),
        RowRule(
            ("end_date", "start_date"),
            "{end_date} < {start_date}",
            "end_date is before start_date",
        ),
        RowRule(
            ("end_date", "start_date"),
            "{end_date} IS NOT NULL AND {start_date} IS NULL",
            "end_date is given without a start_date",
        ),
        RowRule(
            ("completed", "start_date"),
            "{completed} IS NOT NULL AND {start_date} IS NULL",
            "completed is given without a start_date",
        ),
    ),
    references=(Reference("person_id", "people", "person_id"),),
)

WEATHER = Table(
    name="weather",
    title="weather.csv — daily weather",
    doc="Daily temperature (and rain). Analyses use the maximum where present and say which they used. Public.",
    file_patterns=("weather",),
    confidential=False,
    columns=(
        Column("date", T.DATE, "Day.", required=True, unique=True),
        Column("tmax_c", T.NUMBER, "Daily maximum temperature, °C.", minimum=-30, maximum=45),
        Column("tmean_c", T.NUMBER, "Daily mean temperature, °C.", minimum=-30, maximum=40),
        Column("rain_mm", T.NUMBER, "Rainfall, mm.", minimum=0),
    ),
    rules=(
        RowRule(
            ("tmax_c", "tmean_c"),
            "{tmax_c} IS NULL AND {tmean_c} IS NULL",
            "at least one of tmax_c and tmean_c is required",
        ),
    ),
    period="date",
)

_SAFETY = "1 = very unsafe … 5 = very safe; empty = no answer."
_SATISFACTION = "1 = very dissatisfied … 7 = completely satisfied."

PUBLIC_SURVEY = Table(
    name="public_survey",
    title="public_survey.csv — one row per respondent",
    doc="The PCC's public safety survey. Respondent-level, confidential (free text may identify people).",
    file_patterns=("public_survey",),
    confidential=True,
    columns=(
        Column("respondent_id", T.TEXT, "Respondent identifier.", required=True, unique=True),
        Column("district", T.TEXT, "District of residence.", required=True),
        Column("age_band", T.ENUM, "Age band.", values=AGE_BANDS),
        Column("sex", T.ENUM, "Sex.", values=SEXES),
        Column(
            "feel_safe_town_day",
            T.INTEGER,
            "Safety in town centres by day: " + _SAFETY,
            minimum=1,
            maximum=5,
        ),
        Column(
            "feel_safe_town_night",
            T.INTEGER,
            "Safety in town centres at night: " + _SAFETY,
            minimum=1,
            maximum=5,
        ),
        Column("experienced_harassment", T.FLAG, "Experienced harassment or crime."),
        Column(
            "reported",
            T.FLAG,
            "Reported it (asked only of those who experienced harassment or crime).",
        ),
        Column("reason_not_reported", T.TEXT, "Free text: why not reported."),
        Column("weight", T.NUMBER, "Survey weight, > 0, if supplied.", minimum=1e-12),
    ),
    rules=(
        RowRule(
            ("reported", "experienced_harassment"),
            "{reported} IS NOT NULL AND {experienced_harassment} = 'N'",
            "reported is only asked of those who experienced harassment or crime",
        ),
    ),
    references=(Reference("district", "areas", "district", when_loaded=True),),
)

VICTIM_SURVEY = Table(
    name="victim_survey",
    title="victim_survey.csv — one row per victim surveyed",
    doc="The independent victims' satisfaction survey. Confidential.",
    file_patterns=("victim_survey",),
    confidential=True,
    columns=(
        Column("response_id", T.TEXT, "Response identifier.", required=True, unique=True),
        Column("crime_ref", T.TEXT, "Optional link to crimes."),
        Column("district", T.TEXT, "District."),
        Column("survey_date", T.DATE, "Date of the survey."),
        *(
            Column(item, T.INTEGER, label + ": " + _SATISFACTION, minimum=1, maximum=7)
            for item, label in (
                ("ease_of_contact", "Ease of contact"),
                ("actions_taken", "Actions taken"),
                ("kept_informed", "Kept informed"),
                ("treatment", "Treatment"),
                ("whole_experience", "Whole experience"),
            )
        ),
    ),
    references=(Reference("district", "areas", "district", when_loaded=True),),
    period="survey_date",
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        PEOPLE,
        CRIMES,
        INVOLVEMENTS,
        CJS_EVENTS,
        PROGRAMME_PARTICIPANTS,
        AREAS,
        INTERVENTIONS,
        WEATHER,
        PUBLIC_SURVEY,
        VICTIM_SURVEY,
        POLICE_STREET,
        POLICE_OUTCOMES,
    )
}
"""Every table, in the order a load must take them (referenced tables first)."""


def table(name: str) -> Table:
    """The table called ``name``; the error lists the known names."""
    try:
        return TABLES[name]
    except KeyError:
        known = ", ".join(TABLES)
        raise InputError(f"unknown input kind {name!r}; use one of: {known}") from None
