"""PostgreSQL: new responses enter the search index once per INSERT or COPY statement (a
trigger with a transition table) instead of once per row (issue 15: the batch API's database
time went half to the per-row trigger). The index holds the same documents as before."""

from django.db import migrations


def install(apps, schema_editor):
    from samskab.workspace import search

    search.install_insert_statement_trigger(schema_editor)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in [
        "DROP TRIGGER IF EXISTS workspace_searchdocument_inserted ON consultations_response",
        "DROP FUNCTION IF EXISTS workspace_searchdocument_inserted_trg()",
        "DROP TRIGGER IF EXISTS workspace_searchdocument_response ON consultations_response",
        """CREATE TRIGGER workspace_searchdocument_response
            AFTER INSERT OR DELETE OR UPDATE OF text ON consultations_response
            FOR EACH ROW EXECUTE FUNCTION workspace_searchdocument_response_trg()""",
    ]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0006_inbox_scale_indexes"),
        ("consultations", "0005_response_respondent_kind"),
    ]
    operations = [migrations.RunPython(install, uninstall)]
