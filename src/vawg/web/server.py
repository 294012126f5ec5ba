"""The dashboard's web server: Streamlit's ASGI app behind the gate, with the sign-in pages.

Started by ``vawg serve`` as ``python -m vawg.web.server --db FILE --users FILE [--port N]
[--address A] [--config FILE] [--set name=value …] [--parent-pid PID]``. It builds one
:class:`~vawg.web.access.Access` (users, audit log, sign-in guard, sessions), puts the gate
(:mod:`vawg.web.gate`) in front of Streamlit's own routes, adds the sign-in pages
(:mod:`vawg.web.signin`) and runs it all under uvicorn (``st.App``), which stops cleanly on
SIGTERM or Ctrl-C. With ``--parent-pid`` the server also stops when that process (``vawg
serve``) is gone, so a killed parent never leaves a server running.

uvicorn's own reading of ``X-Forwarded-For`` is switched off (``FORWARDED_ALLOW_IPS`` empty):
by default it believes that header from any local process. The gate reads it, and only from
the proxies the ``dashboard_trusted_proxies`` setting names.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from vawg.config import Settings

__all__ = ["SCRIPT", "build_app", "main", "streamlit_options", "warm"]

SCRIPT = Path(__file__).with_name("script") / "dashboard.py"
"""The Streamlit script that draws the pages (it calls :func:`vawg.web.app.main`)."""

log = logging.getLogger("vawg.web")


def streamlit_options(port: int, address: str) -> dict[str, Any]:
    """Streamlit's options for the dashboard (anything not here is Streamlit's default)."""
    return {
        "server.port": port,
        "server.address": address,
        "server.headless": True,
        "server.fileWatcherType": "none",
        "server.runOnSave": False,
        "server.enableXsrfProtection": True,
        "server.enableCORS": True,
        "browser.gatherUsageStats": False,
        "client.toolbarMode": "minimal",
        "client.showErrorDetails": "none",  # tracebacks could carry data: server log only
        "client.disableDataExport": True,  # every CSV goes through our stamped downloads
        "theme.primaryColor": "#5b2a86",
    }


def warm(db: Path, settings: Settings, *, data_too: bool = True) -> None:
    """Import the pages, then compute the default view's data and queue every page's Results."""
    import vawg.web.app  # noqa: F401  (the first page view then need not wait for the imports)
    from vawg.web import data
    from vawg.web.filters import default_filters, offence_groups

    if not data_too:
        return
    started = time.monotonic()
    try:
        key, stamp = str(db.resolve()), data.db_stamp(db)
        opts = data.options(key, stamp, settings)
        start = default_filters(
            opts.first_month, opts.last_month, opts.default_start, opts.default_end
        )
        data.warm(
            key,
            stamp,
            settings,
            start,
            districts=opts.districts,
            groups=offence_groups(settings),
            grid=opts.grid,
        )
    except Exception:  # the pages show the error when they ask
        log.warning("warming the dashboard's data failed", exc_info=True)
    else:
        log.info("warm-up finished in %.0f s", time.monotonic() - started)


def build_app(db: Path, users: Path, argv: Sequence[str], *, warm_up: bool = True) -> Any:
    """The ASGI app: Streamlit's routes behind the gate, plus the sign-in pages."""
    import streamlit as st
    from starlette.middleware import Middleware

    from vawg.web.access import Access, configure
    from vawg.web.gate import Gate
    from vawg.web.options import parse_args
    from vawg.web.signin import routes

    config = parse_args(argv)
    access = configure(Access(users, config.settings, ahead=warm_up))
    log.info("audit log: %s", access.audit.path)

    @asynccontextmanager
    async def lifespan(app: object) -> AsyncIterator[None]:
        threading.Thread(
            target=warm,
            args=(db, config.settings),
            kwargs={"data_too": warm_up},
            name="vawg-warm",
            daemon=True,
        ).start()
        yield None

    return st.App(
        SCRIPT,
        routes=routes(access),
        middleware=[Middleware(Gate, access=access)],
        lifespan=lifespan,
    )


def _watch_parent(pid: int) -> None:
    """Stop this server (as SIGTERM would) once process ``pid`` has gone."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != pid:
                os.kill(os.getpid(), signal.SIGTERM)
                return

    threading.Thread(target=watch, name="vawg-parent-watch", daemon=True).start()


def main(argv: Sequence[str] | None = None) -> None:
    """Run the dashboard until SIGTERM, Ctrl-C or the parent's end."""
    args = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m vawg.web.server")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--users", type=Path, required=True)
    parser.add_argument("--port", type=int, default=8501)
    parser.add_argument("--address", default="127.0.0.1")
    parser.add_argument("--parent-pid", type=int, default=None)
    parser.add_argument(
        "--no-warm", action="store_true", help="compute nothing ahead of need (for tests)"
    )
    known, _ = parser.parse_known_args(args)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    os.environ["FORWARDED_ALLOW_IPS"] = ""  # the gate, not uvicorn, decides which proxy to believe
    app = build_app(known.db, known.users, args, warm_up=not known.no_warm)
    if known.parent_pid:
        _watch_parent(known.parent_pid)
    app.run(config=streamlit_options(known.port, known.address))


if __name__ == "__main__":
    main()
