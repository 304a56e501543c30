"""Demo funding: the Grassroots Resilience Fund, with one open round in two grant sizes and one closed round.
The open round has applications in every state before a decision (one given partly as a recording,
one by a call), a draft and a withdrawn one; the closed round's are decided, so the transparency
page and the 360Giving data have figures.

Pages are created only when their slug is missing, so loading twice changes nothing.
Both rounds are placed around the day the demo is first loaded: the closed one was decided
some weeks before. Our own words throughout.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chorus.accounts.services import roles_sync
from chorus.core.deadlines import LONDON
from chorus.grants.models import FundPage, RoundBand, RoundPage
from chorus.pages.demo import ensure_home
from chorus.pages.models import OrganisationSettings

FUND_SLUG = "grassroots-resilience-fund"
OPEN_ROUND_SLUG = "winter-round"
CLOSED_ROUND_SLUG = "summer-round"

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


@dataclass(frozen=True)
class DemoApplication:
    """One demo group's application and how far it has got."""

    email: str
    group: str
    contact: str
    texts: list[str]
    moves: tuple[str, ...] = ()  # staff moves after sending: check_eligibility, review, shortlist
    send: bool = True
    number: str = ""
    registered_with: str = ""
    needs: tuple[str, ...] = ()
    call_me: bool = False
    recording: bool = False  # the first answer given as an audio recording
    withdraw: bool = False
    review: tuple[int, str] | None = None  # (score for every criterion, recommendation)
    award: int = 0  # pounds
    decline: str = ""  # a DeclineReason
    description: str = ""  # an award's public line


OPEN_ROUND_APPLICATIONS = [
    DemoApplication(
        "hearing-voices-calder@example.org",
        "Calder Valley Hearing Voices",
        "Robin Ashworth",
        [
            "We meet every Thursday evening in the library in Hebden Bridge. About twelve people come each week, "
            "and new people find us through word of mouth and the GP surgery noticeboard.",
            "Room hire for a year, tea and biscuits, and bus fares for members who could not otherwise come.",
        ],
    ),
    DemoApplication(
        "peer-walks-swansea@example.org",
        "Swansea Peer Walks",
        "Ffion Davies",
        [
            "We organise gentle walks along the coast path, led by members who have been through crisis care. "
            "Walking side by side makes it easier to talk.",
            "Training for four new walk leaders and a first aid course.",
        ],
        moves=("check_eligibility",),
        number="1187654",
        registered_with="charity_ew",
        needs=("large_print",),
    ),
    DemoApplication(
        "survivors-art-bristol@example.org",
        "Bristol Survivors' Art Collective",
        "Jo Okafor",
        ["We run an open studio for survivors of the psychiatric system.", ""],
        send=False,
    ),
    DemoApplication(
        "mad-pride-manchester@example.org",
        "Manchester Mad Pride",
        "Kai Brennan",
        ["", "A summer festival day in the park: a stage, a tent for quiet time and travel for speakers."],
        moves=("check_eligibility", "review"),
        recording=True,
        needs=("bsl",),
        review=(4, "fund"),
    ),
    DemoApplication(
        "norfolk-survivors@example.org",
        "Norfolk Survivors' Network",
        "Alex Moore",
        [
            "A network of six small peer groups across the county, most of them in villages with no bus after six.",
            "Phone and internet bills, and petrol for the two volunteers who drive members to meetings.",
        ],
        moves=("check_eligibility", "review", "shortlist"),
        call_me=True,
        needs=("someone_to_help",),
        review=(5, "fund"),
    ),
    DemoApplication(
        "tyneside-peer-voices@example.org",
        "Tyneside Peer Voices",
        "Sam Lee",
        ["A new group for young adults who have used mental health services.", "Our first year of room hire."],
        withdraw=True,
    ),
]

