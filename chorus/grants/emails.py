"""The applicants' emails, built when the outbox sends them: a link, a reference and the
timetable, never what anyone wrote (email is not a safe channel)."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.urls import reverse

from chorus.core import outbox
from chorus.core.deadlines import LONDON
from chorus.core.mail import build_email
from chorus.core.models import OutboxMessage
from chorus.grants.models import Application
from chorus.grants.selectors import application_timetable
from chorus.grants.services.applications import LINK_EMAIL, RECEIVED_EMAIL


def apply_url(token: str) -> str:
    return settings.SITE_URL + reverse("grants:application", kwargs={"token": token})


def _applications(rows: list[OutboxMessage]) -> dict[int, Application]:
    ids = {row.about_id for row in rows if row.about_id is not None}
    return {a.pk: a for a in Application.objects.filter(pk__in=ids).select_related("round")}


def _round_words(application: Application) -> dict[str, str]:
    round_page = application.round
    fund = round_page.get_parent()
    return {
        "round_title": round_page.title,
        "fund_title": fund.title if fund is not None else "",
        "closes": f"{round_page.closes_at.astimezone(LONDON):%-d %B %Y at %H:%M}",
    }


@outbox.composer(LINK_EMAIL, label="Funding application: link to apply")
def compose_links(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """The link to a draft (or a sent application), to the address that asked for it."""
    applications = _applications(rows)
    for row in rows:
        application = applications.get(row.about_id or 0)
        if application is None or not application.token_sealed:
            continue  # deleted meanwhile
        message = build_email(
            to=application.contact_email,
            template="grants/emails/link",
            context={
                **_round_words(application),
                "apply_url": apply_url(application.token_sealed),
                "days": settings.CHORUS_GRANTS_DRAFT_RETENTION_DAYS,
            },
        )
        yield outbox.Envelope(message=message, rows=(row.pk,))


@outbox.composer(RECEIVED_EMAIL, label="Funding application: received, with the reference")
def compose_received(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """The confirmation of a sent application: its reference and the round's timetable."""
    applications = _applications(rows)
    for row in rows:
        application = applications.get(row.about_id or 0)
        if application is None or not application.reference:
            continue
        message = build_email(
            to=application.contact_email,
            template="grants/emails/received",
            context={
                **_round_words(application),
                "reference": application.reference,
                "late": application.is_late,
                "timetable": application_timetable(application),
                "apply_url": apply_url(application.token_sealed),
            },
        )
        yield outbox.Envelope(message=message, rows=(row.pk,))
