"""The privacy page's email, built when the outbox sends it."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse

from chorus.core import outbox
from chorus.core.mail import build_email
from chorus.core.models import OutboxMessage
from chorus.people.models import PRIVACY_LINK_EMAIL
from chorus.people.services import privacy_link_issue


@outbox.composer(PRIVACY_LINK_EMAIL, label="Privacy: link to see or delete your data")
def compose_privacy_links(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """A single-use link to each address we hold data for; nothing to an address we do not know."""
    for row in rows:
        issued = privacy_link_issue(email=row.address) if row.address else None
        if issued is None:
            continue
        person, token = issued
        url = settings.SITE_URL + reverse("people:privacy_link", kwargs={"token": token})
        message = build_email(
            to=person.email,
            template="people/email/privacy_link",
            context={"url": url, "minutes": settings.CHORUS_PRIVACY_LINK_MINUTES},
        )
        yield outbox.Envelope(message=message, rows=(row.pk,))
