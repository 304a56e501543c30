"""Demo site tree. Content is written in our own words from the network's facts.

Every page is created only if a page with its slug is missing under its parent, so
running ``manage.py load_demo`` again changes nothing (and never undoes an editor's edits).
Slugs are stable: other apps' demos link to them.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from wagtail.models import Page, Site
from wagtail.rich_text import RichText

from chorus.core.sites import align_default_site
from chorus.pages.models import (
    AccessibilityStatementSettings,
    Coalition,
    CoalitionIndexPage,
    HelpNowSettings,
    HomePage,
    OrganisationSettings,
    PriorityAreaIndexPage,
    PriorityAreaPage,
    StandardPage,
)

# Stable slugs (URLs are /<slug>/ under the home page).
APPROACH_SLUG = "our-approach"
RESOURCES_SLUG = "resources"
PRIORITIES_SLUG = "priorities"
COALITIONS_SLUG = "coalitions"

HOME_INTRO = (
    "We are a network run by people with lived experience of mental distress and the "
    "grassroots groups they build. Together we push for mental-health policy that respects "
    "people's rights, and we back our members when they campaign for change."
)

HOME_APPROACH = (
    "<p>Policy on mental health, disability and human rights keeps changing. When it does, we "
    "explain what it means, write briefings, answer consultations and give evidence. We link "
    "up groups who share a cause and we help members run their own campaigns.</p>"
    "<p>We see distress as shaped by money, housing, racism, the benefits system and the state, "
    "not only by what happens inside one person. That is why our work is political and "
    "grounded in rights.</p>"
)

SPOTLIGHT_HEADING = "Member campaign spotlight: Stop Oxevision"
SPOTLIGHT_TEXT = (
    "Members of our network are campaigning against cameras and sensors that watch "
    "patients in their bedrooms on mental-health wards, day and night. Read their "
    "open letter and add your name."
)


def paragraph(html: str) -> tuple[str, RichText]:
    return ("paragraph", RichText(html))


def heading(text: str) -> tuple[str, str]:
    return ("heading", text)


def days_ago(days: int) -> datetime.date:
    """The date this many days before today (UK). Demo content is dated relative to when it is
    loaded, so it always looks like a living site's: recent months, and something this week."""
    return timezone.localdate() - datetime.timedelta(days=days)


def published_on(day: datetime.date, *, at: datetime.time = datetime.time(10, 30)) -> datetime.datetime:
    """A time (mid-morning unless told), UK time, on ``day``: when a demo page is taken to have been published."""
    return timezone.make_aware(datetime.datetime.combine(day, at))


def child_page[P: Page](parent: Page, slug: str, page: P) -> P:
    """The child with this slug, creating and publishing ``page`` only if it is missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        return existing.specific  # type: ignore[return-value]
    page.slug = slug
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


HOME_HEADING = "Policy and campaigns led by people with lived experience"


def ensure_home() -> HomePage:
    """The demo home page as the default site's root, replacing Wagtail's welcome page."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            # The page's heading says what the network does; the browser tab shows the
            # organisation's name (OrganisationSettings), not this.
            title=HOME_HEADING,
            slug="chorus",
            intro=HOME_INTRO,
            approach=HOME_APPROACH,
            spotlight_heading=SPOTLIGHT_HEADING,
            spotlight_text=SPOTLIGHT_TEXT,
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Chorus")
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.save()
        if old_root.depth == 2 and old_root.specific_class is Page:
            old_root.delete()  # Wagtail's "Welcome" placeholder
    # The sitemap and feeds build page links from the Site, so it takes SITE_URL's address.
    align_default_site()
    return home


APPROACH_BODY = [
    heading("Rights first, and political"),
    paragraph(
        "<p>We start from human rights and social justice. Distress and trauma are often "
        "caused or made worse by poverty, poor housing, racism, insecure work and harsh state "
        "systems. Policy that ignores this will keep failing people, so we say so.</p>"
    ),
    heading("Working together"),
    paragraph(
        "<p>Most of our work is done with others. We help members campaign on what matters to "
        "them, and we work inside coalitions of disabled people's organisations and "
        "rights groups, so that no one has to fight alone.</p>"
    ),
    heading("Inside and outside the system"),
    paragraph(
        "<p>Sometimes we sit at the table with government and the NHS, when that can move "
        "things forward. We never let that stop us from imagining something better: services "
        "and support designed by the communities they are for.</p>"
    ),
    heading("No single voice"),
    paragraph(
        "<p>We are often asked to be the lived experience voice in the room. We speak up for our "
        "members, but we do not speak for them. People who use services, and survivors of them, "
        "hold many different views, and we push back when involvement is only for show.</p>"
    ),
]

