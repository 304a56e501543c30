"""The weekly draft: items chosen by their own dates in the week's window, sections by priority area."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from chorus.bulletin.models import BulletinIndexPage, BulletinIssue, IssueStatus
from chorus.bulletin.services import drafts
from chorus.bulletin.tests.factories import make_index, make_issue
from chorus.core.digest import DigestItem
from chorus.core.sections import BULLETIN_DRAFT, Contribution
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site

pytestmark = pytest.mark.django_db

WINDOWS: list[tuple[datetime, datetime]] = []


def recording_source(*, since: datetime, until: datetime) -> list[DigestItem]:
    WINDOWS.append((since, until))
    from chorus.pages.models import PriorityAreaPage

    rights, data = PriorityAreaPage.objects.order_by("path")
    return [
        DigestItem(
            section="New from the network", title="Both", url="/news/both/", priority_area_ids=(data.pk, rights.pk)
        ),
        DigestItem(
            section="New from the network", title="Rights only", url="/news/r/", priority_area_ids=(rights.pk,)
        ),
        DigestItem(section="Closing soon", title="No area", url="/tracker/c/"),
    ]


@pytest.fixture
def only_the_recording_source() -> Iterator[None]:
    source = Contribution(name="test.recording", label="Recording", order=10, source=recording_source)
    with BULLETIN_DRAFT.replaced([source]):
        yield


@pytest.fixture
def areas() -> list[Any]:
    home = make_site()
    index = PriorityAreaIndexPageFactory(parent=home)
    make_index(home=home)
    return [PriorityAreaPageFactory(parent=index, title="Rights"), PriorityAreaPageFactory(parent=index, title="Data")]


@pytest.mark.usefixtures("only_the_recording_source")
def test_an_item_about_two_areas_is_in_both_sections_and_the_rest_is_for_everyone(areas: list[Any]) -> None:
    issue = drafts.issue_draft_assemble()
    assert issue is not None
    sections = [
        (block.value["heading"], block.value["priority_area"], [item["title"] for item in block.value["items"]])
        for block in issue.sections
    ]
    assert sections == [
        ("Rights", areas[0], ["Both", "Rights only"]),
        ("Data", areas[1], ["Both"]),
        ("Closing soon", None, ["No area"]),
    ]


@pytest.mark.usefixtures("only_the_recording_source")
def test_each_draft_starts_where_the_last_one_ended(areas: list[Any]) -> None:
    WINDOWS.clear()
    monday = timezone.make_aware(datetime(2026, 11, 23, 0, 20))
    # The last issue went out on Thursday, days after its draft was made on Monday: items
    # dated in between belong to the next draft, not to neither.
    sent = make_issue(BulletinIndexPage.objects.get(), slug="sent", status=IssueStatus.SENT)
    BulletinIssue.objects.filter(pk=sent.pk).update(
        period_end=monday, send_started_at=monday + timedelta(days=3, hours=9)
    )
    issue = drafts.issue_draft_assemble(now=monday + timedelta(days=7))
    assert issue is not None
    assert [(monday, monday + timedelta(days=7))] == WINDOWS
    assert (issue.period_start, issue.period_end) == (monday, monday + timedelta(days=7))


@pytest.mark.usefixtures("only_the_recording_source")
def test_without_an_earlier_draft_the_window_starts_at_the_last_send(areas: list[Any]) -> None:
    WINDOWS.clear()
    now = timezone.now()
    sent = make_issue(BulletinIndexPage.objects.get(), slug="sent", status=IssueStatus.SENT)
    BulletinIssue.objects.filter(pk=sent.pk).update(send_started_at=now - timedelta(days=5))
    drafts.issue_draft_assemble(now=now)
    assert [(now - timedelta(days=5), now)] == WINDOWS


def test_the_demo_draft_has_only_the_last_week_s_articles() -> None:
    # The demo once dated nothing but its pages' publication, all at load time, so the first
    # draft carried every article back to January 2025.
    from chorus.bulletin import demo as bulletin_demo
    from chorus.news import demo as news_demo
    from chorus.news.models import ArticlePage
    from chorus.pages import demo as pages_demo

    pages_demo.load()
    news_demo.load()
    bulletin_demo.load()
    now = timezone.now()
    issue = drafts.issue_draft_assemble(now=now)
    assert issue is not None and issue.period_start is not None
    news = {
        item["title"] for block in issue.sections for item in block.value["items"] if item["url"].startswith("/news/")
    }
    week = ArticlePage.objects.filter(
        date__gte=timezone.localdate(issue.period_start), date__lt=timezone.localdate(now)
    )
    assert news == set(week.values_list("title", flat=True))
    assert 1 <= len(news) < ArticlePage.objects.count() // 4
    # Each area's news is in that area's section, for the subscribers who chose it.
    for block in issue.sections:
        for item in (item for item in block.value["items"] if item["url"].startswith("/news/")):
            article = ArticlePage.objects.get(url_path__endswith=item["url"].removeprefix("/news"))
            assert block.value["priority_area"] in list(article.priority_areas.all())
