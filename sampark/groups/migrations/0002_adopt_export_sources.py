"""One registry of WhatsApp groups (issue #17): every chat-export channel placed at a booth that
no group owns becomes a registered group owning it (as `services.export_sources_adopt` does)."""

import secrets

from django.db import migrations


def adopt(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    Source = apps.get_model("monitoring", "Source")
    owned = set(Group.objects.exclude(export_source=None).values_list("export_source_id", flat=True))
    rows = Source.objects.filter(kind="whatsapp_export", unit__level="booth").order_by("id")
    for source in rows:
        if source.id in owned:
            continue
        Group.objects.create(
            booth_id=source.unit_id,
            platform="whatsapp",
            name=" ".join(source.name.split())[:100] or "WhatsApp",
            cap=1024,
            join_token=secrets.token_urlsafe(12),
            created_at=source.created_at,
            export_source_id=source.id,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0001_initial"),
        ("monitoring", "0003_narrative_matching_and_stories"),
    ]

    operations = [migrations.RunPython(adopt, migrations.RunPython.noop)]
