"""Signers' emails and campaign updates move to the shared outbox (chorus.core.outbox).

Emails still waiting in the old columns and rows become outbox rows first, so none is lost.
"""

from django.db import migrations


def move_waiting_emails(apps, schema_editor):
    Signature = apps.get_model("campaigns", "Signature")
    CampaignUpdateDelivery = apps.get_model("campaigns", "CampaignUpdateDelivery")
    OutboxMessage = apps.get_model("core", "OutboxMessage")
    kinds = {"confirm": "campaigns.signer_confirm", "already_signed": "campaigns.already_signed"}
    rows = [
        OutboxMessage(kind=kinds[signature.email_due], about_id=signature.pk, person_id=signature.person_id)
        for signature in Signature.objects.exclude(email_due="").filter(email_due__in=kinds)
    ]
    # Copies of an update not yet accepted by the mail server (a copy "being sent" when
    # the worker stopped goes again: at least once).
    rows += [
        OutboxMessage(
            kind="campaigns.update",
            about_id=delivery.update_id,
            person_id=delivery.person_id,
            dedupe_key=f"{delivery.update_id}:{delivery.person_id}",
        )
        for delivery in CampaignUpdateDelivery.objects.filter(status__in=["pending", "sending", "deferred"])
    ]
    OutboxMessage.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0006_campaign_update_outcome'),
        ('core', '0004_outbox'),
    ]

    operations = [
        migrations.RunPython(move_waiting_emails, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name='campaignupdatedelivery',
            name='campaigns_c_update__f17600_idx',
        ),
        migrations.RemoveConstraint(
            model_name='campaignupdatedelivery',
            name='one_delivery_per_person',
        ),
        migrations.RemoveIndex(
            model_name='signature',
            name='campaigns_signature_due',
        ),
        migrations.RemoveField(
            model_name='signature',
            name='email_claim',
        ),
        migrations.RemoveField(
            model_name='signature',
            name='email_claimed_at',
        ),
        migrations.RemoveField(
            model_name='signature',
            name='email_due',
        ),
        migrations.DeleteModel(
            name='CampaignUpdateDelivery',
        ),
    ]
