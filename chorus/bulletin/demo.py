"""Demo bulletin: the bulletin page, two past issues sent on recent Mondays, and a few
subscribers, some of whom chose topics. Idempotent."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from chorus.bulletin.models import BulletinIndexPage, BulletinIssue, IssueStatus, Subscription, SubscriptionStatus
from chorus.bulletin.services.subscriptions import CONSENT_WORDING, CONSENT_WORDING_VERSION
from chorus.pages.demo import child_page, days_ago, ensure_home, published_on
from chorus.pages.models import PriorityAreaPage
from chorus.people.models import ConsentPurpose
from chorus.people.services import consent_give, person_get_or_create

INDEX_SLUG = "bulletin"


@dataclass(frozen=True)
class DemoSection:
    heading: str
    area: str  # a priority area's slug; "" for a section every subscriber gets
    items: list[tuple[str, str, str]]  # title, url, summary


@dataclass(frozen=True)
class DemoIssue:
    days_ago: int  # sent at 9am this many days before the demo is loaded
    intro: str
    sections: list[DemoSection]
    message: tuple[str, str] | None = None  # heading, text


# Each links to articles dated before it went out (chorus.news.demo dates them in days before loading).
PAST_ISSUES = [
    DemoIssue(
        days_ago=14,
        intro="This week: private hospitals far from home, and there is still time to add your name to the "
        "letter about cameras on wards.",
        sections=[
            DemoSection(
                heading="Challenging poor mental health care",
                area="challenging-poor-care",
                items=[
                    (
                        "The risks of private detention in mental health",
                        "/news/private-detention-risks/",
                        "What it means for people's safety and rights to be detained far from home.",
                    )
                ],
            ),
            DemoSection(
                heading="Surveillance and data",
                area="surveillance-and-data",
                items=[
                    (
                        "Sign the open letter: Cameras off our wards",
                        "/campaigns/cameras-off-our-wards/",
                        "Ask for an end to round-the-clock camera monitoring of patients.",
                    )
                ],
            ),
        ],
    ),
    DemoIssue(
        days_ago=7,
        intro="Members are taking on a provider that posted photos of patients online, and our next open "
        "meeting is coming up.",
        sections=[
            DemoSection(
                heading="Surveillance and data",
                area="surveillance-and-data",
                items=[
                    (
                        "Members challenge health providers posting photos of patients online",
                        "/news/patient-photos-on-social-media/",
                        "How we are helping members get the photos taken down.",
                    )
                ],
            ),
        ],
        message=(
            "Meet other members",
            "Our next open online meeting for members is on the first Tuesday of the month. "
            "Reply to this email if you need captions, BSL or an Easy Read agenda.",
        ),
    ),
]

# Email, name, and the priority areas they chose (none: every area).
DEMO_SUBSCRIBERS = [
    ("robin.demo@example.org", "Robin", []),
    ("sam.demo@example.org", "", ["challenging-poor-care", "political-responses"]),
    ("priya.demo@example.org", "Priya", ["surveillance-and-data"]),
]


def sent_at(*, days: int) -> datetime.datetime:
    """9am UK time, this many days before today."""
    return published_on(days_ago(days), at=datetime.time(9, 0))


def _blocks(data: DemoIssue, areas: dict[str, PriorityAreaPage]) -> list[tuple[str, dict[str, Any]]]:
    blocks: list[tuple[str, dict[str, Any]]] = [
        (
            "section",
            {
                "heading": section.heading,
                # Without the pages demo there are no areas: the section is then for everyone.
                "priority_area": areas.get(section.area),
                "intro": "",
                "items": [{"title": title, "url": url, "summary": summary} for title, url, summary in section.items],
            },
        )
        for section in data.sections
    ]
    if data.message:
        blocks.append(("message", {"heading": data.message[0], "text": data.message[1]}))
    return blocks


def load() -> str:
    home = ensure_home()
    index = child_page(
        home,
        INDEX_SLUG,
        BulletinIndexPage(
            title="Members' bulletin",
            intro="Every week, a short email with what we published, consultations closing soon and ways "
            "to take part. Read past bulletins below.",
            show_in_menus=True,
        ),
    )
    areas = {area.slug: area for area in PriorityAreaPage.objects.all()}
    created = 0
    # Dated relative to loading, so slugs differ from one load to the next: any sent issue
    # means the demo's were made already.
    if not BulletinIssue.objects.child_of(index).filter(status=IssueStatus.SENT).exists():
        for data in sorted(PAST_ISSUES, key=lambda issue: -issue.days_ago):
            sent = sent_at(days=data.days_ago)
            issue = BulletinIssue(
                title=f"Members' bulletin, {sent:%-d %B %Y}",
                slug=f"bulletin-{sent:%Y-%m-%d}",
                intro=data.intro,
                sections=_blocks(data, areas),
            )
            index.add_child(instance=issue)
            revision = issue.save_revision()
            revision.publish()
            BulletinIssue.objects.filter(pk=issue.pk).update(
                status=IssueStatus.SENT,
                send_started_at=sent,
                send_finished_at=sent + datetime.timedelta(minutes=3),
                sending_revision=revision,
                first_published_at=sent - datetime.timedelta(hours=1),
                last_published_at=sent - datetime.timedelta(hours=1),
            )
            created += 1
    subscribers = 0
    for email, name, topics in DEMO_SUBSCRIBERS:
        person, _ = person_get_or_create(email=email, name=name)
        subscription, made = Subscription.objects.get_or_create(
            person=person,
            defaults={"status": SubscriptionStatus.ACTIVE, "confirmed_at": timezone.now()},
        )
        if made:
            subscription.topics.set([areas[slug] for slug in topics if slug in areas])
            consent_give(
                person=person,
                purpose=ConsentPurpose.BULLETIN,
                wording=CONSENT_WORDING,
                wording_version=CONSENT_WORDING_VERSION,
                source="demo content",
            )
            subscribers += 1
    return f"{created} past bulletins, {subscribers} demo subscribers added"