RESOURCES_BODY = [
    paragraph(
        "<p>Small, user-led groups do some of the most important work in mental health, often "
        "with little money and a lot of paperwork. These resources are for them.</p>"
    ),
    heading("Funding from us"),
    paragraph(
        "<p>We run small funding programmes for member groups. Applications are short, you can "
        "apply in writing, by audio or video, or ask us to call you, and we always tell you why "
        "we decided as we did.</p>"
    ),
    heading("Weekly members' bulletin"),
    paragraph(
        "<p>Every week we send members a round-up of policy news, consultations that are about "
        "to close, open letters to sign, funding and other chances to get involved.</p>"
    ),
    heading("Help with your campaign"),
    paragraph(
        "<p>If you are a member and you are working on a campaign or policy issue, we can help: "
        "we can share your work, co-sign, write a briefing, introduce you to coalitions or help "
        "you reach Parliament. You can also tell us about a policy issue we should look at.</p>"
    ),
    heading("Guides you can use"),
    paragraph(
        "<p>Practical guides for small groups, starting with how to answer a government "
        'consultation: <a href="/news/?kind=resource">read our guides in News and briefings</a>.</p>'
    ),
]

# (slug, title, summary, focus points [(title, text)], body paragraphs)
PRIORITY_AREAS: list[tuple[str, str, str, list[tuple[str, str]], list[str]]] = [
    (
        "challenging-poor-care",
        "Challenging poor mental health care",
        "We call out care that harms people and push for real choice in how people are supported.",
        [
            (
                "Abuse, neglect and coercion",
                "Naming and resisting abuse, neglect and force in mental-health services, including "
                "the harm done when services are starved of money.",
            ),
            (
                "Choice and many kinds of support",
                "Arguing for a range of responses to distress and trauma, so people can choose what helps them.",
            ),
            (
                "Distress is not a crime",
                "Opposing police involvement in health care and the treatment of distress as "
                "criminal, and keeping watch on new laws that touch mental health.",
            ),
            (
                "Ableism and sanism",
                "Challenging prejudice against disabled people and people seen as mad, in services "
                "and everywhere else.",
            ),
        ],
        [
            "<p>Examples of our work here: backing the StopSIM coalition, answering the "
            "Metropolitan Police's decision to stop going to many mental-health calls, writing "
            "about abuse in services and warning about private detention.</p>"
        ],
    ),
    (
        "political-responses",
        "Political responses to mental health",
        "Distress has causes in the world around us. We push back on policy that treats it as "
        "a private, personal failing.",
        [
            (
                "Structures that harm",
                "The cost of living, cuts, a punishing benefits system, insecure work and housing, "
                "prisons and immigration control all damage mental health.",
            ),
            (
                "Racism",
                "Challenging racism in mental-health services and the unequal way the Mental Health Act is used.",
            ),
            (
                "New laws and policy",
                "Answering new legislation and policy that affects people with mental-health problems.",
            ),
            (
                "Trans people's mental health",
                "Opposing transphobia in health care and beyond, and the harm it does to trans and non-binary people.",
            ),
        ],
        [
            "<p>Examples of our work here: our letter to the Health Secretary, our response on the "
            "10 Year Health Plan, our work on reform of the Mental Health Act, and joint work with "
            "disability coalitions on changes to PIP and the Work Capability Assessment.</p>"
        ],
    ),
    (
        "surveillance-and-data",
        "Surveillance and data sharing in mental health",
        "People in distress should not be watched, tracked or reported on without good reason and their agreement.",
        [
            (
                "Surveillance in services",
                "Data sharing and monitoring in NHS services: in A&E, in safeguarding and on inpatient wards.",
            ),
            (
                "Technology and patient rights",
                "Privacy and rights when new technology arrives in mental-health care.",
            ),
            (
                "NHS and Home Office",
                "Sharing of patients' data with immigration enforcement under the hostile environment.",
            ),
            (
                "Reporting demands on small groups",
                "Funders asking grassroots groups to collect and hand over more about the people "
                "they support than they need.",
            ),
        ],
        [
            "<p>Examples of our work here: hosting the open letter against blanket camera "
            "monitoring on wards, written evidence to the Joint Committee on Human Rights, and "
            "opposing new powers for the DWP to look into people's bank accounts.</p>"
        ],
    ),
    (
        "resourcing-grassroots-groups",
        "Resourcing grassroots groups",
        "User-led groups are kept on a shoestring. We work to change how they are funded and treated.",
        [
            (
                "Fairer funding",
                "Persuading funders to offer routes that small and user-led groups can actually use.",
            ),
            (
                "Less red tape",
                "Challenging rigid processes, including safeguarding rules that do not keep anyone safer.",
            ),
            (
                "Real partnership",
                "Pushing back on co-production that takes from groups without sharing power or money.",
            ),
        ],
        [
            "<p>Examples of our work here: research on how funders' habits affect small groups, "
            "our own grants for member groups, the weekly members' bulletin, and our Mental "
            "Health and Migrant Justice Networking Space.</p>"
        ],
    ),
]

