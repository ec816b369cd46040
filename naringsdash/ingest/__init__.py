"""The ingest wing: read untrusted workbooks, validate them against the schema, and hand checked data to the store.

``reader`` (containers, size guards, calamine), ``cellformats`` (percent and year-month formats), ``values``
(Swedish cell values), ``validate`` (every problem at once), ``codes`` (the closed catalogue of issue codes),
``pipeline`` (check, preview, save: shared by the command line and the app), ``template`` (the workbook
the förvaltningar fill in).
"""

from .codes import Issue, issue
from .pipeline import ImportResult, check_bytes, default_user, import_bytes, import_file, preview, save_as, save_checked

__all__ = ["Issue", "issue", "ImportResult", "check_bytes", "default_user", "import_bytes", "import_file", "preview", "save_as",
           "save_checked"]
