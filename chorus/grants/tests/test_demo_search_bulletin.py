"""The demo fund loads once; funding pages are found by search; open rounds reach the bulletin draft."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone
from wagtail.models import GroupPagePermission

from chorus.accounts.roles import GRANTS_OFFICER
from chorus.core import sections
from chorus.grants import demo
from chorus.grants.choices import FileKind
from chorus.grants.models import Application, FundPage, RoundPage, RoundStatus
from chorus.grants.selectors import bulletin_items
from chorus.grants.services.bands import question_load_warnings
from chorus.grants.tests.factories import make_round
from chorus.grants.workflow import ApplicationStatus
from chorus.pages.tests.factories import make_site

pytestmark = pytest.mark.django_db


def test_the_demo_fund_loads_once_with_an_open_round_in_two_sizes_and_a_closed_round() -> None:
    make_site()
    first = demo.load()
    second = demo.load()

    assert first.endswith("2 round(s) added; 17 application(s) added")
    assert second.endswith("0 round(s) added; 0 application(s) added")
    fund = FundPage.objects.get()
    assert fund.title == "Grassroots Resilience Fund" and fund.live
    rounds = {r.slug: r for r in RoundPage.objects.child_of(fund).live()}
    assert set(rounds) == {demo.OPEN_ROUND_SLUG, demo.CLOSED_ROUND_SLUG}
    open_round, closed_round = rounds[demo.OPEN_ROUND_SLUG], rounds[demo.CLOSED_ROUND_SLUG]
    assert open_round.status() == RoundStatus.OPEN and closed_round.status() == RoundStatus.CLOSED
    bands = [(b.name, b.up_to) for b in open_round.bands.all()]
    assert bands == [("Small grants", 500), ("Larger grants", 2500)]
    # The demo practises what the editor preaches: small grants ask few questions.
    assert question_load_warnings((b.name, b.up_to, b.question_count) for b in open_round.bands.all()) == []
    assert len(open_round.eligibility_questions) == 3
    # The open round has an application in every state before a decision, a draft and a withdrawn one;
    # one answer is a recording and one group asked for a call, whose answers staff typed in.
    applications = Application.objects.filter(round=open_round)
    assert sorted(applications.values_list("status", flat=True)) == [
        "draft",
        "eligibility_check",
        "panel",
        "received",
        "under_review",
        "withdrawn",
    ]
    recorded = applications.get(files__kind=FileKind.AUDIO)
    assert recorded.status == ApplicationStatus.UNDER_REVIEW
    called = applications.get(call_me=True)
    assert called.answers.exists() and not called.answers.filter(entered_by_staff=False).exists()
    # The closed round is decided, every decision with a message and each refusal with a reason.
    decided = Application.objects.filter(round=closed_round)
    assert sorted(decided.values_list("status", flat=True)) == ["awarded"] * 6 + ["not_awarded"] * 5
    assert all(a.decision_message for a in decided)
    assert all(a.decision_reason for a in decided.filter(status=ApplicationStatus.NOT_AWARDED))
    assert all(a.amount_awarded and a.award_description for a in decided.filter(status=ApplicationStatus.AWARDED))
    # References are gap-free within each year.
    for year in (2025, timezone.localdate().year):
        numbers = sorted(Application.objects.filter(year=year).values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
    # The Grants officer can run the demo fund straight away.
    officers = Group.objects.get(name=GRANTS_OFFICER.name)
    assert GroupPagePermission.objects.filter(group=officers, page=fund, permission__codename="change_page").exists()


def test_the_demo_is_registered_to_load_with_the_rest() -> None:
    assert "grants" in {c.name for c in sections.DEMO_CONTENT.contributions()}


def test_search_finds_funds_and_rounds_by_their_summaries(search_index: None, client: Client, fund: FundPage) -> None:
    make_round(fund, title="Winter round", summary="Money for peer support over the winter months.")

    page = client.get("/search/?q=peer+support+winter").content.decode()

    assert "Winter round" in page
    assert "Funding round" in page
    assert "Grassroots Resilience Fund" in client.get("/search/?q=grassroots").content.decode()


def test_the_bulletin_draft_lists_rounds_open_when_it_goes_out_with_their_closing_dates(fund: FundPage) -> None:
    now = timezone.now()
    make_round(fund, title="Winter round", closes=now + timedelta(days=12))
    make_round(fund, title="Old round", opens=now - timedelta(days=90), closes=now - timedelta(days=30))
    make_round(fund, title="Next year", opens=now + timedelta(days=60), closes=now + timedelta(days=90))

    items = bulletin_items(since=now - timedelta(days=7), until=now)

    assert [item.title for item in items] == ["Grassroots Resilience Fund: Winter round"]
    assert items[0].section == "Funding rounds open now"
    assert "Closes " in items[0].summary and items[0].url.endswith("/winter-round/")
    assert "grants.open_rounds" in {c.name for c in sections.BULLETIN_DRAFT.contributions()}
