"""The tracker's emails, built when the outbox sends them: reminders to response owners."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from chorus.core import outbox
from chorus.core.audit import log_action
from chorus.core.mail import build_email
from chorus.core.models import OutboxMessage
from chorus.tracker.models import RESPONSE_REMINDER_EMAIL, ResponseReminder
from chorus.tracker.selectors import LONDON
from chorus.tracker.workflow import ACTIVE_STATES


@outbox.composer(RESPONSE_REMINDER_EMAIL, label="Policy tracker: response reminder")
def compose_reminders(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """A reminder to the response's owner, if it still has one and is still being worked on."""
    reminders = ResponseReminder.objects.filter(pk__in={row.about_id for row in rows}).select_related(
        "response__item", "response__owner", "window"
    )
    by_id = {reminder.pk: reminder for reminder in reminders}
    for row in rows:
        reminder = by_id.get(row.about_id or 0)
        if reminder is None:
            continue
        response = reminder.response
        owner = response.owner
        if owner is None or not owner.is_active or not owner.email or response.status not in ACTIVE_STATES:
            continue
        context = {
            "owner_name": owner.get_full_name() or owner.get_username(),
            "item": response.item,
            "response": response,
            "window": reminder.window,
            "deadline": reminder.window.closes_at.astimezone(LONDON),
            "admin_path": "/admin/tracker/due/",
        }
        ResponseReminder.objects.filter(pk=reminder.pk).update(sent_at=timezone.now())
        log_action(
            "tracker.response.reminder_sent",
            obj=response,
            data={"reminder_id": reminder.pk, "window_id": reminder.window_id},
            screen="tracker reminders",
        )
        message = build_email(to=owner.email, template="tracker/email/response_reminder", context=context)
        yield outbox.Envelope(message=message, rows=(row.pk,))
