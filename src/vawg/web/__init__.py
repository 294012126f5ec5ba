"""The analyst dashboard (Streamlit): login, global filters, one module per page.

Start it with ``vawg serve``. Pages call the library through :mod:`vawg.web.data` (cached,
disclosure-controlled for viewers); no statistics are computed here.
"""
