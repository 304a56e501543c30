"""Demo campaign: a member campaign against camera monitoring on inpatient wards.

Written in our own words. Idempotent: a second run finds what the first made.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from chorus.campaigns import consents
from chorus.campaigns.models import (
    ActionPage,
    CampaignIndexPage,
    CampaignUpdate,
    DisplayChoice,
    Moderation,
    OpenLetterPage,
    OrganisationType,
    PetitionPage,
    Signature,
    SignatureKind,
    SignatureStatus,
    domain_hash,
)
from chorus.campaigns.selectors import consent_scope, update_recipients
from chorus.campaigns.services.counts import counts_refresh
from chorus.campaigns.workflow import ActionState
from chorus.core.crypto import email_index
from chorus.news.demo import OPEN_LETTER_SLUG
from chorus.news.models import ArticlePage, ArticleRelatedAction
from chorus.pages.blocks import picture_sentences
from chorus.pages.demo import ensure_home
from chorus.pages.demo_banners import demo_banner
from chorus.pages.models import PriorityAreaPage
from chorus.people.models import ConsentPurpose, ConsentRecord, Person

FIRST_NAMES = [
    "Amara", "Bea", "Callum", "Dev", "Eilidh", "Femi", "Gwen", "Hamza", "Isla", "Jonah", "Kiran", "Lowri",
    "Mo", "Niamh", "Olu", "Priya", "Rhys", "Saoirse", "Tariq", "Una", "Vik", "Wren", "Yusuf", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Adeyemi", "Brennan", "Chowdhury", "Davies", "Evans", "Fraser", "Gill", "Hughes", "Iqbal", "Jones",
    "Kaur", "Lewis", "Morgan", "Nwosu", "O'Neill", "Patel", "Quinn", "Rahman", "Shah", "Thomas",
]  # fmt: skip
ORGANISATIONS = [
    ("Riverside Survivors Collective", OrganisationType.USER_LED),
    ("Hearing Voices Circle North", OrganisationType.USER_LED),
    ("Black Minds Matter Locally", OrganisationType.USER_LED),
    ("Patients for Privacy Trust", OrganisationType.CHARITY),
    ("Ward Watch Advocacy", OrganisationType.CHARITY),
    ("Disabled People's Data Forum", OrganisationType.OTHER),
    ("Peer Support Network East", OrganisationType.USER_LED),
    ("Kindred Mental Health Trust", OrganisationType.CHARITY),
]


def _paragraph(*texts: str) -> list[tuple[str, str]]:
    return [("paragraph", "".join(f"<p>{text}</p>" for text in texts))]


def _published_when_opened(action: ActionPage) -> None:
    # A real action's page is published when it opens, not when the demo is loaded.
    ActionPage.objects.filter(pk=action.pk).update(
        first_published_at=action.opened_at, last_published_at=action.opened_at
    )


def _ensure_pages() -> tuple[CampaignIndexPage, OpenLetterPage, PetitionPage]:
    home = ensure_home()
    index = CampaignIndexPage.objects.first()
    if index is None:
        index = CampaignIndexPage(
            title="Campaigns",
            slug="campaigns",
            show_in_menus=True,
            intro="Open letters and petitions we run with our members and coalition partners. "
            "Signing takes a minute; we only show your name if you ask us to.",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    now = timezone.now()
    area = PriorityAreaPage.objects.filter(title__icontains="surveillance").first()
    letter = OpenLetterPage.objects.first()
    if letter is None:
        letter = OpenLetterPage(
            title="Cameras off our wards",
            slug="cameras-off-our-wards",
            summary="An open letter from people who have been inpatients, and the groups that stand with them, "
            "asking for an end to round-the-clock camera monitoring in mental-health wards.",
            addressee="The Chief Executive of NHS England and the boards of mental-health trusts",
            body=_paragraph(
                "We are writing as people who have stayed on psychiatric wards, as families, and as groups "
                "led by people with lived experience.",
                "Many wards now watch patients in their bedrooms with sensors and cameras, day and night. "
                "People were rarely asked. Many did not know it was happening. Being watched while you sleep, "
                "dress or cry does not make anyone safer or better; it makes a hard place harder.",
                "We ask you to pause these systems, to publish where they are used, and to decide their "
                "future together with the people who live under them.",
            ),
            easy_read_summary=picture_sentences(
                ("hospital", "Some hospital wards use cameras in bedrooms."),
                ("camera", "The cameras watch people all the time, even at night."),
                ("no", "We think this is wrong. People need a private space."),
                ("letter", "We are writing a letter to the NHS."),
                ("listening", "We ask the NHS to stop and to listen to patients."),
                ("pen", "You can sign the letter too."),
            ),
            closing_date=(now + timedelta(days=60)).date(),
            state=ActionState.OPEN,
            opened_at=now - timedelta(days=21),
            # An abstract banner adds nothing to the letter's words: decoration, so screen readers skip it.
            lead_image=demo_banner(title="Demo banner: soft circles, together", variation=3),
            lead_image_decorative=True,
        )
        index.add_child(instance=letter)
        if area is not None:
            letter.priority_areas.add(area)
        letter.save_revision().publish()
        _published_when_opened(letter)
    petition = PetitionPage.objects.first()
    if petition is None:
        petition = PetitionPage(
            title="Halt the roll-out of bedroom monitoring",
            slug="halt-bedroom-monitoring",
            summary="A petition to NHS England to stop new camera monitoring on inpatient wards until patients "
            "have had a real say.",
            target="NHS England",
            ask="Stop any new roll-out of camera-based monitoring in inpatient bedrooms, and review the systems "
            "already in place with patients and former patients.",
            body=_paragraph(
                "Camera-based monitoring has spread quietly across mental-health wards. "
                "Patients tell us it leaves them feeling watched, ashamed and unsafe.",
                "Add your name to ask for a halt and an honest review.",
            ),
            easy_read_summary=picture_sentences(
                ("camera", "More and more wards watch people in bed with cameras."),
                ("worried", "People tell us this makes them feel scared and ashamed."),
                ("stop", "We want NHS England to stop adding new cameras."),
                ("talking", "We want them to talk with patients first."),
                ("pen", "Sign the petition to say you agree."),
            ),
            goal=1000,
            milestones="100, 250, 500, 1000",
            collect_postcode=True,
            closing_date=(now + timedelta(days=90)).date(),
            state=ActionState.OPEN,
            opened_at=now - timedelta(days=14),
        )
        index.add_child(instance=petition)
        if area is not None:
            petition.priority_areas.add(area)
        petition.save_revision().publish()
        _published_when_opened(petition)
    if home.spotlight_page_id != letter.pk:  # type: ignore[attr-defined]
        home.spotlight_page = letter
        home.spotlight_heading = "Member campaign: cameras off our wards"
        home.spotlight_text = (
            "Members who have been inpatients are campaigning against constant camera monitoring in ward bedrooms. "
            "Read and sign their open letter, and add your name to the petition."
        )
        home.save_revision().publish()
    return index, letter, petition


# City-centre postcodes across the UK, so the petition's area breakdown has something to show.
DEMO_POSTCODES = ["M1 1AE", "LS1 4DY", "B1 1BB", "CF10 1EP", "EH1 1YZ", "BS1 4DJ", "NE1 4ST", "G1 1XQ", "L1 8JQ"]


def _demo_signatures(
    action_id: int, *, count: int, days: int, organisations: bool, seed: int, postcodes: bool = False
) -> int:
    if Signature.objects.filter(action_id=action_id).exists():
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    people = []
    for i in range(count):
        email = f"demo-signer-{seed}-{i}@example.invalid"
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        people.append(Person(email=email, email_index=email_index(email), name=name))
    Person.objects.bulk_create(people, batch_size=500)
    people = list(Person.objects.filter(email_index__in=[p.email_index for p in people]))
    signatures = []
    org_cycle = iter(ORGANISATIONS if organisations else [])
    domain = domain_hash("example.invalid")
    for i, person in enumerate(people):
        created = now - timedelta(days=days * (i / count) ** 0.6, minutes=rng.randint(0, 600))
        pending = i % 17 == 0
        org = next(org_cycle, None) if i % 23 == 5 else None
        signature = Signature(
            action_id=action_id,
            person=person,
            name=person.name,
            status=SignatureStatus.PENDING if pending else SignatureStatus.CONFIRMED,
            created_at=created,
            changed_at=created,
            confirmed_at=None if pending else created + timedelta(minutes=rng.randint(1, 90)),
            email_domain_hash=domain,
            display=rng.choice([DisplayChoice.FULL_NAME, DisplayChoice.FIRST_NAME_INITIAL, DisplayChoice.NOT_LISTED]),
            postcode=rng.choice(DEMO_POSTCODES) if postcodes else "",
        )
        if org is not None:
            signature.kind = SignatureKind.ORGANISATION
            signature.organisation, signature.organisation_type = org
            signature.contact = person.name
            signature.display = DisplayChoice.NOT_LISTED
            signature.moderation = Moderation.PENDING if i % 2 else Moderation.APPROVED
        signatures.append(signature)
    Signature.objects.bulk_create(signatures, batch_size=500)
    scope = consent_scope(action_id)
    confirmed = [s for s in signatures if s.status == SignatureStatus.CONFIRMED]
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                person=s.person,
                purpose=ConsentPurpose.PUBLISH_NAME,
                scope=scope,
                wording=consents.SHOW_NAME,
                wording_version=consents.WORDING_VERSION,
                source="demo",
                given_at=s.confirmed_at or s.created_at,
            )
            for s in confirmed
            if s.display != DisplayChoice.NOT_LISTED
        ]
        # About two in three ask for updates, so "Send an update" has people to write to.
        + [
            ConsentRecord(
                person=s.person,
                purpose=ConsentPurpose.CAMPAIGN_UPDATES,
                scope=scope,
                wording=consents.UPDATES,
                wording_version=consents.WORDING_VERSION,
                source="demo",
                given_at=s.confirmed_at or s.created_at,
            )
            for i, s in enumerate(confirmed)
            if i % 3
        ],
        batch_size=500,
    )
    return len(signatures)


def _demo_update(action: OpenLetterPage) -> int:
    """One update already sent on the letter, so its list of updates sent is not empty."""
    if CampaignUpdate.objects.filter(action=action).exists():
        return 0
    queued = update_recipients(action_id=action.pk).count()
    # Counts only: a finished update keeps no per-person rows, so none are made here.
    stopped, refused, given_up = (3, 2, 1) if queued > 20 else (0, 0, 0)
    sent_on = timezone.now() - timedelta(days=6, hours=3)
    CampaignUpdate.objects.create(
        action=action,
        subject="Our letter has 200 names: thank you",
        body="Thank you for signing our open letter about cameras in ward bedrooms.\n\n"
        "More than 200 people and groups have now signed. Next week we will ask to meet the boards "
        "of three mental-health trusts that use bedroom cameras, and we will tell you how it goes.\n\n"
        "If you know someone who has stayed on a ward, please share the letter with them.",
        created_at=sent_on,
        started_at=sent_on,
        # Given up three days on, as the resume job does with addresses refused for now.
        finished_at=sent_on + timedelta(days=3) if given_up else sent_on + timedelta(minutes=2),
        recipients=queued,
        sent=queued - stopped - refused - given_up,
        skipped=stopped,
        refused=refused,
        given_up=given_up,
    )
    return 1


def _link_from_articles(letter: OpenLetterPage) -> int:
    """The article about the open letter offers it (and so does its Easy Read version)."""
    article = ArticlePage.objects.filter(slug=OPEN_LETTER_SLUG).first()
    if article is None or article.related_actions.filter(action=letter).exists():  # type: ignore[attr-defined]
        return 0
    article.related_actions.add(ArticleRelatedAction(action=letter))  # type: ignore[attr-defined]
    # Through a revision, so the link is in what an editor opens next, not only on the live page.
    article.save_revision().publish()
    return 1


def load() -> str:
    _, letter, petition = _ensure_pages()
    _link_from_articles(letter)
    made = _demo_signatures(letter.pk, count=240, days=21, organisations=True, seed=1)
    made += _demo_signatures(petition.pk, count=160, days=14, organisations=False, seed=2, postcodes=True)
    updates = _demo_update(letter)
    counts_refresh(full=True)
    return (
        f"campaign spotlight with an open letter and a petition; {made} demo signatures "
        f"and {updates} update sent to signers added"
    )
