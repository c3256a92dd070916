"""A position no longer names its commitment in free text: the commitment an adopted
proposal became is the golden link `plans.CommitmentSource`. Text written in the old field is
kept in the position's justification, so nothing is lost."""

from django.db import migrations


def keep_text(apps, schema_editor):
    Position = apps.get_model("insights", "Position")
    for position in Position.objects.exclude(commitment_ref=""):
        note = f"Forpligtelse: {position.commitment_ref}"
        if note not in position.justification_da:
            position.justification_da = f"{position.justification_da}\n\n{note}".strip()
            position.save(update_fields=["justification_da"])


class Migration(migrations.Migration):

    dependencies = [("insights", "0001_initial")]

    operations = [
        migrations.RunPython(keep_text, migrations.RunPython.noop),
        migrations.RemoveField(model_name="position", name="commitment_ref"),
        migrations.RemoveField(model_name="position", name="commitment_id"),
    ]
