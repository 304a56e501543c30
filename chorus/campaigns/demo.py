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
    ConstituentLetter,
    DisplayChoice,
    LetterStatus,
    LetterToRepresentativePage,
    Moderation,
    OpenLetterPage,
    OrganisationType,
    PetitionPage,
    ReplyReport,
    Signature,
    SignatureKind,
    SignatureStatus,
    domain_hash,
)
from chorus.campaigns.selectors import consent_scope, update_recipients
from chorus.campaigns.services.counts import counts_refresh
from chorus.campaigns.services.letters import letter_shingles_count, letter_similarity, writer_index
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


LETTER_SLUG = "write-to-your-mp-detention-reform"

# Each demo writer's own words (no one's real letter), to example MPs from the representatives demo.
DEMO_LETTERS: list[tuple[str, str, str, LetterStatus, str]] = [
    (
        "Isla Morgan",
        "GU11 1AA",
        "My mum was detained three times before she was fifty, and each time the first person who explained "
        "her rights to her was another patient. Please make sure an advocate reaches people on the first day.",
        LetterStatus.SENT,
        ReplyReport.YES,
    ),
    (
        "Dev Chowdhury",
        "CF24 0AB",
        "I was held on a ward two hundred miles from home because no bed was free nearer. Nobody I knew could "
        "visit. I would like you to vote for the changes that limit out-of-area placements.",
        LetterStatus.SENT,
        ReplyReport.NOT_YET,
    ),
    (
        "Niamh Quinn",
        "EH7 5BW",
        "As a nurse I have seen Black patients far more likely to be restrained. The new law must require "
        "every trust to publish who is detained and restrained, so the gap cannot be hidden.",
        LetterStatus.SENT,
        "",
    ),
    (
        "Rhys Evans",
        "SW1A 1AA",
        "The reform bill promises that people will have a say in their treatment. Please ask the minister how "
        "that promise will be checked on wards like the one my brother stayed on last spring.",
        LetterStatus.QUEUED,
        "",
    ),
    (
        "Priya Shah",
        "CB2 1AA",
        "Advance choice documents would have saved me from a treatment I had told everyone I could not bear. "
        "Please speak up for making them a right, not a favour.",
        LetterStatus.QUEUED,
        "",
    ),
]


def _ensure_letter_action(index: CampaignIndexPage) -> LetterToRepresentativePage:
    action = LetterToRepresentativePage.objects.filter(slug=LETTER_SLUG).first()
    if action is not None:
        return action
    now = timezone.now()
    action = LetterToRepresentativePage(
        title="Write to your MP: a Mental Health Act that respects our rights",
        slug=LETTER_SLUG,
        summary="Parliament is reforming the Mental Health Act. Tell your MP, in your own words, what detention "
        "means for you and the people you love, and what the new law must change.",
        ask="Support amendments that give people a real say in their care, end the over-use of detention on "
        "Black people, and guarantee an independent advocate from the first day.",
        body=_paragraph(
            "The Mental Health Act decides when people can be held in hospital and treated without agreeing to "
            "it. Members tell us the law is used far more on some communities than others, and that people "
            "often learn their rights too late to use them.",
            "MPs read letters from the people they represent, especially letters that say how a law touches "
            "real lives. A few sentences about you matter more than a long letter copied from elsewhere.",
        ),
        briefing="<h3>Why now</h3><p>The bill is going through Parliament, and MPs can still press for "
        "amendments.</p><h3>What to say</h3><ul><li>Who you are and where you live: you are their "
        "constituent.</li><li>How detention has touched you or someone close to you, if you are willing to "
        "share it.</li><li>One or two changes you want them to support.</li></ul><h3>What not to say</h3>"
        "<ul><li>Other people's private details without their agreement.</li><li>Anything you would not be "
        "happy to see quoted in a reply.</li></ul>",
        suggested_letter="I am writing as your constituent about the Mental Health Act reforms.\n\n"
        "I would like you to support changes that give people a real say in their own care, that tackle "
        "the far higher rate of detention among Black people, and that make sure everyone detained can see an "
        "independent advocate from the start.\n\nPlease tell me what you will do.",
        prompts="How has the Mental Health Act affected you or people you know?\n"
        "What happened that should not happen to anyone else?\n"
        "Which one change would make the most difference?\n"
        "What would you like your MP to do next?",
        easy_read_summary=picture_sentences(
            ("hospital", "A law lets hospitals keep some people in, even if they do not agree."),
            ("talking", "The Government is changing this law now."),
            ("letter", "You can write a letter to your MP about it."),
            ("pen", "Use your own words. Say what happened to you or people you know."),
            ("listening", "We ask MPs to listen and to make the law fairer."),
        ),
        closing_date=(now + timedelta(days=45)).date(),
        state=ActionState.OPEN,
        opened_at=now - timedelta(days=10),
    )
    index.add_child(instance=action)
    area = PriorityAreaPage.objects.filter(title__icontains="rights").first()
    if area is not None:
        action.priority_areas.add(area)
    action.save_revision().publish()
    _published_when_opened(action)
    return action


def _demo_letters(action: LetterToRepresentativePage) -> int:
    """A few letters from example members, already sent or waiting, so the summary and staff screens show them."""
    from chorus.representatives.lookup import seats_for_postcode

    if ConstituentLetter.objects.filter(action=action).exists():
        return 0
    now = timezone.now()
    made = 0
    for number, (name, postcode, body, status, reply) in enumerate(DEMO_LETTERS):
        lookup = seats_for_postcode(postcode)
        if not lookup.seats or lookup.seats[0].is_vacant:
            continue  # the example MPs are not loaded: no letter to nobody
        seat = lookup.seats[0]
        email = f"demo-writer-{number}@example.invalid"
        person = Person.objects.filter(email_index=email_index(email)).first() or Person.objects.create(
            email=email, email_index=email_index(email), name=name
        )
        confirmed = now - timedelta(days=9 - number, hours=3)
        letter = ConstituentLetter.objects.create(
            action=action,
            person=person,
            writer_index=writer_index(action_id=action.pk, email=email),
            name=name,
            postal_address=f"{10 + number} Example Road\nExample Town",
            postcode=postcode,
            body=body,
            target_key=seat.constituency_code,
            target_name=seat.representative_name,
            target_email=seat.email,
            constituency_name=seat.constituency_name,
            similarity=letter_similarity(action=action, target_key=seat.constituency_code, body=body),
            status=status,
            created_at=confirmed - timedelta(minutes=20),
            confirmed_at=confirmed,
            sent_at=confirmed + timedelta(days=1) if status == LetterStatus.SENT else None,
            reply_report=reply,
            reply_reported_at=now - timedelta(days=1) if reply else None,
        )
        letter_shingles_count(letter)
        made += 1
    return made


def load() -> str:
    _, letter, petition = _ensure_pages()
    _link_from_articles(letter)
    made = _demo_signatures(letter.pk, count=240, days=21, organisations=True, seed=1)
    made += _demo_signatures(petition.pk, count=160, days=14, organisations=False, seed=2, postcodes=True)
    updates = _demo_update(letter)
    counts_refresh(full=True)
    letters = _demo_letters(_ensure_letter_action(CampaignIndexPage.objects.get()))
    return (
        f"campaign spotlight with an open letter and a petition; {made} demo signatures "
        f"and {updates} update sent to signers added; a letter-to-your-MP action with {letters} demo letters"
    )
