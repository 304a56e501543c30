"""Demo funding: the Grassroots Resilience Fund, with one open round in two grant sizes and one closed round,
and in the open round one draft application and two sent ones.

Pages are created only when their slug is missing, so loading twice changes nothing.
The open round is placed around the day the demo is first loaded; the closed one has
fixed dates in the past. Our own words throughout.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from chorus.accounts.services import roles_sync
from chorus.core.deadlines import LONDON
from chorus.grants.models import FundPage, RoundBand, RoundPage
from chorus.pages.demo import ensure_home

FUND_SLUG = "grassroots-resilience-fund"
OPEN_ROUND_SLUG = "winter-round"
CLOSED_ROUND_SLUG = "spring-2025-round"

ELIGIBILITY = [
    (
        "Is your group run by people with lived experience of mental distress or trauma?",
        "yes",
        "This fund is for user-led groups: most of the people who run the group have lived experience. "
        "If you work alongside a user-led group, you could help them apply.",
    ),
    (
        "Is your group based in England or Wales?",
        "yes",
        "We can only fund groups in England and Wales this year. Funders in Scotland and Northern Ireland "
        "are listed on our resources page.",
    ),
    (
        "Does your group already hold a grant from this fund for the same work?",
        "no",
        "We give one grant at a time for the same work, so more groups get a share. You can apply again "
        "once your grant has ended.",
    ),
]

CRITERIA = [
    "The group is run by and for people with lived experience.",
    "The money will help the group keep going or reach more people.",
    "The group knows its community and what it needs.",
    "The cost is realistic for what the group wants to do.",
]


def _text(question: str, words: int, help_text: str = "", required: bool = True) -> tuple[str, dict[str, Any]]:
    return ("text", {"question": question, "help_text": help_text, "required": required, "word_guide": words})


SMALL_QUESTIONS = [
    _text("Tell us about your group: who you are and what you do.", 100),
    _text(
        "What will you spend the money on?", 100, "A list is fine. Running costs such as rent or phone bills count."
    ),
    ("amount", {"question": "How much are you asking for?", "help_text": "Up to £500.", "required": True}),
]

LARGER_QUESTIONS = [
    _text("Tell us about your group: who you are and what you do.", 150),
    _text("What will you do with the grant, and who will it help?", 250),
    ("amount", {"question": "How much are you asking for?", "help_text": "Up to £2,500.", "required": True}),
    (
        "choice",
        {
            "question": "What will most of the money pay for?",
            "help_text": "",
            "required": True,
            "options": ["Running costs", "Activities or sessions", "Volunteers' expenses", "Something else"],
            "more_than_one": True,
        },
    ),
    ("date", {"question": "When would you like to start?", "help_text": "", "required": False}),
    (
        "file",
        {
            "question": "Your latest accounts or a bank statement, if you have one",
            "help_text": "New groups without accounts can leave this out.",
            "required": False,
        },
    ),
]


def _london(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=LONDON)


def _fund() -> FundPage:
    existing = FundPage.objects.filter(slug=FUND_SLUG).first()
    if existing is not None:
        return existing
    fund = FundPage(
        title="Grassroots Resilience Fund",
        slug=FUND_SLUG,
        show_in_menus=True,
        summary="Small grants for user-led mental-health groups, to keep going and to grow. "
        "Short applications, quick decisions, and feedback whatever we decide.",
        who_it_is_for="User-led groups: peer support groups, survivor-led campaigns and small networks run by "
        "people with lived experience of mental distress. You do not need to be a registered charity, "
        "and new groups are welcome.",
        what_it_funds="Anything that keeps your group going: room hire, phone and internet bills, travel, "
        "volunteers' expenses, activities, training and equipment. Running costs are welcome.",
        typical_sizes="Most grants are between £300 and £2,500.",
        contact_phone="0113 496 0123",
    )
    ensure_home().add_child(instance=fund)
    fund.save_revision().publish()
    return fund


def _round(fund: FundPage, *, slug: str, title: str, summary: str, opens: datetime, closes: datetime) -> bool:
    if RoundPage.objects.filter(slug=slug).child_of(fund).exists():
        return False
    decided = closes.date() + timedelta(weeks=6)
    round_page = RoundPage(
        title=title,
        slug=slug,
        summary=summary,
        opens_at=opens,
        closes_at=closes,
        accepts_late_applications=True,
        budget=30000,
        decision_date=decided,
        payment_date=decided + timedelta(weeks=2),
        criteria=[("criterion", text) for text in CRITERIA],
        eligibility_questions=[
            ("question", {"question": q, "eligible_answer": a, "explanation": e}) for q, a, e in ELIGIBILITY
        ],
    )
    round_page.bands = [
        RoundBand(name="Small grants", up_to=500, questions=SMALL_QUESTIONS, sort_order=0),
        RoundBand(name="Larger grants", up_to=2500, questions=LARGER_QUESTIONS, sort_order=1),
    ]
    fund.add_child(instance=round_page)
    round_page.save_revision().publish()
    return True


# (address, group, contact, registered number or "", answers by question, send it?)
DEMO_APPLICATIONS: list[tuple[str, str, str, str, list[str], bool]] = [
    (
        "hearing-voices-calder@example.org",
        "Calder Valley Hearing Voices",
        "Robin Ashworth",
        "",
        [
            "We meet every Thursday evening in the library in Hebden Bridge. About twelve people come each week, "
            "and new people find us through word of mouth and the GP surgery noticeboard.",
            "Room hire for a year, tea and biscuits, and bus fares for members who could not otherwise come.",
        ],
        True,
    ),
    (
        "peer-walks-swansea@example.org",
        "Swansea Peer Walks",
        "Ffion Davies",
        "1187654",
        [
            "We organise gentle walks along the coast path, led by members who have been through crisis care. "
            "Walking side by side makes it easier to talk.",
            "Training for four new walk leaders and a first aid course.",
        ],
        True,
    ),
    (
        "survivors-art-bristol@example.org",
        "Bristol Survivors' Art Collective",
        "Jo Okafor",
        "",
        ["We run an open studio for survivors of the psychiatric system.", ""],
        False,
    ),
]


def _applications(round_page: RoundPage) -> int:
    """One draft and two sent applications, once: nothing is added if the round has any already."""
    from chorus.core.crypto import email_index
    from chorus.grants.models import Application
    from chorus.grants.services.applications import (
        AboutGroup,
        answers_save,
        application_link_request,
        application_save_about,
        application_save_access,
        application_save_band,
        application_submit,
    )

    if Application.objects.filter(round=round_page).exists():
        return 0
    band = round_page.bands.order_by("sort_order").first()
    if band is None:
        return 0
    for email, group, contact, number, texts, send in DEMO_APPLICATIONS:
        application_link_request(round_page=round_page, email=email)
        application = Application.objects.get(round=round_page, email_digest=email_index(email))
        application_save_about(
            application=application,
            about=AboutGroup(
                group_name=group,
                contact_name=contact,
                contact_phone="",
                is_registered=bool(number),
                registered_number=number,
            ),
        )
        application_save_band(application=application, band=band)
        text_ids = [block.id for block in band.questions if block.block_type == "text"]
        values: dict[str, object] = dict(zip(text_ids, texts, strict=False))
        if send:  # the draft has not got as far as the amount
            values.update({block.id: 480 for block in band.questions if block.block_type == "amount"})
        answers_save(application=application, values=values)
        application_save_access(application=application, needs=[], other="", call_me=False, call_times="")
        if send:
            application_submit(application=application)
    return len(DEMO_APPLICATIONS)


def load() -> str:
    fund = _fund()
    today = timezone.localdate()
    created = int(
        _round(
            fund,
            slug=OPEN_ROUND_SLUG,
            title="Winter round",
            summary="Grants of up to £2,500 for user-led groups, for the coming year.",
            opens=_london(today - timedelta(days=10), 9),
            closes=_london(today + timedelta(days=24), 17),
        )
    )
    created += int(
        _round(
            fund,
            slug=CLOSED_ROUND_SLUG,
            title="Spring 2025 round",
            summary="Our first round: 41 groups applied and 14 were funded.",
            opens=_london(date(2025, 3, 3), 9),
            closes=_london(date(2025, 4, 14), 17),
        )
    )
    applications = _applications(RoundPage.objects.get(slug=OPEN_ROUND_SLUG))
    # The Grants officer's page permissions are granted per fund page (chorus.grants.permissions).
    roles_sync()
    return f"fund at {fund.get_url()}; {created} round(s) added; {applications} application(s) added"
