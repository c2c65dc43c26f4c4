# The rule tables (Certificate, DndNumber, Election, PollPhase) now belong to `rules` (issue #11),
# which took them into its state in rules 0001 under the same tables. Here `content` lets go of
# them in the state only; the database keeps every table and row, and the certificate column of
# content_contentitem keeps pointing at the same table.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("content", "0001_initial"),
        ("rules", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="contentitem",
                    name="certificate",
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="items", to="rules.certificate"),
                ),
                migrations.DeleteModel(name="PollPhase"),
                migrations.DeleteModel(name="Election"),
                migrations.DeleteModel(name="DndNumber"),
                migrations.DeleteModel(name="Certificate"),
            ],
        ),
    ]
