"""A small published site for the public API's tests, with things that must never show:
a draft and a private article, a draft priority area, a draft tracked item, an action
still in its draft state, signatures that are not to be listed and an unsent bulletin."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from wagtail.models import PageViewRestriction

from chorus.bulletin.models import IssueStatus
from chorus.bulletin.tests.factories import make_index, make_issue
from chorus.campaigns.models import (
    DisplayChoice,
    Moderation,
    OrganisationType,
    Signature,
    SignatureCount,
    SignatureKind,
    SignatureStatus,
)
from chorus.campaigns.selectors import consent_scope
from chorus.campaigns.tests.factories import CampaignIndexPageFactory, letter, petition
from chorus.campaigns.workflow import ActionState
from chorus.news.models import ArticleKind
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import (
    CoalitionFactory,
    PriorityAreaIndexPageFactory,
    PriorityAreaPageFactory,
    make_site,
)
from chorus.people.models import ConsentPurpose
from chorus.people.services import consent_give, person_get_or_create
from chorus.tracker.models import ResponseStatus
from chorus.tracker.tests.factories import (
    ResponseFactory,
    StageFactory,
    SubmissionWindowFactory,
    TrackedItemFactory,
    TrackerPageFactory,
)


@dataclass
class PublicSite:
    area: Any
    draft_area: Any
    coalition: Any
    briefing: Any
    old_news: Any
    draft_article: Any
    private_article: Any
    item: Any
    closed_item: Any
    draft_item: Any
    letter: Any
    petition: Any
    draft_action: Any
    sent_issue: Any
    unsent_issue: Any


def _signature(action: Any, email: str, **fields: Any) -> Signature:
    person, _ = person_get_or_create(email=email)
    defaults: dict[str, Any] = {"status": SignatureStatus.CONFIRMED, "confirmed_at": timezone.now()}
    signature: Signature = Signature.objects.create(action=action, person=person, **(defaults | fields))
    return signature


def _show_name(action: Any, signature: Signature) -> None:
    consent_give(
        person=signature.person,
        purpose=ConsentPurpose.PUBLISH_NAME,
        wording="Show my name",
        wording_version="t",
        source="test",
        scope=consent_scope(action.pk),
    )


def build_public_site() -> PublicSite:
    home = make_site()
    areas = PriorityAreaIndexPageFactory(parent=home, slug="priorities")
    area = PriorityAreaPageFactory(parent=areas, title="Data and surveillance", slug="data")
    draft_area = PriorityAreaPageFactory(parent=areas, title="Secret plans", slug="secret", live=False)
    coalition = CoalitionFactory(name="Data Justice Coalition", slug="data-justice")

    news = ArticleIndexPageFactory(parent=home, slug="news")
    briefing = ArticlePageFactory(
        parent=news,
        title="Briefing on data sharing",
        kind=ArticleKind.BRIEFING,
        date=datetime.date(2026, 11, 2),
        easy_read_body=[("paragraph", "<p>Short words.</p>")],
    )
    briefing.priority_areas.set([area, draft_area])
    briefing.coalitions.set([coalition])
    briefing.save_revision().publish()
    old_news = ArticlePageFactory(parent=news, title="Old news", date=datetime.date(2025, 3, 1))
    draft_article = ArticlePageFactory(parent=news, title="Draft article", live=False)
    private_article = ArticlePageFactory(parent=news, title="Private article")
    PageViewRestriction.objects.create(page=private_article, restriction_type="password", password="secret")

    tracker = TrackerPageFactory(parent=home)
    now = timezone.now()
    item = TrackedItemFactory(title="Consultation on data", slug="consultation-on-data", live=True)
    item.priority_areas.set([area])
    item.save()
    SubmissionWindowFactory(
        item=item, opens_at=now - datetime.timedelta(days=5), closes_at=now + datetime.timedelta(days=10)
    )
    StageFactory(item=item)
    ResponseFactory(item=item, status=ResponseStatus.PUBLISHED, article=briefing, notes="Internal: call Sam")
    closed_item = TrackedItemFactory(title="Old inquiry", slug="old-inquiry", live=True)
    SubmissionWindowFactory(
        item=closed_item, opens_at=now - datetime.timedelta(days=60), closes_at=now - datetime.timedelta(days=30)
    )
    draft_item = TrackedItemFactory(title="Draft item", slug="draft-item", live=False)
    del tracker

    campaigns = CampaignIndexPageFactory(parent=home)
    open_letter = letter(campaigns, title="Letter on data")
    open_letter.priority_areas.set([area])
    open_letter.save_revision().publish()
    closed_petition = petition(campaigns, title="Petition on care", state=ActionState.CLOSED, goal=500)
    draft_action = letter(campaigns, title="Letter not yet opened", state=ActionState.DRAFT)
    SignatureCount.objects.create(action=open_letter, total=7, individuals=5, organisations=2)

    approved = _signature(
        open_letter,
        "org@example.org",
        kind=SignatureKind.ORGANISATION,
        organisation="Mind the Data",
        organisation_type=OrganisationType.USER_LED,
        moderation=Moderation.APPROVED,
    )
    _signature(
        open_letter,
        "pending@example.org",
        kind=SignatureKind.ORGANISATION,
        organisation="Not Yet Checked",
        organisation_type=OrganisationType.CHARITY,
        moderation=Moderation.PENDING,
    )
    named = _signature(
        open_letter, "ada@example.org", name="Ada Lovelace", display=DisplayChoice.FULL_NAME, role="Peer"
    )
    _show_name(open_letter, named)
    initial = _signature(open_letter, "bob@example.org", name="Bob Stone", display=DisplayChoice.FIRST_NAME_INITIAL)
    _show_name(open_letter, initial)
    _signature(open_letter, "hidden@example.org", name="Hidden Person", display=DisplayChoice.NOT_LISTED)
    # Chose "full name" on the form but never gave (or withdrew) the consent to show it.
    _signature(open_letter, "noconsent@example.org", name="No Consent", display=DisplayChoice.FULL_NAME)
    _signature(
        open_letter,
        "unconfirmed@example.org",
        name="Not Confirmed",
        display=DisplayChoice.FULL_NAME,
        status=SignatureStatus.PENDING,
        confirmed_at=None,
    )
    del approved

    bulletin = make_index(home)
    sent_issue = make_issue(bulletin, title="Bulletin, 1 December 2026", slug="issue-1", status=IssueStatus.SENT)
    unsent_issue = make_issue(bulletin, title="Bulletin, 8 December 2026", slug="issue-2")
    return PublicSite(
        area=area,
        draft_area=draft_area,
        coalition=coalition,
        briefing=briefing,
        old_news=old_news,
        draft_article=draft_article,
        private_article=private_article,
        item=item,
        closed_item=closed_item,
        draft_item=draft_item,
        letter=open_letter,
        petition=closed_petition,
        draft_action=draft_action,
        sent_issue=sent_issue,
        unsent_issue=unsent_issue,
    )
