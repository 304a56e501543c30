"""Builders for bulletin tests."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from chorus.bulletin.models import BulletinIndexPage, BulletinIssue, IssueStatus, Subscription, SubscriptionStatus
from chorus.pages.models import HomePage, PriorityAreaPage
from chorus.pages.tests.factories import make_site
from chorus.people.services import person_get_or_create

SECTIONS: list[tuple[str, Any]] = [
    (
        "section",
        {
            "heading": "New from the network",
            "intro": "",
            "items": [
                {"title": "Our response to the data plan", "url": "/news/data-plan/", "summary": "We said no."},
                {"title": "Coalition statement", "url": "https://coalition.example.org/s", "summary": ""},
            ],
        },
    ),
    ("message", {"heading": "Meet us", "text": "First paragraph.\n\nSecond paragraph."}),
]


def make_index(home: HomePage | None = None) -> BulletinIndexPage:
    home = home or make_site()
    index = BulletinIndexPage(title="Members' bulletin", slug="bulletin", intro="Every week.")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def area_section(
    area: PriorityAreaPage, items: Iterable[tuple[str, str]], *, heading: str = ""
) -> tuple[str, dict[str, Any]]:
    """A section only the subscribers who chose ``area`` (or every topic) get; items are (title, url)."""
    return (
        "section",
        {
            "heading": heading or area.title,
            "priority_area": area,
            "intro": "",
            "items": [{"title": title, "url": url, "summary": ""} for title, url in items],
        },
    )


def make_issue(
    index: BulletinIndexPage,
    *,
    title: str = "Members' bulletin, 1 December 2026",
    slug: str = "issue-1",
    publish: bool = True,
    sections: list[tuple[str, Any]] | None = None,
    status: str = IssueStatus.DRAFT,
) -> BulletinIssue:
    issue = BulletinIssue(
        title=title,
        slug=slug,
        intro="Hello from the network.",
        sections=SECTIONS if sections is None else sections,
        live=publish,
    )
    index.add_child(instance=issue)
    revision = issue.save_revision()
    if publish:
        revision.publish()
    if status != IssueStatus.DRAFT:
        BulletinIssue.objects.filter(pk=issue.pk).update(status=status, send_started_at=timezone.now())
    return BulletinIssue.objects.get(pk=issue.pk)


def make_subscriber(
    email: str,
    *,
    name: str = "",
    status: str = SubscriptionStatus.ACTIVE,
    topics: Iterable[PriorityAreaPage] = (),
) -> Subscription:
    person, _ = person_get_or_create(email=email, name=name)
    subscription = Subscription.objects.create(
        person=person, status=status, confirmed_at=timezone.now() if status == SubscriptionStatus.ACTIVE else None
    )
    subscription.topics.set(list(topics))
    return subscription


def mark_sending(issue: BulletinIssue) -> None:
    """Put an issue straight into "sending" with its live version fixed, as _start_sending does."""
    BulletinIssue.objects.filter(pk=issue.pk).update(
        status=IssueStatus.SENDING, sending_revision_id=issue.live_revision_id
    )
