"""Fewer indexes on consultations_response (issue 15): every index is written for every
response received, and the batch API stores thousands a second.

Dropped, because another index answers the same queries:
- `consultation_id` alone: every composite index of the table leads with it (the inbox's,
  (consultation, status), the idempotency key's, the filters' of workspace 0003/0006);
- `status` alone: status is filtered within a consultation, (consultation, status); the
  public pages across consultations reach responses through their published consultations;
- PostgreSQL only, the `varchar_pattern_ops` copies Django adds for LIKE on `reference` and
  `status` (no query compares them with LIKE; a reference is found by equality or by
  UPPER(reference), workspace 0006).
`received_at` alone stays: the follow-up sweep and the public search read responses of every
consultation by their moment.

The indexes are dropped with plain SQL and the fields' `db_index` changed in the state only:
Django's AlterField would rebuild the whole table on SQLite, and with it drop the full-text
triggers and the indexes that the workspace migrations made with SQL.
"""

from django.db import migrations, models

DROPPED = {
    "consultations_response_consultation_id_404dcf6a":
        "consultations_response (consultation_id)",
    "consultations_response_status_7890def7": "consultations_response (status)",
}
POSTGRESQL_DROPPED = {
    "consultations_response_status_7890def7_like":
        "consultations_response (status varchar_pattern_ops)",
    "consultations_response_reference_bf03b35d_like":
        "consultations_response (reference varchar_pattern_ops)",
}


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in POSTGRESQL_DROPPED:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, target in POSTGRESQL_DROPPED.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0005_response_respondent_kind"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                *(migrations.RunSQL(f"DROP INDEX IF EXISTS {name}",
                                    f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
                  for name, target in DROPPED.items()),
                migrations.RunPython(drop_pattern_indexes, create_pattern_indexes),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="response",
                    name="consultation",
                    field=models.ForeignKey(
                        db_index=False, on_delete=models.deletion.PROTECT,
                        related_name="responses", to="consultations.consultation",
                        verbose_name="høring",
                    ),
                ),
                migrations.AlterField(
                    model_name="response",
                    name="status",
                    field=models.CharField(
                        choices=[("received", "Modtaget"), ("published", "Offentliggjort"),
                                 ("withheld", "Tilbageholdt"), ("rejected", "Afvist")],
                        default="received", max_length=10, verbose_name="status",
                    ),
                ),
            ],
        ),
    ]
