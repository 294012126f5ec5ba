"""Tests of vawg.ingest and vawg.store (GitHub issue 2)."""
