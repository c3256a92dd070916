"""The respondent's kind on the response (issue 15): the inbox filters and sorts by it through
the index `response_inbox_kind` instead of joining a million respondents.

The column is added with plain SQL (`ADD COLUMN … DEFAULT 'citizen' NOT NULL`, which both
databases do in place): Django's AddField would rebuild the whole table on SQLite, and with it
drop the full-text triggers and the inbox indexes that the workspace migrations made with SQL.
Then every response whose respondent is not a citizen gets its respondent's kind (one UPDATE;
the search triggers fire on updates of `text` only, so nothing is re-indexed).
"""

from django.db import migrations, models

ADD_COLUMN = ("ALTER TABLE consultations_response "
              "ADD COLUMN respondent_kind varchar(30) DEFAULT 'citizen' NOT NULL")
DROP_COLUMN = "ALTER TABLE consultations_response DROP COLUMN respondent_kind"
COPY_KIND = """
    UPDATE consultations_response
    SET respondent_kind = (SELECT p.kind FROM consultations_respondent p
                           WHERE p.id = consultations_response.respondent_id)
    WHERE respondent_id IN (SELECT id FROM consultations_respondent WHERE kind <> 'citizen')
"""
KIND_CHOICES = [
    ("citizen", "Borger"), ("business", "Virksomhed"), ("ngo", "Organisation / NGO"),
    ("authority_state", "Statslig myndighed"), ("authority_region", "Region"),
    ("authority_municipality", "Kommune"), ("research", "Forskning og uddannelse"),
    ("other", "Andet"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0004_organisations_from_text"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(ADD_COLUMN, DROP_COLUMN)],
            state_operations=[migrations.AddField(
                model_name="response",
                name="respondent_kind",
                field=models.CharField(
                    choices=KIND_CHOICES, default="citizen", db_default="citizen",
                    editable=False, max_length=30, verbose_name="afsendertype",
                ),
            )],
        ),
        migrations.RunSQL(COPY_KIND, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="response",
            index=models.Index(fields=["consultation", "respondent_kind", "received_at", "id"],
                               name="response_inbox_kind"),
        ),
    ]
