"""The dashboard's one error handler: a :class:`~vawg.errors.VawgError` becomes one clear line."""

from __future__ import annotations

import logging

import streamlit as st

from vawg.errors import VawgError

__all__ = ["show_error"]

log = logging.getLogger("vawg.web")


def show_error(error: Exception) -> None:
    """Show ``error`` to the user: the message of a VawgError, a generic line for anything else.

    A refused permission is shown as a refusal; any other unexpected error is logged on the
    server with its traceback and shown without details (they could carry data).
    """
    if isinstance(error, VawgError):
        st.error(str(error), icon=":material/error:")
    elif isinstance(error, PermissionError):
        st.error(f"Not available: {error}.", icon=":material/lock:")
    else:
        log.exception("dashboard page failed", exc_info=error)
        st.error(
            "Something went wrong drawing this page; the details are in the server log.",
            icon=":material/error:",
        )
