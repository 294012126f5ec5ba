"""Write a manifest (:func:`vawg.manifest.build_manifest`) into the files an output is made of.

- **JSON** whose top level is an object gets a ``"manifest"`` key (other JSON, a sidecar);
- **HTML** gets a one-line footer saying what made it and when, and the whole manifest as a
  ``<script type="application/json" id="vawg-manifest">`` before ``</body>``;
- **anything else** (CSV, PNG) gets a sidecar ``<name>.manifest.json`` beside it, so the file
  itself stays exactly what its readers expect.

A restricted output (the manifest's ``marking`` is set) is marked in its footer and made
readable by its owner only, sidecar included.
"""

from __future__ import annotations

import html
import json
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

from vawg.report.page import PLOTLY_JS
from vawg.safe_csv import restrict

__all__ = ["SIDECAR", "mark_folder", "stamp_outputs"]

SIDECAR = ".manifest.json"


def _footer(manifest: Mapping[str, Any]) -> str:
    deliveries = [d["delivery"] for d in manifest["inputs"]["deliveries"]]
    if not deliveries:
        source = "no deliveries"
    elif len(deliveries) == 1:
        source = f"delivery {deliveries[0]}"
    else:
        source = f"deliveries {deliveries[0]} to {deliveries[-1]}"
    made = (
        f"Made by vawg-insight {manifest['version']} on "
        f"{manifest['created'][:16].replace('T', ' ')} UTC"
    )
    if not manifest.get("marking"):  # public: the record stays in the source, not the text
        text = (
            f"{made} from data {source}. How it was made (the exact inputs and settings) is "
            "recorded in this page's source."
        )
    else:
        parts = [
            f"{made} with {manifest['command']}",
            f"from {source} (inputs digest {manifest['inputs']['digest'][:12]})",
        ]
        if manifest.get("seed") is not None:
            parts.append(f"seed {manifest['seed']}")
        text = "; ".join(parts) + ". The full manifest is in this page's source."
    if manifest.get("marking"):
        text = f"<strong>{html.escape(manifest['marking'])}</strong> · " + html.escape(text)
    else:
        text = html.escape(text)
    data = json.dumps(manifest, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
    return (
        '<footer class="vawg-manifest" style="margin:2rem 1rem 1rem;font-size:.8rem;'
        f'color:#555">{text}</footer>\n'
        f'<script type="application/json" id="vawg-manifest">{data}</script>\n'
    )


def _stamp_html(path: Path, manifest: Mapping[str, Any]) -> None:
    text = path.read_text(encoding="utf-8")
    footer = _footer(manifest)
    at = text.lower().rfind("</body>")
    text = text[:at] + footer + text[at:] if at >= 0 else text + footer
    path.write_text(text, encoding="utf-8")


def _stamp_json(path: Path, manifest: Mapping[str, Any]) -> bool:
    text = path.read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict):
        return False
    data["manifest"] = dict(manifest)
    ending = "\n" if text.endswith("\n") else ""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + ending, encoding="utf-8")
    return True


def _sidecar(path: Path, manifest: Mapping[str, Any]) -> Path:
    side = path.with_name(path.name + SIDECAR)
    side.write_text(
        json.dumps({"file": path.name, "manifest": dict(manifest)}, indent=2, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    return side


def mark_folder(folder: Path, manifest: Mapping[str, Any]) -> Path:
    """Mark a folder of restricted files (an export): ``MANIFEST.json`` in it, and every file
    and folder under it readable by its owner only. Returns the manifest's path."""
    path = folder / "MANIFEST.json"
    path.write_text(json.dumps(dict(manifest), indent=2, ensure_ascii=False) + "\n", "utf-8")
    for item in [folder, *folder.rglob("*")]:
        item.chmod(0o700 if item.is_dir() else 0o600)
    return path


def stamp_outputs(
    paths: Sequence[Path], manifest: Mapping[str, Any], *, already: Collection[Path] = ()
) -> list[Path]:
    """Write ``manifest`` into every file of ``paths``; return them and any sidecars written.

    The charting library written once beside the reports (``plotly.min.js``) is third-party code
    shared by every report of the folder, not an output of this run: it is passed through.
    Files in ``already`` were written with the manifest in them (a JSON document's
    ``manifest`` key): only their permissions are set here."""
    written: list[Path] = []
    for path in paths:
        written.append(path)
        if path.name.endswith(SIDECAR) or path.name == PLOTLY_JS or not path.is_file():
            continue
        if path in already:
            continue
        suffix = path.suffix.lower()
        if suffix in (".html", ".htm"):
            _stamp_html(path, manifest)
        elif suffix == ".json" and _stamp_json(path, manifest):
            pass
        else:
            written.append(_sidecar(path, manifest))
    if manifest.get("marking"):
        for path in written:
            if path.is_file():
                restrict(path)
    return written
