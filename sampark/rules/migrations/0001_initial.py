# The rule tables move here from `content` (issue #11). The tables already exist (made by
# content 0001 under their content_* names): this migration only takes them into the state of
# `rules`, and `content` 0002 lets go of them. No row is copied or lost.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("content", "0001_initial"),
        ("geo", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Certificate",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("number", models.CharField(max_length=60)),
                        ("committee", models.CharField(max_length=120)),
                        ("content_hash", models.CharField(max_length=64)),
                        ("issued_on", models.DateField()),
                        ("valid_until", models.DateField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("created_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("unit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="geo.unit")),
                    ],
                    options={
                        "db_table": "content_certificate",
                        "constraints": [models.UniqueConstraint(fields=("committee", "number"), name="one_certificate_number")],
                    },
                ),
                migrations.CreateModel(
                    name="DndNumber",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("phone", models.CharField(max_length=16, unique=True)),
                        ("source", models.CharField(blank=True, default="", max_length=60)),
                        ("added_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={
                        "db_table": "content_dndnumber",
                    },
                ),
                migrations.CreateModel(
                    name="Election",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=120)),
                        ("silence_hours", models.PositiveSmallIntegerField(default=48)),
                        ("state", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="geo.unit")),
                    ],
                    options={
                        "db_table": "content_election",
                    },
                ),
                migrations.CreateModel(
                    name="PollPhase",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("number", models.PositiveSmallIntegerField()),
                        ("poll_date", models.DateField()),
                        ("poll_start", models.TimeField(default="07:00")),
                        ("poll_end", models.TimeField(default="18:00")),
                        ("election", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="phases", to="rules.election")),
                        ("units", models.ManyToManyField(related_name="poll_phases", to="geo.unit")),
                    ],
                    options={
                        "db_table": "content_pollphase",
                        "ordering": ["poll_date", "number"],
                        "constraints": [models.UniqueConstraint(fields=("election", "number"), name="one_phase_number")],
                    },
                ),
            ],
        ),
    ]
