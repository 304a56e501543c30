"""Demo alerts and campaign-support requests, written in our own words. Idempotent.

Requests go through the real services (so references, clocks, history and audit are
as they would be), acted on by an inactive demo caseworker who cannot sign in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from chorus.accounts.models import User
from chorus.accounts.roles import CASEWORKER
from chorus.accounts.services import roles_sync
from chorus.pages.demo import ensure_home
from chorus.pages.models import PriorityAreaPage
from chorus.support.models import ApplicantType, ContactMethod, RequestKind, SupportPage, SupportRequest
from chorus.support.services.conversation import support_member_reply, support_message_send
from chorus.support.services.submission import Submission, support_request_submit
from chorus.support.services.transitions import support_request_transition

SUPPORT_SLUG = "get-support"
DEMO_CASEWORKER = "demo-caseworker"

# (priority area slug, where, where detail, what is happening)
ALERTS: list[tuple[str, str, str, str]] = [
    (
        "surveillance-and-data",
        "local",
        "A hospital trust in the Midlands",
        "The ward my friend is on has put motion sensors and a camera in every bedroom. Nobody asked the "
        "patients, and staff say they cannot switch it off at night.",
    ),
    (
        "surveillance-and-data",
        "uk",
        "",
        "A GP surgery letter says records may be passed to immigration enforcement if someone misses payments "
        "for hospital care. People in our group are now scared to book appointments.",
    ),
    (
        "challenging-poor-care",
        "local",
        "South London",
        "The police told our crisis café they will no longer come out to people in distress unless there is a "
        "crime. The café has two volunteers at night and nobody to call.",
    ),
    (
        "political-responses",
        "uk",
        "",
        "The new assessment form for disability benefits asks about 'motivation' in a way that makes it sound "
        "as if people choose to be unwell. Several members had their award cut after it.",
    ),
    (
        "political-responses",
        "uk",
        "",
        "There are reports the benefits department wants to look into claimants' bank accounts. People who "
        "get help from family to pay bills are worried they will be treated as fraudsters.",
    ),
    (
        "challenging-poor-care",
        "nation",
        "Wales",
        "A private hospital far from home is taking young people sectioned in Wales. Families are travelling "
        "hundreds of miles and visits keep being cancelled.",
    ),
    (
        "political-responses",
        "local",
        "Manchester",
        "Black men in our area are being detained under the Mental Health Act far more often than anyone else, "
        "and the local review of this was quietly dropped.",
    ),
    (
        "surveillance-and-data",
        "local",
        "A mental health trust in the North East",
        "The trust's social media account posted photos from a ward 'celebration' where patients' faces can "
        "be seen. One of them is a member of our group and did not agree to it.",
    ),
    (
        "resourcing-grassroots-groups",
        "uk",
        "",
        "A charity funder now wants names and diagnoses of everyone who comes to our peer group before it "
        "will release the grant. We think this is unsafe and unnecessary.",
    ),
    (
        "political-responses",
        "uk",
        "",
        "Trans members tell us a clinic has started refusing to refer them for therapy until they 'pause' "
        "their transition. This seems to be a new instruction.",
    ),
    (
        "challenging-poor-care",
        "local",
        "Kent",
        "The community mental health team has closed its waiting list. People are told to go to A&E if they "
        "get worse.",
    ),
    (
        "political-responses",
        "nation",
        "England",
        "Council tax support changes mean several members on sickness benefits will have to pay much more "
        "from April. Nobody consulted disabled people about it.",
    ),
    (
        "resourcing-grassroots-groups",
        "local",
        "Bristol",
        "Our local authority says user-led groups must have a full safeguarding officer to use its community "
        "rooms. Small groups like ours cannot afford one.",
    ),
    (
        "",
        "uk",
        "",
        "A new app for people waiting for therapy collects mood scores and location. The privacy notice says "
        "data can be shared with 'partners' but does not say who.",
    ),
    (
        "challenging-poor-care",
        "local",
        "Yorkshire",
        "Restraint on our local ward is being recorded as 'holding' so it does not show up in the figures.",
    ),
    (
        "surveillance-and-data",
        "uk",
        "",
        "The Mental Health Bill debate is next week and amendments on data sharing with the police are "
        "being tabled. Is anyone briefing MPs?",
    ),
]

# (priority area slug, applicant type, group name, campaign, help types, access needs)
CAMPAIGNS: list[tuple[str, str, str, str, list[str], str]] = [
    (
        "surveillance-and-data",
        "group",
        "Ward Watch",
        "We want our local trust to remove bedroom cameras from its acute wards and to publish how the "
        "footage is used.",
        ["amplify", "cosign", "media"],
        "Email only",
    ),
    (
        "resourcing-grassroots-groups",
        "group",
        "Peer Roots Collective",
        "We are asking our integrated care board to fund peer-led support groups on a three-year basis "
        "rather than yearly.",
        ["briefing", "funding"],
        "",
    ),
    (
        "political-responses",
        "individual",
        "",
        "I am collecting stories from people who lost their disability benefit after reassessment to send to my MP.",
        ["parliament", "briefing"],
        "Easy Read; A phone call",
    ),
    (
        "challenging-poor-care",
        "group",
        "Survivors Speak Out Leeds",
        "We are campaigning for a crisis house run by people with lived experience as an alternative to admission.",
        ["coalitions", "amplify"],
        "British Sign Language (BSL)",
    ),
    (
        "political-responses",
        "group",
        "Trans Minds Network",
        "We are drafting an open letter about trans people's access to talking therapies and want other "
        "organisations to sign it.",
        ["cosign", "amplify"],
        "",
    ),
    (
        "surveillance-and-data",
        "individual",
        "",
        "I want to find out, through freedom of information requests, which trusts share patient data with "
        "the police.",
        ["briefing", "coalitions"],
        "Large print",
    ),
    (
        "political-responses",
        "group",
        "Housing First Voices",
        "We are pushing the council to stop evicting people while they are in hospital under section.",
        ["parliament", "media"],
        "Contact at a time I name below; Weekday afternoons",
    ),
    (
        "resourcing-grassroots-groups",
        "group",
        "Black Wellbeing Circle",
        "We want funders in our city to accept reports by voice note or conversation instead of long forms.",
        ["coalitions", "funding", "other"],
        "",
    ),
    (
        "challenging-poor-care",
        "individual",
        "",
        "I am starting a petition for independent advocates on every ward at night.",
        ["amplify", "briefing"],
        "",
    ),
    (
        "",
        "group",
        "Coastal Peer Network",
        "We are planning a day of action about the closure of our town's only drop-in service.",
        ["media", "amplify", "other"],
        "Email only",
    ),
    (
        "political-responses",
        "group",
        "Migrants' Mental Health Alliance",
        "We want health services to stop asking about immigration status at the front desk.",
        ["parliament", "cosign", "coalitions"],
        "",
    ),
    (
        "surveillance-and-data",
        "individual",
        "",
        "I would like help writing to my trust about photos of patients used in their publicity.",
        ["briefing"],
        "A phone call",
    ),
]

STAFF_REPLIES = [
    "Thank you for telling us. Could you say roughly when this started, and whether anyone has complained?",
    "Thanks for getting in touch. We are checking whether other members have seen the same thing.",
    "We have added this to the briefing we are preparing and will let you know when it is published.",
]
MEMBER_REPLIES = [
    "It started about two months ago. A few people have complained but heard nothing back.",
    "Yes, three other people in our group have had the same letter.",
    "Thank you, that would really help.",
]
NOTES = [
    "Links to our work on ward surveillance; check with the campaigns team before replying.",
    "Possible case study for the consultation response, only with consent.",
]
# Status paths for the demo: a spread from brand new to closed.
PATHS: list[list[str]] = [
    [],
    ["acknowledge"],
    ["start"],
    ["acknowledge", "ask_member"],
    ["start", "resolve"],
    ["start", "refer"],
    ["decline"],
    ["acknowledge", "start"],
    ["start", "ask_member", "reply", "resolve"],
    ["withdraw"],
]


def _caseworker() -> User:
    if not Group.objects.filter(name=CASEWORKER.name).exists():
        roles_sync()
    user, created = User.objects.get_or_create(
        username=DEMO_CASEWORKER, defaults={"is_active": False, "email": "demo-caseworker@chorus.localhost"}
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=CASEWORKER.name))
    return user


def _support_page() -> SupportPage:
    home = ensure_home()
    existing = SupportPage.objects.first()
    if existing is not None:
        return existing
    page = SupportPage(
        title="Get support",
        slug=SUPPORT_SLUG,
        show_in_menus=True,
        intro="Tell us what is happening where you are, or ask us to back your campaign. "
        "You do not need an account, and you can stay anonymous.",
        alert_text="Seen a policy, decision or practice that harms people with experience of mental distress? "
        "Let us know. What members tell us decides what we work on.",
        campaign_text="Running a campaign on your own or with a user-led group? Ask for a briefing, "
        "a co-signature, introductions, media help and more.",
        privacy_text="What you tell us is encrypted and only read by our caseworkers. We never put it in "
        "an email. We delete it 12 months after your request is closed and keep only anonymous counts.",
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def _play(support_request: SupportRequest, path: list[str], actor: User, start: datetime, index: int) -> None:
    when = start
    latest = timezone.now() - timedelta(hours=1)
    for number, step in enumerate(path):
        # Two days between steps, never in the future.
        when = min(when + timedelta(days=2), latest)
        support_request.refresh_from_db()
        if step == "reply":
            support_member_reply(support_request=support_request, body=MEMBER_REPLIES[index % 3], now=when)
        elif step == "withdraw":
            support_request_transition(support_request=support_request, transition=step, by_member=True, now=when)
        else:
            support_request_transition(support_request=support_request, transition=step, actor=actor, now=when)
            if step in {"acknowledge", "ask_member"}:
                support_message_send(
                    support_request=support_request,
                    actor=actor,
                    body=STAFF_REPLIES[(index + number) % 3],
                    internal=False,
                    now=when,
                )
    if index % 4 == 0:
        support_message_send(
            support_request=support_request, actor=actor, body=NOTES[index % 2], internal=True, now=when
        )


def load() -> str:
    page = _support_page()
    if SupportRequest.objects.exists():
        return f"support page at {page.get_url()}; requests already present"
    actor = _caseworker()
    areas = {area.slug: area.pk for area in PriorityAreaPage.objects.all()}
    now = timezone.now()
    count = 0
    for index, (area, where, detail, text) in enumerate(ALERTS):
        start = now - timedelta(days=7 + index * 11)
        anonymous = index % 3 == 2
        support_request, _ = support_request_submit(
            submission=Submission(
                kind=RequestKind.ALERT,
                description=text,
                contact_method=ContactMethod.NONE if anonymous else ContactMethod.EMAIL,
                email="" if anonymous else f"member{index}@example.org",
                where_category=where,
                where_detail=detail,
                priority_area_id=areas.get(area),
                membership="I have lived experience of mental distress or trauma" if index % 2 else "",
            ),
            now=start,
        )
        path = [] if anonymous else PATHS[index % len(PATHS)]
        _play(support_request, path, actor, start, index)
        count += 1
    for index, (area, applicant, group, text, helps, access) in enumerate(CAMPAIGNS):
        start = now - timedelta(days=3 + index * 13)
        support_request, _ = support_request_submit(
            submission=Submission(
                kind=RequestKind.CAMPAIGN,
                description=text,
                contact_method=ContactMethod.EMAIL,
                email=f"campaigner{index}@example.org",
                applicant_type=applicant,
                group_name=group if applicant == ApplicantType.GROUP else "",
                help_types=tuple(helps),
                help_other="Help finding a room for a public meeting" if "other" in helps else "",
                priority_area_id=areas.get(area),
                access_needs=access,
            ),
            now=start,
        )
        _play(support_request, PATHS[(index + 3) % len(PATHS)], actor, start, index)
        count += 1
    return f"support page at {page.get_url()}; {count} requests"
