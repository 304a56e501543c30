"""Demo articles: the kinds of policy work the network does, in our own words.

Articles are created only when their slug is missing, so loading twice changes nothing.
Slugs are stable: other apps' demos (campaigns, tracker, bulletin) link to them as
``/news/<slug>/``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from wagtail.rich_text import RichText

from chorus.news.models import ArticleIndexPage, ArticleKind, ArticlePage
from chorus.pages.blocks import picture_sentences
from chorus.pages.demo import child_page, days_ago, ensure_home, published_on
from chorus.pages.demo_banners import demo_banner
from chorus.pages.models import Coalition, PriorityAreaPage

NEWS_SLUG = "news"

# Slugs other demos may link to.
CONSULTATION_RESPONSE_SLUG = "response-10-year-health-plan"
WRITTEN_EVIDENCE_SLUG = "evidence-human-rights-in-care-settings"
OPEN_LETTER_SLUG = "open-letter-end-blanket-surveillance-on-wards"
STATEMENT_POLICE_SLUG = "statement-police-and-mental-health-calls"
ANALYSIS_STRATEGY_SLUG = "analysis-major-conditions-strategy"


@dataclass(frozen=True)
class DemoArticle:
    slug: str
    kind: ArticleKind
    # Dated this many days before the demo is loaded: realistic past dates spread over recent
    # months, whenever it is loaded, so the bulletin's weekly draft finds only the last week's.
    days_ago: int
    title: str
    summary: str
    body: list[str]  # HTML paragraphs; a string starting with "## " is a heading
    areas: list[str] = field(default_factory=list)  # priority area slugs
    coalitions: list[str] = field(default_factory=list)  # coalition slugs
    easy_read: list[tuple[str, str]] = field(default_factory=list)  # (symbol name, sentence)


# Articles that carry a picture: an abstract banner (its title, and which of the drawings it is).
# Only decoration, so marked as such: the article's words say everything.
BANNERS = {
    STATEMENT_POLICE_SLUG: ("Demo banner: soft circles, calm", 1),
    ANALYSIS_STRATEGY_SLUG: ("Demo banner: soft circles, open", 2),
}


def _stream(parts: list[str]) -> list[tuple[str, object]]:
    return [("heading", part[3:]) if part.startswith("## ") else ("paragraph", RichText(part)) for part in parts]


ARTICLES = [
    DemoArticle(
        slug=CONSULTATION_RESPONSE_SLUG,
        kind=ArticleKind.CONSULTATION_RESPONSE,
        days_ago=330,
        title="Our response to the 10 Year Health Plan consultation",
        summary="We told the government that a plan for the NHS must take mental health seriously: "
        "less force, more choice, and action on the poverty that makes people ill.",
        body=[
            "<p>The government asked the public what should go into its 10 Year Health Plan. We "
            "asked our members what they wanted to say, and built our answer around it.</p>",
            "## What we asked for",
            "<ul><li>Cut the use of restraint, seclusion and detention, and publish the numbers.</li>"
            "<li>Fund community and peer support, not only hospital beds.</li>"
            "<li>Treat housing, income and debt as health issues.</li>"
            "<li>Never use health data for immigration control or benefit checks.</li></ul>",
            "## What happens next",
            "<p>We will read the final plan closely and report back to members on what changed.</p>",
        ],
        areas=["political-responses", "challenging-poor-care"],
        easy_read=[
            ("government", "The government is making a plan for the NHS."),
            ("plan", "The plan is for the next 10 years."),
            ("question", "The government asked people what they think."),
            ("stop", "We said: stop using force on people in mental health care."),
            ("home", "We said: help people where they live."),
            ("private", "We said: keep health records private."),
        ],
    ),
    DemoArticle(
        slug="letter-to-the-health-secretary",
        kind=ArticleKind.OPEN_LETTER,
        days_ago=305,
        title="Our letter to the new Health and Social Care Secretary",
        summary="We wrote to the Health Secretary setting out the issues our members care about most, "
        "and asked for a meeting.",
        body=[
            "<p>A new government is a chance to change course. Our letter lists four concerns: "
            "coercion in services, the link between poverty and distress, surveillance of "
            "patients, and the lack of money for user-led groups.</p>",
            "<p>We asked the Secretary of State to meet members with lived experience, not only "
            "large charities and professional bodies.</p>",
        ],
        areas=["political-responses"],
    ),
    DemoArticle(
        slug=OPEN_LETTER_SLUG,
        kind=ArticleKind.OPEN_LETTER,
        days_ago=280,
        title="Open letter: end blanket camera surveillance on mental-health wards",
        summary="With Stop Oxevision, we are hosting an open letter asking NHS England to halt the "
        "roll-out of systems that watch patients in their bedrooms.",
        body=[
            "<p>On some wards, cameras and sensors monitor patients in their bedrooms around the "
            "clock. Many patients were never asked, and some did not know it was happening.</p>",
            "<p>Being watched while you sleep, dress or cry is not care. It can make people feel "
            "less safe, and it can replace the human contact that helps people recover.</p>",
            "## What the letter asks",
            "<p>The letter asks NHS England to pause the roll-out, to publish an independent review, "
            "and to make sure no patient is monitored in their room without freely given consent.</p>",
            "<p>Individuals and organisations can sign. Organisations are listed first.</p>",
        ],
        areas=["surveillance-and-data"],
        coalitions=["campaign-for-disability-justice"],
        easy_read=[
            ("camera", "Some hospitals use cameras to watch people in their bedrooms."),
            ("night", "This happens all day and all night."),
            ("question", "Many people were not asked if this was OK."),
            ("no", "We think this is wrong."),
            ("letter", "We wrote a letter to NHS England to ask them to stop."),
            ("pen", "You can sign the letter too."),
        ],
    ),
    DemoArticle(
        slug=STATEMENT_POLICE_SLUG,
        kind=ArticleKind.STATEMENT,
        days_ago=250,
        title="Statement: police pulling back from mental-health calls",
        summary="The Metropolitan Police says officers will stop going to most calls about mental "
        "health. Fewer police in crisis care could be good, but only if real help takes their place.",
        body=[
            "<p>We have long said that police are the wrong people to meet someone in crisis. "
            "Handcuffs, police cells and the threat of force make distress worse, and Black "
            "people are far more likely to be harmed.</p>",
            "<p>But stepping back is not enough on its own. If no one else comes, people will be "
            "left without help. The NHS and councils need money and staff for crisis support "
            "led by people who understand distress.</p>",
            "## Our asks",
            "<ul><li>Crisis teams that answer quickly, day and night.</li>"
            "<li>Peer-led crisis houses as an option, not only A&amp;E.</li>"
            "<li>Published data on what happens to calls the police no longer attend.</li></ul>",
        ],
        areas=["challenging-poor-care"],
        easy_read=[
            ("police", "The police in London will not go to most calls about mental health."),
            ("worried", "Police can make a crisis feel worse."),
            ("support", "But people still need help."),
            ("health-worker", "We want the NHS to send the right people quickly."),
        ],
    ),
    DemoArticle(
        slug=WRITTEN_EVIDENCE_SLUG,
        kind=ArticleKind.WRITTEN_EVIDENCE,
        days_ago=225,
        title="Written evidence to the Joint Committee on Human Rights: human rights in care settings",
        summary="Our evidence to Parliament's human rights committee on how people's rights are put at "
        "risk in mental-health wards and other care settings.",
        body=[
            "<p>The Joint Committee on Human Rights asked how well the rights of people in care "
            "settings are protected. We gathered what members told us and sent written evidence.</p>",
            "## Our main points",
            "<ul><li>Constant monitoring in bedrooms interferes with the right to private life.</li>"
            "<li>Restraint and seclusion are still used too often, and unequally.</li>"
            "<li>People are moved far from home, away from family and friends.</li>"
            "<li>Complaints are hard to make and rarely change anything.</li></ul>",
            "<p>We asked the committee to recommend a legal limit on surveillance in care and an "
            "independent route for complaints.</p>",
        ],
        areas=["surveillance-and-data", "challenging-poor-care"],
        coalitions=["equally-ours"],
    ),
    DemoArticle(
        slug="no-to-nhs-home-office-data-sharing",
        kind=ArticleKind.STATEMENT,
        days_ago=200,
        title="We reject plans to pass more NHS patient data to the Home Office",
        summary="Plans to pass more patient details to immigration enforcement will keep people "
        "away from care. We have joined partners in saying no.",
        body=[
            "<p>When people fear that seeing a doctor could lead to detention or removal, they stop "
            "seeking help. That is true for physical health and even more so for mental health.</p>",
            "<p>With the Disability and Migration Network we have told ministers that health data "
            "must stay with the NHS, and that a firewall between care and immigration control is "
            "the only way to keep trust.</p>",
        ],
        areas=["surveillance-and-data", "political-responses"],
        coalitions=["disability-and-migration-network"],
        easy_read=[
            ("government", "The government wants the NHS to share more about patients."),
            ("document", "It wants to share them with the Home Office."),
            ("place", "The Home Office decides who can stay in the UK."),
            ("worried", "People may stop going to the doctor because they are scared."),
            ("no", "We say no to this plan."),
        ],
    ),
    DemoArticle(
        slug="briefing-mental-health-act-reform",
        kind=ArticleKind.BRIEFING,
        days_ago=175,
        title="Briefing: where reform of the Mental Health Act has got to",
        summary="A plain guide to the changes to the Mental Health Act, what they will and will not "
        "do, and where members can still have a say.",
        body=[
            "<p>The Mental Health Act decides when people can be detained and treated without "
            "their agreement. Reform has been promised for years. This briefing sets out the "
            "main changes.</p>",
            "## What changes",
            "<p>The tests for detention become stricter, people get more say in their care "
            "plans, and autism and learning disability alone will no longer be grounds for "
            "long-term detention.</p>",
            "## What does not",
            "<p>The Act still allows force, and the gap in how often Black people are detained "
            "is not tackled head on. Community treatment orders stay.</p>",
        ],
        areas=["political-responses", "challenging-poor-care"],
    ),
    DemoArticle(
        slug=ANALYSIS_STRATEGY_SLUG,
        kind=ArticleKind.ANALYSIS,
        days_ago=150,
        title="Analysis: what the Major Conditions Strategy means for mental health",
        summary="We read the national strategy so members do not have to. Mental health is in it, but "
        "the causes of distress are mostly missing.",
        body=[
            "<p>The strategy groups mental illness with cancer, heart disease and other long-term "
            "conditions. That could bring money and attention. It could also squeeze distress into "
            "a medical model that ignores people's lives.</p>",
            "## Good signs",
            "<p>Joined-up care for people with more than one condition, and some talk of prevention.</p>",
            "## Gaps",
            "<p>Almost nothing on poverty, housing, racism or the benefits system, and no role for "
            "user-led groups in shaping services.</p>",
        ],
        areas=["political-responses"],
        coalitions=["dpo-forum"],
    ),
    DemoArticle(
        slug="pip-and-work-capability-changes",
        kind=ArticleKind.CONSULTATION_RESPONSE,
        days_ago=125,
        title="Joint response: proposed changes to PIP and the Work Capability Assessment",
        summary="With the Disability Benefits Consortium, we answered plans to tighten disability "
        "benefits. The changes would push many people with mental-health problems into hardship.",
        body=[
            "<p>Stress about money and fear of losing benefits are among the things our members "
            "raise most often. Tougher tests will make this worse.</p>",
            "<p>Our joint response asks the government to drop the planned changes, to involve "
            "disabled people in designing any new system, and to stop sanctions for people in "
            "crisis.</p>",
        ],
        areas=["political-responses"],
        coalitions=["disability-benefits-consortium", "campaign-for-disability-justice"],
    ),
    DemoArticle(
        slug="dwp-bank-account-powers",
        kind=ArticleKind.NEWS,
        days_ago=100,
        title="Why we oppose new powers for the DWP to check bank accounts",
        summary="A bill would let the DWP ask banks to scan the accounts of people on benefits. We "
        "have joined disabled people's organisations in opposing it.",
        body=[
            "<p>Being watched by the benefits system is already a source of fear for many "
            "disabled people. Automatic checks on bank accounts would add to it, and mistakes would "
            "fall hardest on people least able to challenge them.</p>",
            "<p>We are asking MPs to remove these powers from the bill.</p>",
        ],
        areas=["surveillance-and-data", "political-responses"],
        coalitions=["disability-benefits-consortium"],
    ),
    DemoArticle(
        slug="trans-healthcare-open-letter",
        kind=ArticleKind.OPEN_LETTER,
        days_ago=80,
        title="Open letter: trans people deserve safe and equal health care",
        summary="We coordinated a letter, signed by groups across the network, opposing health "
        "policy that shuts trans and non-binary people out of care.",
        body=[
            "<p>Trans and non-binary people tell us they are facing more hostility, including in "
            "health services. This is harming their mental health.</p>",
            "<p>The letter asks health bodies to protect access to care, to involve trans people in "
            "any decisions about them, and to act on discrimination in services.</p>",
        ],
        areas=["political-responses"],
    ),
    DemoArticle(
        slug="research-funders-and-grassroots-groups",
        kind=ArticleKind.RESEARCH,
        days_ago=60,
        title="Research: how funders' practice affects grassroots groups",
        summary="We asked user-led groups what it is like to apply for and report on funding. Short "
        "grants and heavy reporting came up again and again.",
        body=[
            "<p>We spoke to groups across the country. Many spend more time on forms than on their "
            "work, and some are asked to collect personal details they do not need.</p>",
            "## What funders can do",
            "<ul><li>Offer longer grants with fewer conditions.</li>"
            "<li>Accept applications by audio, video or a call.</li>"
            "<li>Ask only for the information they will use.</li></ul>",
        ],
        areas=["resourcing-grassroots-groups", "surveillance-and-data"],
        easy_read=[
            ("group", "We talked to small groups about money from funders."),
            ("clock", "Groups said forms take too long."),
            ("document", "Groups said funders ask too many questions."),
            ("yes", "We want funders to make this easy."),
        ],
    ),
    DemoArticle(
        slug="open-letter-to-funders-migrant-justice",
        kind=ArticleKind.OPEN_LETTER,
        days_ago=40,
        title="Migrant justice groups write to funders: an open letter",
        summary="Groups in our Mental Health and Migrant Justice Networking Space wrote together to "
        "funders about what migrant-led mental-health work needs.",
        body=[
            "<p>Migrant-led groups support people through the asylum system, detention and "
            "destitution, often with no secure funding. The letter, written with the groups, asks "
            "funders for long-term core funding and trust.</p>",
        ],
        areas=["resourcing-grassroots-groups"],
        coalitions=["disability-and-migration-network"],
    ),
    DemoArticle(
        slug="private-detention-risks",
        kind=ArticleKind.ANALYSIS,
        days_ago=15,
        title="The risks of private detention in mental health",
        summary="More and more people are detained in privately run hospitals, often far from home. "
        "We look at what this means for their safety and rights.",
        body=[
            "<p>Private providers now run a large share of mental-health beds. Several have been "
            "criticised for abuse and poor care. Profit and detention are a dangerous mix.</p>",
            "<p>We want clear public records of who is detained where, and a plan to bring care back "
            "close to home.</p>",
        ],
        areas=["challenging-poor-care"],
    ),
    DemoArticle(
        slug="patient-photos-on-social-media",
        kind=ArticleKind.NEWS,
        days_ago=9,
        title="Members challenge health providers posting photos of patients online",
        summary="Members found a provider sharing pictures of patients on social media. We are "
        "supporting them to have the photos removed and the practice stopped.",
        body=[
            "<p>People in hospital are rarely in a position to say no to a photograph. Posting "
            "their pictures for publicity is a breach of privacy and dignity.</p>",
        ],
        areas=["surveillance-and-data"],
    ),
    DemoArticle(
        slug="guide-responding-to-a-consultation",
        kind=ArticleKind.RESOURCE,
        days_ago=2,
        title="A short guide to answering a government consultation",
        summary="You do not need to be an expert to answer a consultation. This guide shows how a "
        "small group can have its say in an afternoon.",
        body=[
            "## Before you start",
            "<p>Read the summary, not the whole document. Pick the two or three questions that "
            "matter most to your group.</p>",
            "## Writing your answer",
            "<p>Say who you are and why you care. Give a real example. Say clearly what you want to change.</p>",
            "## After you send it",
            "<p>Keep a copy, share it with us, and tell your members what you said.</p>",
        ],
        areas=["resourcing-grassroots-groups"],
        easy_read=[
            ("government", "The government often asks what people think."),
            ("people-together", "Anyone can answer."),
            ("yes", "Choose the questions that matter to you."),
            ("speaking-up", "Say what you want to change."),
        ],
    ),
]


def load() -> str:
    home = ensure_home()
    index = child_page(
        home,
        NEWS_SLUG,
        ArticleIndexPage(
            title="News and briefings",
            intro="Our responses, evidence, letters, statements and guides on mental-health policy.",
            show_in_menus=True,
        ),
    )
    areas = {area.slug: area for area in PriorityAreaPage.objects.all()}
    coalitions = {coalition.slug: coalition for coalition in Coalition.objects.all()}
    existing = set(index.get_children().values_list("slug", flat=True))
    created = 0
    for item in ARTICLES:
        if item.slug in existing:
            continue
        article = ArticlePage(
            title=item.title,
            slug=item.slug,
            kind=item.kind,
            date=days_ago(item.days_ago),
            summary=item.summary,
            body=_stream(item.body),
            easy_read_body=picture_sentences(*item.easy_read),
        )
        if item.slug in BANNERS:
            title, variation = BANNERS[item.slug]
            article.lead_image = demo_banner(title=title, variation=variation)
            article.lead_image_decorative = True
        article.priority_areas = [areas[slug] for slug in item.areas if slug in areas]
        article.coalitions = [coalitions[slug] for slug in item.coalitions if slug in coalitions]
        index.add_child(instance=article)
        article.save_revision().publish()
        # Published when it came out, not when the demo was loaded, as a real site's articles were.
        published = published_on(article.date)
        ArticlePage.objects.filter(pk=article.pk).update(first_published_at=published, last_published_at=published)
        created += 1
    return f"{created} articles added"
