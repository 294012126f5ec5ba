"""Regenerate docs/data-contract.md from the data contract declared in src/vawg/schema/.

Run after changing a table declaration: ``python scripts/build_contract_docs.py``. A test fails
when the committed document and the declaration differ.
"""

from pathlib import Path

from vawg.schema import contract_markdown

if __name__ == "__main__":
    target = Path(__file__).resolve().parents[1] / "docs" / "data-contract.md"
    target.write_text(contract_markdown(), encoding="utf-8")
    print(f"wrote {target}")
