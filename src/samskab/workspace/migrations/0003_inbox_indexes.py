"""Indexes for the inbox on consultations_response (both databases understand this SQL):
the consultation's responses in received order (sorting and deep pages read the index only),
and its languages (the language filter's choices and counts)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workspace", "0002_search"),
        ("consultations", "0001_initial"),
    ]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS workspace_response_inbox "
            "ON consultations_response (consultation_id, received_at, id)",
            "DROP INDEX IF EXISTS workspace_response_inbox",
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS workspace_response_language "
            "ON consultations_response (consultation_id, language)",
            "DROP INDEX IF EXISTS workspace_response_language",
        ),
    ]
