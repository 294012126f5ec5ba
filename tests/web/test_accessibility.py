"""Accessibility: the open site and the report pages checked with axe-core in Chromium.

axe-core (Deque, the engine behind most automated WCAG checks) comes from npm
(``package.json``; ``make install-dev`` runs ``npm ci``). Each page is opened from disk, offline,
axe is injected and run with the WCAG 2.x A and AA rules; no violation of impact serious or
critical may remain. A page with a planted fault (an image with no text alternative, text too
faint to read) must be caught, so the check can fail.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.web.conftest import ARTIFACTS

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
BLOCKING = ("serious", "critical")

pytestmark = pytest.mark.browser


def _axe(page: Any, path: Path) -> list[dict[str, Any]]:
    if not AXE.exists():
        pytest.fail("accessibility tests need axe-core: run `npm ci` (make install-dev does)")
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("(rules) => axe.run(document, rules)", RULES)
    return list(result["violations"])


def _blocking(violations: list[dict[str, Any]]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} x{len(v['nodes'])}"
        for v in violations
        if v.get("impact") in BLOCKING
    ]


def test_axe_catches_a_planted_fault(page: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><main>'
        '<img src="x.png"><p style="color:#eee;background:#fff">faint text</p>'
        "</main></body></html>",
        encoding="utf-8",
    )
    ids = {v["id"] for v in _axe(page, bad) if v.get("impact") in BLOCKING}
    assert {"image-alt", "color-contrast"} <= ids


def test_open_site_has_no_serious_or_critical_violation(page: Any, site: Path) -> None:
    report: dict[str, list[str]] = {}
    for html in sorted(site.glob("*.html")):
        report[html.name] = _blocking(_axe(page, html))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe-site.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    assert report and all(not found for found in report.values()), report
