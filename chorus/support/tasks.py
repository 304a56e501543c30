"""Background work for the support desk: emails, closing and retention. Tasks take ids and call services."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.urls import reverse

from chorus.core.mail import send_templated_email
from chorus.core.periodic import periodic
from chorus.support.models import SupportRequest
from chorus.support.services import (
    support_requests_anonymise_closed,
    support_requests_close_inactive,
    support_staff_notices_send,
)


def _private_url(token: str) -> str:
    return settings.SITE_URL + reverse("support:private", kwargs={"token": token})


@task
def support_send_link_email(support_request_id: int) -> None:
    """Email the reference and private link; never the content (email is not a safe channel)."""
    support_request = SupportRequest.objects.select_related("sender").filter(pk=support_request_id).first()
    if support_request is None or support_request.sender is None or not support_request.token_sealed:
        return
    send_templated_email(
        to=support_request.sender.email,
        template="support/emails/link",
        context={"reference": support_request.reference, "private_url": _private_url(support_request.token_sealed)},
    )


@task
def support_send_new_message_email(support_request_id: int) -> None:
    """Tell the member there is a new message; they read it behind their private link."""
    support_request = SupportRequest.objects.select_related("sender").filter(pk=support_request_id).first()
    if support_request is None or support_request.sender is None or not support_request.token_sealed:
        return
    send_templated_email(
        to=support_request.sender.email,
        template="support/emails/new_message",
        context={"reference": support_request.reference, "private_url": _private_url(support_request.token_sealed)},
    )


# Notices are sent as things happen; this catches any run lost on the way and retries
# notices a busy mail server put off.
@periodic(every=timedelta(minutes=1), name="support-staff-notices")
@task
def support_send_staff_notices() -> int:
    """Tell staff about new requests, members' replies and assignments, in batches (no content)."""
    return support_staff_notices_send()


@periodic(every=timedelta(hours=6), name="support-retention")
@task
def support_retention_run() -> int:
    """Anonymise the content of requests closed longer than the retention period."""
    return support_requests_anonymise_closed()


@periodic(every=timedelta(hours=6), name="support-close-inactive")
@task
def support_close_inactive_run() -> dict[str, int]:
    """Close requests left waiting for the member, or untouched, too long (see workflow.py)."""
    closures = support_requests_close_inactive()
    return {"unanswered": closures.unanswered, "inactive": closures.inactive}
