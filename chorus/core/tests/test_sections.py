"""The sections registry: each app registers what it adds to pages it does not own, checked at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.http import HttpRequest
from django.test import RequestFactory
from wagtail.models import Page

from chorus.core.checks import section_errors
from chorus.core.digest import DigestItem
from chorus.core.sections import (
    BULLETIN_DRAFT,
    DEMO_CONTENT,
    HOME_PAGE,
    PLACES,
    PRIORITY_AREA_PAGE,
    SPOTLIGHT_COMPANIONS,
    Contribution,
    PageSection,
    Place,
    page_sections,
)


def shown(*, request: HttpRequest, page: Page) -> Mapping[str, Any] | None:
    return {"words": "here"}


def hidden(*, request: HttpRequest, page: Page) -> Mapping[str, Any] | None:
    return None


def items(*, since: datetime, until: datetime) -> list[DigestItem]:
    return []


def takes_something_else(*, when: datetime) -> list[DigestItem]:
    return []


def test_each_app_registers_its_sections_in_ready_in_order() -> None:
    assert [c.name for c in HOME_PAGE.contributions()] == [
        "pages.spotlight",
        "pages.priority_areas",
        "news.latest_articles",
        "bulletin.subscribe",
        "pages.coalitions",
    ]
    assert [c.name for c in PRIORITY_AREA_PAGE.contributions()] == [
        "campaigns.area_actions",
        "news.area_articles",
        "tracker.area_open_items",
    ]
    assert [c.name for c in SPOTLIGHT_COMPANIONS.contributions()] == ["campaigns.actions_alongside"]
    assert [c.name for c in BULLETIN_DRAFT.contributions()] == [
        "news.new_articles",
        "campaigns.open_actions",
        "tracker.closing_soon",
        "grants.open_rounds",
    ]
    # Pages first: every other demo hangs its pages under the home page it makes; MPs and
    # postcodes before campaigns, whose demo letters go to them.
    assert [c.name for c in DEMO_CONTENT.contributions()] == [
        "pages",
        "representatives",
        "news",
        "tracker",
        "campaigns",
        "support",
        "bulletin",
        "grants",
    ]


def test_what_the_apps_registered_passes_the_start_up_check() -> None:
    assert section_errors(PLACES) == []


def test_the_draft_sources_are_no_longer_a_setting() -> None:
    # A dotted string in settings failed only when the draft was assembled, a week later.
    assert not hasattr(settings, "BULLETIN_DRAFT_SOURCES")


def test_registering_again_adds_nothing_and_order_then_name_decide() -> None:
    place: Place[PageSection] = Place("test page", keywords=("request", "page"), takes_templates=True)
    place.register(shown, name="b", label="B", order=10, template="t.html")
    place.register(shown, name="b", label="B", order=10, template="t.html")  # ready() run twice
    place.register(hidden, name="a", label="A", order=10, template="t.html")
    place.register(shown, name="c", label="C", order=5, template="t.html")
    assert [c.name for c in place.contributions()] == ["c", "a", "b"]


def test_replaced_uses_only_the_given_contributions_then_restores() -> None:
    before = HOME_PAGE.contributions()
    with HOME_PAGE.replaced([Contribution(name="x", label="X", order=1, source=shown, template="t.html")]):
        assert [c.name for c in HOME_PAGE.contributions()] == ["x"]
    assert HOME_PAGE.contributions() == before


@pytest.mark.django_db
def test_a_section_with_nothing_to_show_is_left_out() -> None:
    place: Place[PageSection] = Place("test page", keywords=("request", "page"), takes_templates=True)
    place.register(hidden, name="hidden", label="Hidden", order=1, template="hidden.html")
    place.register(shown, name="shown", label="Shown", order=2, template="shown.html", head_template="head.html")
    result = page_sections(place, request=RequestFactory().get("/"), page=Page())
    assert [(s.name, s.template, s.head_template, dict(s.data)) for s in result] == [
        ("shown", "shown.html", "head.html", {"words": "here"})
    ]


def test_the_check_names_each_mistake() -> None:
    page_place: Place[Any] = Place("test page", keywords=("request", "page"), takes_templates=True)
    page_place.register(shown, name="twice", label="", order=1, template="pages/sections/coalitions.html")
    page_place.register(hidden, name="twice", label="", order=2, template="pages/sections/coalitions.html")
    page_place.register(shown, name="no-template", label="", order=3)
    page_place.register(shown, name="missing", label="", order=4, template="nowhere/at_all.html")
    page_place.register(shown, name="half", label="", order="5", template="pages/sections/coalitions.html")
    draft_place: Place[Any] = Place("test draft", keywords=("since", "until"))
    draft_place.register(items, name="fine", label="", order=1)
    draft_place.register(takes_something_else, name="wrong-arguments", label="", order=2)
    draft_place.register("chorus.news.selectors.bulletin_items", name="a-string", label="", order=3)
    draft_place.register(items, name="with-template", label="", order=4, template="pages/sections/coalitions.html")

    errors = section_errors([page_place, draft_place])
    by_id = sorted((error.id or "", error.msg) for error in errors)
    assert [error_id for error_id, _ in by_id] == [
        "core.E101",
        "core.E102",
        "core.E102",
        "core.E103",
        "core.E104",
        "core.E104",
        "core.E105",
    ]
    messages = "\n".join(message for _, message in by_id)
    assert "2 contributions named 'twice'" in messages
    assert "'wrong-arguments'" in messages and "since, until" in messages
    assert "'a-string'" in messages
    assert "'half' has the order '5'" in messages
    assert "'no-template' names no template" in messages
    assert "'with-template' names a template" in messages
    assert "'nowhere/at_all.html', which does not exist" in messages


@pytest.mark.django_db
def test_a_broken_registration_stops_start_up() -> None:
    broken = Contribution(name="news.latest_articles", label="", order=30, source=items, template="missing.html")
    with HOME_PAGE.replaced([*HOME_PAGE.contributions(), broken]), pytest.raises(SystemCheckError) as raised:
        call_command("check")
    assert "core.E101" in str(raised.value) and "core.E102" in str(raised.value)
    assert "core.E105" in str(raised.value)
