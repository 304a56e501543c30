"""People get an outside identifier for the integration API, and erasures leave a tombstone
a CRM can sync (issue 25). The identifier is added empty, filled row by row, then made
unique, so existing people each get their own."""

import uuid

from django.db import migrations, models


def fill_uuids(apps, schema_editor):  # type: ignore[no-untyped-def]
    Person = apps.get_model("people", "Person")
    for pk in Person.objects.filter(uuid__isnull=True).values_list("pk", flat=True).iterator():
        Person.objects.filter(pk=pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("people", "0002_person_access_needs_privacygrant_privacylink")]

    operations = [
        migrations.AddField(model_name="person", name="uuid", field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="person",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
        migrations.CreateModel(
            name="PersonTombstone",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("person_uuid", models.UUIDField(unique=True)),
                ("erased_at", models.DateTimeField(db_index=True)),
                (
                    "reason",
                    models.CharField(
                        choices=[("erased", "Erased on request"), ("retention", "Anonymised when no agreement was left")],
                        max_length=20,
                    ),
                ),
            ],
        ),
    ]
