"""The dashboard's options, as ``vawg serve`` passes them to its server and the server to the
pages: the database, the users file and the settings (``--config``, ``--set``)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vawg.config import Settings, load_settings

__all__ = ["AppConfig", "parse_args"]


@dataclass(frozen=True)
class AppConfig:
    """Where the data, users and settings are (from the command line)."""

    db: Path
    users: Path
    settings: Settings


def parse_args(argv: Sequence[str]) -> AppConfig:
    """The app's options, as the server passes them."""
    parser = argparse.ArgumentParser(prog="vawg-dashboard")
    parser.add_argument("--db", type=Path, default=Path("vawg.duckdb"))
    parser.add_argument("--users", type=Path, default=Path("vawg-users.toml"))
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--set", action="append", default=[], dest="sets")
    args, _ = parser.parse_known_args(list(argv))
    return AppConfig(args.db, args.users, load_settings(args.config, args.sets))