# (slug, name, description, our role, url)
COALITIONS: list[tuple[str, str, str, str, str]] = [
    (
        "dpo-forum",
        "The Disabled People's Organisation Forum",
        "A forum where organisations run by disabled people meet to share news and act together on national policy.",
        "We take part as a user-led mental-health network and bring our members' concerns to the table.",
        "",
    ),
    (
        "disability-benefits-consortium",
        "The Disability Benefits Consortium",
        "A large group of charities and disabled people's organisations working on the benefits system.",
        "We add a mental-health view to joint responses on PIP, Universal Credit and work assessments.",
        "",
    ),
    (
        "disability-and-migration-network",
        "The Disability and Migration Network",
        "A network on the rights of disabled people who are migrants, refugees or seeking asylum.",
        "We focus on access to care and on keeping NHS records away from immigration enforcement.",
        "",
    ),
    (
        "campaign-for-disability-justice",
        "Campaign for Disability Justice",
        "A campaign by disabled people and allies for justice, not charity, in public policy.",
        "We sign joint statements and share the campaign's calls with our members.",
        "",
    ),
    (
        "equally-ours",
        "The Equally Ours Network",
        "A network of organisations that make the case for human rights in everyday life.",
        "We bring examples from mental-health services to show why human rights law matters.",
        "",
    ),
]


def load_coalitions() -> int:
    created = 0
    for order, (slug, name, description, our_role, url) in enumerate(COALITIONS):
        _, was_created = Coalition.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "our_role": our_role,
                "url": url,
                "sort_order": order,
            },
        )
        created += int(was_created)
    return created


# Made-up registration details: the demo shows where real ones appear.
DEMO_ORGANISATION = {
    "charity_number": "1234567 (demo)",
    "company_number": "07654321 (demo)",
    "registered_address": "Unit 4, Example Works\n1 Sample Street\nLeeds LS1 1AA",
    "contact_email": "hello@chorus.example",
}


def load_settings() -> None:
    """The organisation, "Need help now?" and accessibility statement, with their default wording
    and the demo's registration details; a field an editor has filled in is left alone."""
    organisation = OrganisationSettings.load()
    blank = {field: value for field, value in DEMO_ORGANISATION.items() if not getattr(organisation, field)}
    for field, value in blank.items():
        setattr(organisation, field, value)
    if blank:
        organisation.save(update_fields=list(blank))
    HelpNowSettings.load()
    AccessibilityStatementSettings.load()


def fill_home(home: HomePage) -> None:
    """Give a home page made before the demo text existed its text, once."""
    if home.approach:
        return
    home.intro = HOME_INTRO
    home.approach = HOME_APPROACH
    home.spotlight_heading = home.spotlight_heading or SPOTLIGHT_HEADING
    home.spotlight_text = home.spotlight_text or SPOTLIGHT_TEXT
    home.save_revision().publish()


def load() -> str:
    home = ensure_home()
    fill_home(home)
    load_settings()
    child_page(
        home,
        APPROACH_SLUG,
        StandardPage(
            title="Our approach",
            intro="How we work on policy and campaigns, and what we will and will not do.",
            body=APPROACH_BODY,
            show_in_menus=True,
        ),
    )
    priorities = child_page(
        home,
        PRIORITIES_SLUG,
        PriorityAreaIndexPage(
            title="Our priorities",
            intro="We take on any work that moves towards rights-based, nuanced responses to "
            "mental health. For now, these four areas come first.",
            show_in_menus=True,
        ),
    )
    for slug, title, summary, focus_points, body in PRIORITY_AREAS:
        child_page(
            priorities,
            slug,
            PriorityAreaPage(
                title=title,
                summary=summary,
                focus_points=[("focus_point", {"title": t, "text": text}) for t, text in focus_points],
                body=[paragraph(html) for html in body],
            ),
        )
    coalitions_created = load_coalitions()
    child_page(
        home,
        COALITIONS_SLUG,
        CoalitionIndexPage(
            title="Coalitions",
            intro="We are stronger with others. These are the coalitions and networks we belong to.",
            show_in_menus=True,
        ),
    )
    child_page(
        home,
        RESOURCES_SLUG,
        StandardPage(
            title="Resources for grassroots groups",
            intro="Funding, news and practical help for user-led groups working on mental health.",
            body=RESOURCES_BODY,
            show_in_menus=True,
        ),
    )
    return f"site tree ready ({coalitions_created} coalitions added)"
