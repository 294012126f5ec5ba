"""``python -m vawg``: the same as the ``vawg`` command (for a checkout run without installing,
e.g. ``PYTHONPATH=src python -m vawg demo``)."""

from vawg.cli import main

if __name__ == "__main__":  # not when a worker process imports it (vawg demo)
    main()
