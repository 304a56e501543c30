"""The applicants' emails, built when the outbox sends them: a link, a reference and the
timetable, never what anyone wrote (email is not a safe channel)."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from chorus.core import outbox
from chorus.core.deadlines import LONDON
from chorus.core.mail import build_email
from chorus.core.models import OutboxMessage
from chorus.grants.models import Application, RoundPage
from chorus.grants.selectors import application_timetable, rounds_waiting_for_decisions
from chorus.grants.services.applications import LINK_EMAIL, RECEIVED_EMAIL
from chorus.grants.services.decisions import DECIDED_EMAIL, REMINDER_EMAIL


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


# --- decisions and reminders (chorus.grants.services.decisions) ------------------------


@outbox.composer(DECIDED_EMAIL, label="Funding application: a decision is ready to read")
def compose_decided(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """That a decision is ready, with the reference and the link: never the decision's words,
    which the group reads on its private page."""
    applications = _applications(rows)
    for row in rows:
        application = applications.get(row.about_id or 0)
        if application is None or application.decided_at is None or not application.token_sealed:
            continue
        if not application.contact_email:
            continue  # its contact details were erased meanwhile
        message = build_email(
            to=application.contact_email,
            template="grants/emails/decided",
            context={
                **_round_words(application),
                "reference": application.reference,
                "apply_url": apply_url(application.token_sealed),
            },
        )
        yield outbox.Envelope(message=message, rows=(row.pk,))


@outbox.composer(REMINDER_EMAIL, label="Funding round: its decision date is near (to Grants officers)")
def compose_decision_reminders(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """To each Grants officer: a round's decision date is near and some applications are undecided."""
    rounds = {r.pk: r for r in RoundPage.objects.filter(pk__in={row.about_id for row in rows})}
    users = {user.pk: user for user in get_user_model().objects.filter(pk__in={row.user_id for row in rows})}
    waiting = {w.round_page.pk: w.waiting for w in rounds_waiting_for_decisions()}
    for row in rows:
        round_page = rounds.get(row.about_id or 0)
        user = users.get(row.user_id or 0)
        # Read again now: someone who left, or a round decided meanwhile, gets nothing.
        if round_page is None or user is None or not user.is_active or not user.email:
            continue
        if not waiting.get(round_page.pk):
            continue
        message = build_email(
            to=user.email,
            template="grants/emails/decision_reminder",
            context={
                "round_title": round_page.title,
                "decision_date": f"{round_page.decision_date:%-d %B %Y}",
                "waiting": waiting[round_page.pk],
                "list_url": settings.SITE_URL + reverse("grants_admin:applications") + f"?round={round_page.pk}",
            },
        )
        yield outbox.Envelope(message=message, rows=(row.pk,))
