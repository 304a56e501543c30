"""A request's emailed link becomes a second link, and an address given is attached to
no one until its owner confirms it. Staff notices move to the shared outbox."""

import json

from django.db import migrations, models

import chorus.core.fields


def confirm_existing_senders(apps, schema_editor):
    # Until now the one link was both shown and emailed, and the address was trusted at
    # once: keep those links working, and count those addresses as confirmed.
    SupportRequest = apps.get_model("support", "SupportRequest")
    for support_request in SupportRequest.objects.filter(sender__isnull=False):
        if not support_request.email_token_sealed:
            continue
        support_request.email_token_hash = support_request.token_hash
        support_request.email_confirmed_at = support_request.received_at
        support_request.save(update_fields=["email_token_hash", "email_confirmed_at"])


def move_waiting_notices(apps, schema_editor):
    StaffNotice = apps.get_model("support", "StaffNotice")
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                kind="support.staff_notice",
                about_id=notice.support_request_id,
                user_id=notice.recipient_id,
                payload=json.dumps({"reason": notice.reason}),
            )
            for notice in StaffNotice.objects.all()
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("support", "0003_staff_notices"),
        ("core", "0004_outbox"),
    ]

    operations = [
        migrations.RenameField(
            model_name="supportrequest", old_name="token_sealed", new_name="email_token_sealed"
        ),
        migrations.AddField(
            model_name="supportrequest",
            name="email_token_hash",
            field=models.CharField(blank=True, db_index=True, max_length=64),
        ),
        migrations.AddField(
            model_name="supportrequest",
            name="unconfirmed_email",
            field=chorus.core.fields.EncryptedTextField(blank=True),
        ),
        migrations.AddField(
            model_name="supportrequest",
            name="email_confirmed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(confirm_existing_senders, migrations.RunPython.noop),
        migrations.RunPython(move_waiting_notices, migrations.RunPython.noop),
        migrations.DeleteModel(name="StaffNotice"),
    ]
