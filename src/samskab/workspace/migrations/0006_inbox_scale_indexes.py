"""Indexes for the inbox at a million responses (issue 15); both databases understand this SQL.

- the »late« filter in received order (Django writes `late = true`, which a partial index
  `WHERE late` would not match on SQLite, so the flag is a column of the index);
- a search that names a reference number, a sender's e-mail address or an organisation: the
  lookups compare UPPER(column) with UPPER(text) (`workspace.search.identity_lookup`), which
  these expression indexes answer with one seek instead of a scan of every response.
"""

from django.db import migrations

INDEXES = {
    "workspace_response_late": "consultations_response (consultation_id, late, received_at, id)",
    "workspace_response_reference_upper": "consultations_response (UPPER(reference))",
    "workspace_respondent_email_upper": "consultations_respondent (UPPER(email))",
    "workspace_respondent_organisation_upper": "consultations_respondent (UPPER(organisation))",
}


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0005_redaction_attachment"),
        ("consultations", "0004_organisations_from_text"),
    ]
    operations = [
        migrations.RunSQL(f"CREATE INDEX IF NOT EXISTS {name} ON {target}",
                          f"DROP INDEX IF EXISTS {name}")
        for name, target in INDEXES.items()
    ]
