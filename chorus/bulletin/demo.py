"""Demo bulletin: the bulletin page, two past issues and a few subscribers. Idempotent."""

from __future__ import annotations

import datetime

from django.utils import timezone

from chorus.bulletin.models import BulletinIndexPage, BulletinIssue, IssueStatus, Subscription, SubscriptionStatus
from chorus.bulletin.services.subscriptions import CONSENT_WORDING, CONSENT_WORDING_VERSION
from chorus.pages.demo import child_page, ensure_home
from chorus.people.models import ConsentPurpose
from chorus.people.services import consent_give, person_get_or_create

INDEX_SLUG = "bulletin"

PAST_ISSUES = [
    {
        "slug": "bulletin-2026-11-16",
        "title": "Members' bulletin, 16 November 2026",
        "sent": datetime.datetime(2026, 11, 16, 9, 0),
        "intro": "A busy week: our evidence on rights in care settings is in, and there is still time to add "
        "your voice to the letter about cameras on wards.",
        "sections": [
            (
                "section",
                {
                    "heading": "New from the network",
                    "intro": "",
                    "items": [
                        {
                            "title": "Our evidence on human rights in care settings",
                            "url": "/news/evidence-human-rights-in-care-settings/",
                            "summary": "What members told us about restraint, seclusion and being listened to.",
                        }
                    ],
                },
            ),
            (
                "section",
                {
                    "heading": "Take action",
                    "intro": "",
                    "items": [
                        {
                            "title": "Sign the open letter on surveillance in inpatient wards",
                            "url": "/news/open-letter-end-blanket-surveillance-on-wards/",
                            "summary": "Ask for an end to round-the-clock video monitoring of patients.",
                        }
                    ],
                },
            ),
        ],
    },
    {
        "slug": "bulletin-2026-11-23",
        "title": "Members' bulletin, 23 November 2026",
        "sent": datetime.datetime(2026, 11, 23, 9, 0),
        "intro": "This week we look at police attendance at mental-health calls and what a long-term plan "
        "for the NHS should mean for people who use services.",
        "sections": [
            (
                "section",
                {
                    "heading": "New from the network",
                    "intro": "",
                    "items": [
                        {
                            "title": "Our statement on police and mental-health calls",
                            "url": "/news/statement-police-and-mental-health-calls/",
                            "summary": "Why a crisis needs a care response, not a police one.",
                        },
                        {
                            "title": "Our response to the ten-year health plan",
                            "url": "/news/response-10-year-health-plan/",
                            "summary": "Members' priorities for the plan, in their own words.",
                        },
                    ],
                },
            ),
            (
                "message",
                {
                    "heading": "Meet other members",
                    "text": "Our next open online meeting for members is on the first Tuesday of the month. "
                    "Reply to this email if you need captions, BSL or an Easy Read agenda.",
                },
            ),
        ],
    },
]

DEMO_SUBSCRIBERS = [
    ("robin.demo@example.org", "Robin"),
    ("sam.demo@example.org", ""),
    ("priya.demo@example.org", "Priya"),
]


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
    existing = set(index.get_children().values_list("slug", flat=True))
    created = 0
    for data in PAST_ISSUES:
        if data["slug"] in existing:
            continue
        issue = BulletinIssue(title=data["title"], slug=data["slug"], intro=data["intro"], sections=data["sections"])
        index.add_child(instance=issue)
        issue.save_revision().publish()
        sent = timezone.make_aware(data["sent"])  # type: ignore[arg-type]
        BulletinIssue.objects.filter(pk=issue.pk).update(
            status=IssueStatus.SENT, send_started_at=sent, send_finished_at=sent + datetime.timedelta(minutes=3)
        )
        created += 1
    subscribers = 0
    for email, name in DEMO_SUBSCRIBERS:
        person, _ = person_get_or_create(email=email, name=name)
        _subscription, made = Subscription.objects.get_or_create(
            person=person,
            defaults={"status": SubscriptionStatus.ACTIVE, "confirmed_at": timezone.now()},
        )
        if made:
            consent_give(
                person=person,
                purpose=ConsentPurpose.BULLETIN,
                wording=CONSENT_WORDING,
                wording_version=CONSENT_WORDING_VERSION,
                source="demo content",
            )
            subscribers += 1
    return f"{created} past bulletins, {subscribers} demo subscribers added"
