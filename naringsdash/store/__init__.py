"""The store wing: the DuckDB file (schema, migrations, connection policy, versioned uploads) and its queries.

``db`` holds the connection policy and the writes; ``queries`` runs one SQL file of ``sql/`` per function.
"""

from .db import (
                 ACTIVITY_COLS,
                 BUSY_WAIT_S,
                 INDICATOR_COLS,
                 MIGRATIONS,
                 SQL_DIR,
                 DatabaseBusy,
                 Store,
                 bump_data_version,
                 connect,
                 current_upload,
                 data_version,
                 file_version,
                 first,
                 latest_indicator_upload,
                 migrate,
                 one,
                 one_connection,
                 original_file,
                 restore_upload,
                 save_upload,
                 schema_version,
                 sha256,
                 sql,
                 transaction,
                 upload_diff,
)

__all__ = ["ACTIVITY_COLS", "BUSY_WAIT_S", "INDICATOR_COLS", "MIGRATIONS", "SQL_DIR", "DatabaseBusy", "Store",
           "bump_data_version", "connect", "current_upload", "data_version", "file_version", "first", "latest_indicator_upload",
           "migrate", "one", "one_connection", "original_file", "restore_upload", "save_upload", "schema_version", "sha256", "sql",
           "transaction", "upload_diff"]
