from django.db import migrations


def install(apps, schema_editor):
    from samskab.core import roles, taxonomy

    GrandChallenge = apps.get_model("core", "GrandChallenge")
    OgpValue = apps.get_model("core", "OgpValue")
    Group = apps.get_model("auth", "Group")
    for position, (code, da, en, desc_da, desc_en) in enumerate(taxonomy.GRAND_CHALLENGES):
        GrandChallenge.objects.update_or_create(
            code=code,
            defaults={"title_da": da, "title_en": en, "description_da": desc_da,
                      "description_en": desc_en, "position": position},
        )
    for position, (code, da, en, desc_da, desc_en) in enumerate(taxonomy.OGP_VALUES):
        OgpValue.objects.update_or_create(
            code=code,
            defaults={"title_da": da, "title_en": en, "description_da": desc_da,
                      "description_en": desc_en, "position": position},
        )
    for role in roles.STAFF_ROLES:
        Group.objects.get_or_create(name=role)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