# The closed round's groups: (address name, group, contact, about, spending, number, register,
# by call, by recording, award in pounds, reason not funded, the award's public line).
CLOSED_ROUND_GROUPS: list[tuple[str, str, str, str, str, str, str, bool, bool, int, str, str]] = [
    ("leeds-peer-support", "Leeds Peer Support Circle", "Dee Walsh", "A weekly peer support circle.",
     "Room hire and refreshments.", "", "", False, False, 480, "", "A year of weekly peer support meetings"),
    ("cardiff-survivors", "Cardiff Survivors Forum", "Owain Price", "A forum run by survivors.",
     "Running costs.", "1190001", "charity_ew", False, True, 2500, "", "Running costs for a survivor-led forum"),
    ("hull-hearing-voices", "Hull Hearing Voices", "Mo Ahmed", "A hearing voices group.",
     "Training new facilitators.", "", "", True, False, 1800, "", "Training for six new group facilitators"),
    ("derby-peer-art", "Derby Peer Art", "Lou Grant", "Art sessions run by members.",
     "Materials and a tutor.", "14500001", "company", False, False, 450, "", "Art materials for peer sessions"),
    ("york-mad-studies", "York Mad Studies Reading Group", "Ali Khan", "A reading group.",
     "Books and room hire.", "", "", False, False, 300, "", "Books and room hire for a reading group"),
    ("kent-crisis-cafe", "Kent Peer Crisis Café", "Bea Smith", "An evening café run by peers.",
     "Evening staffing.", "", "", False, False, 2400, "", "Peer volunteers' expenses for an evening café"),
    ("bath-walk-talk", "Bath Walk and Talk", "Cam Jones", "Walks for people in distress.",
     "A minibus.", "", "", False, False, 0, "oversubscribed", ""),
    ("exeter-voices", "Exeter Voices", "Dara Quinn", "A campaign group.",
     "Legal advice.", "", "", False, False, 0, "outside_criteria", ""),
    ("luton-peers", "Luton Peers Together", "Eli Ward", "A new peer group.",
     "Room hire.", "", "", False, True, 0, "oversubscribed", ""),
    ("stoke-survivors", "Stoke Survivors", "Fran Hill", "Survivors' meetings.",
     "Travel.", "", "", True, False, 0, "others_closer", ""),
    ("preston-peer-line", "Preston Peer Line", "Gus Hart", "A peer phone line.",
     "Phone bills.", "", "", False, False, 0, "oversubscribed", ""),
]  # fmt: skip

CLOSED_ROUND_APPLICATIONS = [
    DemoApplication(
        f"{slug}@example.org",
        group,
        contact,
        [about, spend],
        moves=("check_eligibility", "review", "shortlist") if award else ("check_eligibility", "review"),
        number=number,
        registered_with=registered_with,
        call_me=call_me,
        recording=recording,
        review=(4, "fund") if award else (2, "do_not_fund"),
        award=award,
        decline=decline,
        description=description,
    )
    for (
        slug,
        group,
        contact,
        about,
        spend,
        number,
        registered_with,
        call_me,
        recording,
        award,
        decline,
        description,
    ) in (CLOSED_ROUND_GROUPS)
]


