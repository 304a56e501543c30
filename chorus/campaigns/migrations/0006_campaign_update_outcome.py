# An update keeps its whole outcome as counts once sent (stopped updates, refused for good,
# given up), so staff can see it after the per-person rows are deleted. Updates already
# sent get theirs from the audit event their send wrote when it finished.

from django.db import migrations, models


def outcome_from_audit_log(apps, schema_editor):
    CampaignUpdate = apps.get_model("campaigns", "CampaignUpdate")
    AuditEvent = apps.get_model("core", "AuditEvent")
    finished = CampaignUpdate.objects.filter(finished_at__isnull=False)
    events = AuditEvent.objects.filter(
        action="campaigns.update.delivered",
        object_type="campaigns.campaignupdate",
        object_id__in=[str(pk) for pk in finished.values_list("pk", flat=True)],
    )
    for event in events.iterator():
        update = finished.filter(pk=int(event.object_id)).first()
        if update is None:
            continue
        skipped, refused = event.data.get("skipped", 0), event.data.get("refused", 0)
        update.skipped, update.refused = skipped, refused
        update.given_up = max(update.recipients - update.sent - skipped - refused, 0)
        update.save(update_fields=["skipped", "refused", "given_up"])


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0005_campaign_updates"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="campaignupdate",
            name="skipped",
            field=models.PositiveIntegerField(
                default=0,
                help_text="Not sent: the person stopped updates before it reached them, or has no address.",
            ),
        ),
        migrations.AddField(
            model_name="campaignupdate",
            name="refused",
            field=models.PositiveIntegerField(default=0, help_text="Refused by the mail server for good."),
        ),
        migrations.AddField(
            model_name="campaignupdate",
            name="given_up",
            field=models.PositiveIntegerField(
                default=0, help_text="Not sent when sending stopped: refused for now for days, or never tried."
            ),
        ),
        migrations.RunPython(outcome_from_audit_log, migrations.RunPython.noop),
    ]
