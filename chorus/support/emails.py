"""The support desk's emails, built when the outbox sends them. None of them carries what
anyone wrote: only a reference, a kind and a link (email is not a safe channel)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from chorus.core import outbox
from chorus.core.mail import build_email
from chorus.core.models import OutboxMessage
from chorus.support.models import (
    LINK_EMAIL,
    LOST_LINKS_EMAIL,
    NEW_MESSAGE_EMAIL,
    STAFF_NOTICE_EMAIL,
    RequestKind,
    SupportRequest,
)
from chorus.support.selectors import support_requests_to_send_again


def private_url(token: str) -> str:
    return settings.SITE_URL + reverse("support:private", kwargs={"token": token})


def _requests(rows: list[OutboxMessage]) -> dict[int, SupportRequest]:
    ids = {row.about_id for row in rows if row.about_id is not None}
    return {
        r.pk: r for r in SupportRequest.objects.filter(pk__in=ids, anonymised_at__isnull=True).select_related("sender")
    }


@outbox.composer(LINK_EMAIL, label="Support request: private link")
def compose_links(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """The emailed link to a new request, to the address given, which its owner confirms or disowns."""
    requests = _requests(rows)
    for row in rows:
        support_request = requests.get(row.about_id or 0)
        if support_request is None or not support_request.email_unconfirmed or not support_request.email_token_sealed:
            continue  # confirmed, disowned, forgotten or anonymised meanwhile
        message = build_email(
            to=support_request.unconfirmed_email,
            template="support/emails/link",
            context={
                "reference": support_request.reference,
                "private_url": private_url(support_request.email_token_sealed),
                "days": settings.CHORUS_SUPPORT_EMAIL_CONFIRM_DAYS,
            },
        )
        yield outbox.Envelope(message=message, rows=(row.pk,))


@outbox.composer(LOST_LINKS_EMAIL, label="Support request: the links again, for a member who lost theirs")
def compose_lost_links(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """The emailed link of each open request the address owns, for a member who lost theirs;
    nothing at all to an address with none (the page said the same either way)."""
    for row in rows:
        found = support_requests_to_send_again(email=row.address) if row.address else []
        links = [
            {"reference": r.reference, "kind": r.get_kind_display(), "private_url": private_url(r.email_token_sealed)}
            for r in found
            if r.email_token_sealed
        ]
        if not links:
            continue
        message = build_email(to=row.address, template="support/emails/lost_links", context={"requests": links})
        yield outbox.Envelope(message=message, rows=(row.pk,))


@outbox.composer(NEW_MESSAGE_EMAIL, label="Support request: new reply to the member")
def compose_new_messages(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """A notice that staff wrote, to a member who confirmed their address; one per request per batch."""
    requests = _requests(rows)
    by_request: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_request[row.about_id or 0].append(row.pk)
    for request_id, row_ids in by_request.items():
        support_request = requests.get(request_id)
        if support_request is None or support_request.sender is None or not support_request.email_token_sealed:
            continue
        if not support_request.sender.email:
            continue  # the person was erased
        message = build_email(
            to=support_request.sender.email,
            template="support/emails/new_message",
            context={
                "reference": support_request.reference,
                "private_url": private_url(support_request.email_token_sealed),
            },
        )
        yield outbox.Envelope(message=message, rows=tuple(row_ids))


@outbox.composer(STAFF_NOTICE_EMAIL, label="Support desk: notice to staff")
def compose_staff_notices(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """One email per member of staff for all their notices in the batch; a line per request and reason."""
    requests = _requests(rows)
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in={row.user_id for row in rows})}
    by_user: dict[int, list[OutboxMessage]] = defaultdict(list)
    for row in rows:
        by_user[row.user_id or 0].append(row)
    for user_id, notices in by_user.items():
        user = users.get(user_id)
        # Read again now: someone who left, or lost their address, since the event gets nothing.
        if user is None or not user.is_active or not user.email:
            continue
        items, seen = [], set()
        for notice in notices:
            support_request = requests.get(notice.about_id or 0)
            reason = str(outbox.payload_of(notice).get("reason", ""))
            if support_request is None or (support_request.pk, reason) in seen:
                continue
            seen.add((support_request.pk, reason))
            # Only what is safe in an email: the reference and the kind. Never the content, the
            # member's name or contact, the priority area or anything that hints at their health.
            items.append(
                {
                    "reason": reason,
                    "reference": support_request.reference,
                    "kind": RequestKind(support_request.kind).label,
                    "url": settings.SITE_URL + reverse("support_admin:detail", kwargs={"pk": support_request.pk}),
                }
            )
        if not items:
            continue
        message = build_email(
            to=user.email, template="support/emails/staff_notice", context={"items": items, "count": len(items)}
        )
        yield outbox.Envelope(message=message, rows=tuple(notice.pk for notice in notices))