def _decider() -> Any:
    """The demo's Grants officer, who moves, scores and decides the demo applications.

    Demo staff sign in as the demo administrator (``manage.py demo_staff``). This account has
    no password, so nobody signs in as it: it only names who acted in each history."""
    from django.contrib.auth.models import Group

    from chorus.accounts.models import User
    from chorus.accounts.roles import GRANTS_OFFICER

    user, created = User.objects.get_or_create(
        username="demo-grants-officer", defaults={"first_name": "Amira", "last_name": "Shah", "is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    user.groups.add(Group.objects.get(name=GRANTS_OFFICER.name))
    return User.objects.get(pk=user.pk)  # fresh, so its permissions are read again


def silent_wav(frames: int = 8000) -> bytes:
    """Silence as a WAV file (8,000 frames a second): a real recording, which plays on the
    staff page; the upload tests build theirs with it too."""
    stream = io.BytesIO()
    with wave.open(stream, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(bytes(frames * 2))
    return stream.getvalue()


def _silence() -> SimpleUploadedFile:
    return SimpleUploadedFile("our-answer.wav", silent_wav(), content_type="audio/x-wav")


def _applications(round_page: RoundPage, demo: list[DemoApplication], *, sent_at: datetime) -> int:
    """The round's demo applications, through the same services as the forms and staff screens,
    once: nothing is added if the round has any already."""
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
        application_withdraw,
    )
    from chorus.grants.services.call_answers import answers_enter_for_group
    from chorus.grants.services.decisions import Award, application_award, application_decline, application_move
    from chorus.grants.services.files import Accepts, answer_file_save, upload_check
    from chorus.grants.services.reviews import review_submit

    if Application.objects.filter(round=round_page).exists():
        return 0
    bands = list(round_page.bands.order_by("sort_order"))
    if not bands:
        return 0
    decider = _decider()
    criteria = [block.id for block in round_page.criteria]
    decided_at = datetime.combine(round_page.decision_date, time(11, 0), tzinfo=LONDON)
    for item in demo:
        band = bands[-1] if item.award > bands[0].up_to else bands[0]
        # The answers every group gives the same way: the amount, and the first option of a choice.
        amounts: dict[str, object] = {
            block.id: min(band.up_to, item.award or 480) for block in band.questions if block.block_type == "amount"
        }
        amounts.update(
            {
                block.id: [block.value["options"][0]] if block.value["more_than_one"] else block.value["options"][0]
                for block in band.questions
                if block.block_type == "choice"
            }
        )
        text_ids = [block.id for block in band.questions if block.block_type == "text"]
        application_link_request(round_page=round_page, email=item.email, now=sent_at)
        application = Application.objects.get(round=round_page, email_digest=email_index(item.email))
        application_save_about(
            application=application,
            about=AboutGroup(
                group_name=item.group,
                contact_name=item.contact,
                contact_phone="0113 496 0456" if item.call_me else "",
                is_registered=bool(item.number),
                registered_number=item.number,
                registered_with=item.registered_with,
            ),
        )
        application_save_band(application=application, band=band)
        if not item.call_me:
            values: dict[str, object] = dict(zip(text_ids, item.texts, strict=False))
            if item.send:  # the draft has not got as far as the amount
                values.update(amounts)
            answers_save(application=application, values=values)
        if item.recording and text_ids:
            checked = upload_check(upload=_silence(), accepts=Accepts.RECORDING)
            answer_file_save(application=application, question_id=text_ids[0], checked=checked)
        application_save_access(
            application=application,
            needs=list(item.needs),
            other="",
            call_me=item.call_me,
            call_times="Weekday mornings" if item.call_me else "",
        )
        if not item.send:
            continue
        application = application_submit(application=application, now=sent_at)
        if item.withdraw:
            application_withdraw(application=application, now=sent_at + timedelta(days=2))
            continue
        for move in item.moves:
            application = application_move(application=application, name=move, actor=decider)
        if item.call_me:
            typed: dict[str, object] = {**dict(zip(text_ids, item.texts, strict=False)), **amounts}
            answers_enter_for_group(application=application, values=typed, actor=decider)
        if item.review is not None and criteria:
            score, recommendation = item.review
            review_submit(
                application=application,
                reviewer=decider,
                scores=dict.fromkeys(criteria, score),
                comment="Clear about who the group is and what the money is for.",
                recommendation=recommendation,
            )
        if item.award:
            application_award(
                application=application,
                actor=decider,
                award=Award(
                    amount=item.award,
                    award_date=round_page.decision_date,
                    planned_start=round_page.payment_date,
                    planned_end=round_page.payment_date + timedelta(days=364),
                    description=item.description,
                ),
                message="We are glad to fund your group. The money will reach you by the payment date on this page.",
                now=decided_at,
            )
        elif item.decline:
            application_decline(
                application=application,
                actor=decider,
                reason=item.decline,
                message="Thank you for applying. We had more good applications than money this round, "
                "and we would welcome an application from you next time.",
                now=decided_at,
            )
    return len(demo)


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
            title="Summer round",
            summary="Our first round, now decided. What we funded, and why, is on the fund’s figures page.",
            # Decided some weeks before the demo is loaded: recent enough that the retention
            # rule (a year after a decision) has not erased the groups not funded.
            opens=_london(today - timedelta(days=160), 9),
            closes=_london(today - timedelta(days=120), 17),
        )
    )
    # The Grants officer's page permissions are granted per fund page (chorus.grants.permissions),
    # and the demo's Grants officer needs its role before it decides anything.
    roles_sync()
    open_round = RoundPage.objects.get(slug=OPEN_ROUND_SLUG)
    closed_round = RoundPage.objects.get(slug=CLOSED_ROUND_SLUG)
    applications = _applications(open_round, OPEN_ROUND_APPLICATIONS, sent_at=timezone.now())
    applications += _applications(
        closed_round, CLOSED_ROUND_APPLICATIONS, sent_at=closed_round.closes_at - timedelta(days=3)
    )
    organisation = OrganisationSettings.load()
    if not organisation.grants_prefix:
        # Publishes the demo's grants as 360Giving data; a real network uses the prefix 360Giving gives it.
        organisation.grants_prefix = "360G-chorusdemo"
        organisation.save(update_fields=["grants_prefix"])
    return f"fund at {fund.get_url()}; {created} round(s) added; {applications} application(s) added"
