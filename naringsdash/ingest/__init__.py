"""The ingest wing: read untrusted workbooks, validate them against the schema, and hand checked data to the store.

``reader`` (containers, size guards, calamine), ``workbook_guard`` (sheet extents read with a real XML parser,
password detection), ``parse_worker`` (the reading done in a child process with a memory and time limit),
``cellformats`` (percent and year-month formats, read with the same XML parser), ``values`` (Swedish cell
values), ``validate`` (every problem at once), ``codes`` (the closed catalogue of issue codes), ``pipeline`` (check,
preview, save: shared by the command line and the app), ``template`` (the workbook the förvaltningar fill in).

The pipeline's names are loaded on first use, so the parse worker (``python -m naringsdash.ingest.parse_worker``)
starts without the database and pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .codes import Issue, issue
    from .pipeline import (
        ImportResult,
        check_bytes,
        default_user,
        import_bytes,
        import_file,
        preview,
        save_as,
        save_checked,
    )

__all__ = ["Issue", "issue", "ImportResult", "check_bytes", "default_user", "import_bytes", "import_file",
           "preview", "save_as", "save_checked"]


def __getattr__(name: str):
    if name in ("Issue", "issue"):
        from . import codes

        return getattr(codes, name)
    if name in __all__:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
