"""The only code that reads input files: recognise, read as text, check every row, stage.

:func:`discover` finds and recognises files (refusing unusable ones with one clear line);
:func:`read_file` reads and checks every record (:mod:`vawg.ingest.read`: fast when the file is
sound, losing only the damaged records when not), before the load's transaction begins;
:func:`stage` then checks the rules across rows and tables into clean rows and quarantine
records.
:mod:`vawg.store` applies staged rows to the database in one transaction.
"""

from vawg.ingest.files import InputFile, discover, encoding_name, recognise
from vawg.ingest.notes import file_notes
from vawg.ingest.read import ReadFile
from vawg.ingest.stage import StagedFile, read_file, stage

__all__ = [
    "InputFile",
    "ReadFile",
    "StagedFile",
    "discover",
    "encoding_name",
    "file_notes",
    "read_file",
    "recognise",
    "stage",
]
