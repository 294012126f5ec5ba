"""The script Streamlit runs (in a folder of its own: see :mod:`vawg.web.script.dashboard`)."""
