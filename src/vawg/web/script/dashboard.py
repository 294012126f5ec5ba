"""The script Streamlit runs on every page view and interaction: it draws the dashboard.

It lives in a folder of its own because Streamlit treats a ``pages/`` folder beside its script
as old-style pages (each file a page of its own, deep links bypassing the sign-in checks of
:func:`vawg.web.app.main`).
"""

from vawg.web.app import main

main()
