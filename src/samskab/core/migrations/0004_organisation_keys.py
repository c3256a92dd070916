from django.db import migrations, models


def keys_fill(apps, schema_editor):
    from samskab.core.text import organisation_key

    Organisation = apps.get_model("core", "Organisation")
    rows = list(Organisation.objects.all())
    for org in rows:
        org.name_key = organisation_key(org.name)[:200]
        org.short_name_key = organisation_key(org.short_name)[:60]
    Organisation.objects.bulk_update(rows, ["name_key", "short_name_key"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_organisations"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="name_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="organisation",
            name="short_name_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=60),
        ),
        migrations.RunPython(keys_fill, migrations.RunPython.noop),
    ]
