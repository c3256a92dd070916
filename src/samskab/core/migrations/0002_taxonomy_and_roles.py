from django.db import migrations


def install(apps, schema_editor):
    from samskab.core import taxonomy

    taxonomy.install(apps.get_model("core", "GrandChallenge"), apps.get_model("core", "OgpValue"),
                     apps.get_model("auth", "Group"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
