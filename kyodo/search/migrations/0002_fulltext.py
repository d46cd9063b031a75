"""The full-text part of the index, for the database in use (see kyodo/search/models.py).

SQLite: contentless FTS5 tables over space-separated bigram strings (the `ascii`
tokenizer splits on spaces and ASCII punctuation and keeps every non-ASCII character, so
each bigram is one token). PostgreSQL: tsvector columns built by the application (no text
search parser involved), with GIN indexes and an index on the recency key.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, facets, content='', tokenize='ascii')",
    "CREATE VIRTUAL TABLE search_title_fts USING fts5(title, facets, content='', tokenize='ascii')",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS search_title_fts", "DROP TABLE IF EXISTS search_fts"]
PG_FORWARD = [
    "ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector, "
    "ADD COLUMN title_tsv tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX search_document_tsv_gin ON search_searchdocument USING gin (tsv)",
    "CREATE INDEX search_document_title_tsv_gin ON search_searchdocument USING gin (title_tsv)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS search_document_title_tsv_gin",
    "DROP INDEX IF EXISTS search_document_tsv_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS title_tsv, DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_document")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": PG_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}),
        )
    ]
