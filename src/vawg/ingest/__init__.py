"""The only code that reads input files: recognise, read as text, check every row, stage.

:func:`discover` finds and recognises files (refusing unusable ones with one clear line);
:func:`stage` reads every record (:mod:`vawg.ingest.read`: fast when the file is sound, losing
only the damaged records when not) and checks it into clean rows and quarantine records.
:mod:`vawg.store` applies staged rows to the database in one transaction.
"""

from vawg.ingest.files import InputFile, discover, encoding_name, recognise
from vawg.ingest.notes import file_notes
from vawg.ingest.stage import StagedFile, stage

__all__ = [
    "InputFile",
    "StagedFile",
    "discover",
    "encoding_name",
    "file_notes",
    "recognise",
    "stage",
]
