"""Signatures get an outside identifier for the integration API (issue 25): added empty,
filled row by row, then made unique, so existing rows each get their own."""

import uuid

from django.db import migrations, models


def fill_uuids(apps, schema_editor):  # type: ignore[no-untyped-def]
    Signature = apps.get_model("campaigns", "Signature")
    for pk in Signature.objects.filter(uuid__isnull=True).values_list("pk", flat=True).iterator():
        Signature.objects.filter(pk=pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0011_picture")]

    operations = [
        migrations.AddField(model_name="signature", name="uuid", field=models.UUIDField(null=True, editable=False)),
        migrations.RunPython(fill_uuids, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="signature",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
    ]
