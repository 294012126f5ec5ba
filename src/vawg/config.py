"""Every setting, declared once: name, default, help and validator, in a frozen ``Settings``.

Settings are built from the defaults, then a TOML file (``vawg.toml`` or ``--config``), then
``--set name=value`` pairs, in that order; an unknown name is an error that lists the known
ones. There is no global mutable state: every analysis takes the ``Settings`` it was given.
"""

from __future__ import annotations

import dataclasses
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from vawg.errors import InputError
from vawg.schema import OFFENCE_GROUPS

__all__ = ["SETTING_HELP", "Settings", "load_settings"]


def _setting(default: Any, help: str, check: Callable[[Any], str | None] | None = None) -> Any:
    return field(default=default, metadata={"help": help, "check": check})


def _positive(value: Any) -> str | None:
    return None if value > 0 else "must be greater than 0"


def _non_negative(value: Any) -> str | None:
    return None if value >= 0 else "must be 0 or more"


def _sex(value: Any) -> str | None:
    return None if value in ("M", "F", "U") else "must be M, F or U"


def _groups(value: Any) -> str | None:
    bad = [g for g in value if g not in OFFENCE_GROUPS]
    return (
        f"unknown offence group {', '.join(bad)}; use {', '.join(OFFENCE_GROUPS)}" if bad else None
    )


def _roles(value: Any) -> str | None:
    bad = [r for r in value if r not in ("suspect", "offender")]
    return "must list suspect and/or offender" if bad or not value else None


@dataclass(frozen=True)
class Settings:
    """All settings; see ``vawg settings`` or docs for the help of each."""

    # Period: None = the last five complete financial years (April-March) in the data.
    period_start: date | None = _setting(None, "First recorded_date in the period (inclusive).")
    period_end: date | None = _setting(None, "Last recorded_date in the period (inclusive).")
    period_years: int = _setting(5, "Complete financial years in the default period.", _positive)
    # VAWG scope.
    victim_sex: str = _setting("F", "Sex of the victim a crime needs to be in scope.", _sex)
    offender_sex: str = _setting("M", "Sex of the suspect or offender a crime needs.", _sex)
    offender_roles: tuple[str, ...] = _setting(
        ("suspect", "offender"), "Involvement roles that count as a perpetrator.", _roles
    )
    offender_min_age: int = _setting(
        18,
        "Minimum age of the perpetrator on committed_from; no date of birth = not counted.",
        _non_negative,
    )
    vawg_offence_groups: tuple[str, ...] = _setting(
        tuple(g for g in OFFENCE_GROUPS if g != "other"),
        "Offence groups in scope without the domestic abuse flag.",
        _groups,
    )
    include_domestic_abuse: bool = _setting(
        True, "Crimes flagged domestic abuse are in scope whatever their offence group."
    )
    # Disclosure control.
    disclosure_threshold: int = _setting(
        5, "Public outputs suppress every count from 1 to this minus 1.", _positive
    )
    # Random procedures.
    seed: int = _setting(0, "Seed for every random procedure (permutations, bootstraps).")

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied and validated."""
        return _validated(dataclasses.replace(self, **changes))


SETTING_HELP: dict[str, str] = {f.name: f.metadata["help"] for f in fields(Settings)}
"""Each setting's help text, for the CLI and the generated documentation."""


def _coerce(name: str, raw: Any, current: Any) -> Any:
    kind = type(current)
    try:
        if isinstance(raw, str):
            if isinstance(current, bool):
                if raw.lower() not in ("true", "false", "yes", "no", "1", "0"):
                    raise ValueError(raw)
                return raw.lower() in ("true", "yes", "1")
            if isinstance(current, tuple):
                return tuple(x.strip() for x in raw.split(",") if x.strip())
            if name.startswith("period_") and name != "period_years":
                return None if raw.lower() in ("", "none") else date.fromisoformat(raw)
            return kind(raw)
        if isinstance(current, tuple) and isinstance(raw, list):
            return tuple(raw)
        return raw
    except ValueError:
        raise InputError(
            f"setting {name}={raw!r} is not a valid {kind.__name__}; "
            f"fix the value (help: {SETTING_HELP[name]})"
        ) from None


def _validated(settings: Settings) -> Settings:
    for f in fields(Settings):
        check = f.metadata["check"]
        value = getattr(settings, f.name)
        problem = check(value) if check and value is not None else None
        if problem:
            raise InputError(f"setting {f.name}={value!r} {problem}")
    if (
        settings.period_start
        and settings.period_end
        and settings.period_start > settings.period_end
    ):
        raise InputError(
            f"setting period_start={settings.period_start} is after period_end="
            f"{settings.period_end}; swap them"
        )
    return settings


def _apply(settings: Settings, values: Mapping[str, Any], origin: str) -> Settings:
    known = {f.name for f in fields(Settings)}
    changes = {}
    for name, raw in values.items():
        key = name.replace("-", "_").replace(".", "_")
        if key not in known:
            raise InputError(
                f"{origin}: unknown setting {name!r}; known settings: {', '.join(sorted(known))}"
            )
        changes[key] = _coerce(
            key, raw, getattr(settings, key) if getattr(settings, key) is not None else ""
        )
    return dataclasses.replace(settings, **changes)


def load_settings(config: Path | None = None, overrides: Iterable[str] = ()) -> Settings:
    """Defaults, then ``config`` (TOML; ``./vawg.toml`` when present), then ``name=value`` pairs."""
    settings = Settings()
    path = config if config is not None else Path("vawg.toml")
    if config is not None and not path.exists():
        raise InputError(f"{path}: no such settings file; check the --config path")
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as error:
            raise InputError(f"{path}: not valid TOML ({error}); fix the file") from None
        settings = _apply(settings, data, str(path))
    pairs = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError(
                f"--set {item!r}: write it as name=value, e.g. --set disclosure_threshold=10"
            )
        pairs[name.strip()] = value.strip()
    return _validated(_apply(settings, pairs, "--set"))
