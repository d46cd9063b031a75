"""Authorization rows per app, merged into tests/security/authz_table.py.

Each module here defines `ROWS: dict[str, Row]` (URL names) and/or `API_ROWS: dict[str, Row]`
("METHOD /api/v1/path" as in the OpenAPI schema). Objects a row needs are built lazily from
the shared World and cached in `w.objects` (see authz_table._offer for the pattern). A name
that gets a row here is taken out of PENDING automatically.
"""

# Importing any rows module first loads the table, which merges every rows module while this
# package is already initialised: a rows module is therefore never merged half-loaded.
from tests.security import authz_table as _table  # noqa: F401
