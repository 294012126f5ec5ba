"""The only code that reads input files: recognise, read as text, check every row, stage.

:func:`discover` finds and recognises files (refusing unusable ones with one clear line);
:func:`stage` checks every row into clean rows and quarantine records. :mod:`vawg.store` moves
staged rows into the database in one transaction.
"""

from vawg.ingest.files import InputFile, discover, recognise
from vawg.ingest.notes import file_notes
from vawg.ingest.stage import StagedFile, stage

__all__ = ["InputFile", "StagedFile", "discover", "file_notes", "recognise", "stage"]
