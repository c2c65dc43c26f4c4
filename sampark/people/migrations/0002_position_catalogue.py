from django.db import migrations


def seed(apps, schema_editor):
    from sampark.people.catalogue import catalogue_rows

    PositionKind = apps.get_model("people", "PositionKind")
    for row in catalogue_rows():
        PositionKind.objects.update_or_create(code=row["code"], defaults=row)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
