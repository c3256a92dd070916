"""PostgreSQL: empty the search index when consultations_response is truncated."""

from django.db import migrations


def install(apps, schema_editor):
    from samskab.workspace import search

    search.install_truncate_trigger(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("workspace", "0003_inbox_indexes")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
