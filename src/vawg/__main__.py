"""``python -m vawg``: the same as the ``vawg`` command (for a checkout run without installing,
e.g. ``PYTHONPATH=src python -m vawg demo``)."""

from vawg.cli import main

main()
