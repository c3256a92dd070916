"""PostgreSQL: fresh statistics for consultations_response while a consultation fills up
(issue 15).

A batch's idempotency keys are looked up with `key = ANY(keys)` in the consultation
(`services._stored_by_key`). While PostgreSQL's statistics still say the consultation has
few responses (a new consultation at its deadline, before autovacuum's next ANALYZE), its
planner reads every response of the consultation and filters them instead of probing the
unique index once per key: measured at 100,000 responses, 58 ms of CPU per batch of 1,000
instead of 10, and growing with the consultation. By default autovacuum analyses the table
after 10 % of it has changed (100,000 rows of a table of a million); here after 1 % or 1,000
rows, at most once per `autovacuum_naptime` (a minute), which costs one sampled ANALYZE.
"""

from django.db import migrations

SETTINGS = "autovacuum_analyze_scale_factor = 0.01, autovacuum_analyze_threshold = 1000"


def analyse_often(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE consultations_response SET ({SETTINGS})")


def analyse_by_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE consultations_response RESET "
                              "(autovacuum_analyze_scale_factor, autovacuum_analyze_threshold)")


class Migration(migrations.Migration):
    dependencies = [
        ("consultations", "0006_response_fewer_indexes"),
    ]

    operations = [migrations.RunPython(analyse_often, analyse_by_default)]
