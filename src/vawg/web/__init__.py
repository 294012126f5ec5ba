"""The analyst dashboard: a sign-in gate, then Streamlit pages over the library's Results.

Start it with ``vawg serve`` (:mod:`vawg.web.server`). Every request passes the gate
(:mod:`vawg.web.gate`: client address, closed endpoints, sessions) and is audited
(:mod:`vawg.web.audit`); sign-in is a plain HTTP page (:mod:`vawg.web.signin`) throttled and
locked by :mod:`vawg.web.guard`. Pages (:mod:`vawg.web.pages`) get their Results from
:mod:`vawg.web.data` (kept, computed in the background, disclosure-controlled for viewers); no
statistics are computed here. See docs/dashboard-access.md.
"""
