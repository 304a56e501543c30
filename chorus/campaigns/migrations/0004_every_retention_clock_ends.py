# Every blocked address hash now has an end date (blocks made without one end in 14 days),
# and an action without a closing date says it will close by itself.

from datetime import timedelta

from django.db import migrations, models
from django.utils import timezone

import chorus.campaigns.models


def end_open_blocks(apps, schema_editor):
    BlockedIpHash = apps.get_model("campaigns", "BlockedIpHash")
    BlockedIpHash.objects.filter(expires_at__isnull=True).update(expires_at=timezone.now() + timedelta(days=14))


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0003_signature_intake"),
    ]

    operations = [
        migrations.RunPython(end_open_blocks, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="blockediphash",
            name="expires_at",
            field=models.DateTimeField(
                default=chorus.campaigns.models.ip_block_expiry,
                help_text="Addresses change hands: block for days, not months.",
            ),
        ),
        migrations.AlterField(
            model_name="actionpage",
            name="closing_date",
            field=models.DateField(
                blank=True,
                help_text="The last day people can sign. Left empty, signing closes by itself after a year open.",
                null=True,
            ),
        ),
    ]
