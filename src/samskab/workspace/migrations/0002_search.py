"""Full-text search index of responses (and attachments' extracted text), per database.

PostgreSQL: a tsvector table with a GIN index (Danish configuration); SQLite: an FTS5 table.
Database triggers keep either current for responses arriving by any channel. Other databases
get nothing and fall back to an unindexed substring search (see workspace/search.py).
"""

from django.db import migrations


def install(apps, schema_editor):
    from samskab.workspace import search

    search.install(schema_editor)


def uninstall(apps, schema_editor):
    from samskab.workspace import search

    search.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0001_initial"),
        ("consultations", "0001_initial"),
    ]
    operations = [migrations.RunPython(install, uninstall)]
