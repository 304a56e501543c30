"""The bulletin respects what people chose: each subscriber gets the sections for their topics
plus the sections for everyone; the web archive and the full edition have everything."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from chorus.bulletin import emails
from chorus.bulletin.editions import FULL, edition_sections
from chorus.bulletin.models import BulletinIndexPage, BulletinIssue, Delivery, IssueStatus
from chorus.bulletin.sending import run_worker
from chorus.bulletin.services import lifecycle, subscriptions
from chorus.bulletin.tests.factories import area_section, make_index, make_issue, make_subscriber
from chorus.core.tests.mime import mime_bodies, parse_mime
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from conftest import client_for

pytestmark = pytest.mark.django_db

GENERAL: list[tuple[str, Any]] = [
    (
        "section",
        {
            "heading": "Closing soon",
            "priority_area": None,
            "intro": "",
            "items": [{"title": "A consultation on care", "url": "/tracker/care/", "summary": ""}],
        },
    ),
    ("message", {"heading": "Meet us", "text": "Our open meeting is on Tuesday."}),
]


@pytest.fixture
def areas() -> dict[str, Any]:
    home = make_site()
    index = PriorityAreaIndexPageFactory(parent=home)
    make_index(home=home)
    return {
        "rights": PriorityAreaPageFactory(parent=index, title="Rights and dignity"),
        "surveillance": PriorityAreaPageFactory(parent=index, title="Surveillance"),
        "funding": PriorityAreaPageFactory(parent=index, title="Funding groups"),
    }


def four_sections(areas: dict[str, Any], **kwargs: Any) -> BulletinIssue:
    return make_issue(
        BulletinIndexPage.objects.get(),
        sections=[
            area_section(areas["rights"], [("Rights briefing", "/news/rights/"), ("Cameras", "/news/cameras/")]),
            area_section(areas["surveillance"], [("Cameras", "/news/cameras/"), ("Data plan", "/news/data/")]),
            *GENERAL,
        ],
        **kwargs,
    )


def sent_to(address: str) -> tuple[str, str]:
    [message] = [m for m in mail.outbox if m.to == [address]]
    return mime_bodies(parse_mime(message.message().as_bytes()))


def send(issue: BulletinIssue, capture: Any) -> int:
    with capture(execute=True):
        return lifecycle.issue_send(issue=issue)


def test_a_subscriber_who_chose_one_topic_gets_only_its_section_and_the_general_ones(
    areas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    issue = four_sections(areas)
    make_subscriber("priya@example.org", topics=[areas["surveillance"]])
    make_subscriber("robin@example.org")  # no topics: every area

    assert send(issue, django_capture_on_commit_callbacks) == 2

    text, html = sent_to("priya@example.org")
    assert "SURVEILLANCE" in text and "RIGHTS AND DIGNITY" not in text
    assert "Rights briefing" not in text and "Rights briefing" not in html
    for general in ("CLOSING SOON", "A consultation on care", "MEET US", "Our open meeting is on Tuesday."):
        assert general in text
    assert "Data plan" in html and "Cameras" in html and ">Meet us</h2>" in html
    note = "You chose your topics, so this email has our news on Surveillance, and the news for everyone."
    assert note in " ".join(text.split()) and note in html
    assert issue.url and emails.absolute(issue.url) in text  # the whole issue is a link away

    text, html = sent_to("robin@example.org")
    for heading in ("RIGHTS AND DIGNITY", "SURVEILLANCE", "CLOSING SOON", "MEET US"):
        assert heading in text
    assert "You chose your topics" not in text
    # "Cameras" is filed under both areas: shown once, under the first.
    assert text.count("Cameras") == 1 and html.count(">Cameras</a>") == 1


def test_who_gets_an_issue_split_by_area_only(areas: dict[str, Any], django_capture_on_commit_callbacks: Any) -> None:
    issue = make_issue(
        BulletinIndexPage.objects.get(),
        sections=[area_section(areas["rights"], [("Rights briefing", "/news/rights/")])],
    )
    make_subscriber("rights@example.org", topics=[areas["rights"], areas["funding"]])
    make_subscriber("funding@example.org", topics=[areas["funding"]])
    make_subscriber("all@example.org")
    # Nothing for everyone and nothing on funding: the funding-only subscriber gets no email.
    assert send(issue, django_capture_on_commit_callbacks) == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["all@example.org", "rights@example.org"]


def test_a_subscriber_whose_topics_have_no_section_this_week_is_told_so(
    areas: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    issue = four_sections(areas)
    make_subscriber("funding@example.org", topics=[areas["funding"]])
    send(issue, django_capture_on_commit_callbacks)
    text, _ = sent_to("funding@example.org")
    assert "There is nothing this week on the topics you chose" in " ".join(text.split())
    assert "CLOSING SOON" in text and "SURVEILLANCE" not in text and "RIGHTS" not in text


def test_each_edition_is_rendered_once_not_once_per_recipient(
    areas: dict[str, Any], django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    issue = four_sections(areas)
    for n in range(3):
        make_subscriber(f"surveillance{n}@example.org", topics=[areas["surveillance"]])
        make_subscriber(f"all{n}@example.org")
    # Choosing every area the issue covers is the full edition too.
    make_subscriber("both@example.org", topics=[areas["rights"], areas["surveillance"]])
    renders: list[Any] = []
    real_render = emails._render

    def counting(*args: Any, **kwargs: Any) -> Any:
        renders.append(args[2])
        return real_render(*args, **kwargs)

    monkeypatch.setattr(emails, "_render", counting)
    assert send(issue, django_capture_on_commit_callbacks) == 7
    assert len(mail.outbox) == 7
    assert sorted(renders, key=str) == sorted([FULL, frozenset({areas["surveillance"].pk})], key=str)


def test_a_retried_or_resumed_batch_sends_the_edition_frozen_when_sending_started(
    areas: dict[str, Any],
) -> None:
    issue = four_sections(areas)
    subscription = make_subscriber("priya@example.org", topics=[areas["surveillance"]])
    lifecycle.issue_send(issue=issue)  # frozen; nothing sent yet (the task runs after commit)
    delivery = Delivery.objects.get()
    assert delivery.chosen_topics == str(areas["surveillance"].pk)

    # Mid-send she changes her topics; this send still gives her what it froze.
    subscriptions.subscription_update(subscription=subscription, topic_ids=[areas["rights"].pk], paused=False)
    run_worker(issue_id=issue.pk, poll_seconds=0)

    text, _ = sent_to("priya@example.org")
    assert "SURVEILLANCE" in text and "RIGHTS AND DIGNITY" not in text


def test_freezing_records_each_recipient_s_topics_sorted(areas: dict[str, Any]) -> None:
    issue = four_sections(areas)
    both = make_subscriber("both@example.org", topics=[areas["surveillance"], areas["rights"]])
    every = make_subscriber("every@example.org")
    lifecycle.deliveries_freeze(issue=issue, chunk_size=1)
    chosen = dict(Delivery.objects.values_list("subscription_id", "chosen_topics"))
    low, high = sorted([areas["surveillance"].pk, areas["rights"].pk])
    assert chosen == {both.pk: f"{low},{high}", every.pk: ""}


def test_the_archive_page_shows_the_whole_issue(areas: dict[str, Any], client: Any) -> None:
    issue = four_sections(areas, status=IssueStatus.SENT)
    content = client.get(issue.url).content.decode()
    for heading in ("Rights and dignity", "Surveillance", "Closing soon", "Meet us"):
        assert f">{heading}</h2>" in content
    for title in ("Rights briefing", "Data plan", "A consultation on care", "Our open meeting is on Tuesday."):
        assert title in content
    assert content.count(">Cameras</a>") == 1


def test_staff_preview_each_edition_with_how_many_get_it(areas: dict[str, Any], editor: Any) -> None:
    issue = four_sections(areas)
    make_subscriber("s1@example.org", topics=[areas["surveillance"]])
    make_subscriber("s2@example.org", topics=[areas["surveillance"], areas["funding"]])
    make_subscriber("f@example.org", topics=[areas["funding"]])
    make_subscriber("all@example.org")
    client = client_for(editor)
    url = reverse("bulletin_admin:preview", args=[issue.pk])

    response = client.get(url)
    editions = [(e.label, e.recipients) for e in response.context["preview"]["editions"]]
    assert editions == [
        ("Every section", 1),
        ("Only the sections for everyone", 1),
        ("Surveillance, and the sections for everyone", 2),
    ]
    key = str(areas["surveillance"].pk)
    assert f'href="{url}?edition={key}"' in response.content.decode()

    shown = client.get(url, {"edition": key}).context["preview"]
    assert shown["edition"].label == "Surveillance, and the sections for everyone"
    assert "SURVEILLANCE" in shown["text"] and "RIGHTS AND DIGNITY" not in shown["text"]
    # An edition nobody gets, or nonsense, shows the full issue rather than an error.
    for other in (str(areas["rights"].pk), "x,1,,", "9" * 300):
        assert client.get(url, {"edition": other}).context["preview"]["edition"].label == "Every section"

    document = client.get(reverse("bulletin_admin:preview_email", args=[issue.pk]), {"edition": key})
    assert document.status_code == 200 and document["Content-Type"].startswith("text/html")
    html = document.content.decode()
    assert html.startswith("<!DOCTYPE html>") and "Hello Alex," in html
    assert "Rights briefing" not in html and "Data plan" in html


def test_once_sending_starts_the_preview_counts_the_frozen_recipients(areas: dict[str, Any], editor: Any) -> None:
    issue = four_sections(areas)
    make_subscriber("s1@example.org", topics=[areas["surveillance"]])
    lifecycle.issue_send(issue=issue)
    make_subscriber("late@example.org", topics=[areas["surveillance"]])  # after the freeze: not in this send
    issue.refresh_from_db()
    response = client_for(editor).get(reverse("bulletin_admin:preview", args=[issue.pk]))
    editions = [(e.label, e.recipients) for e in response.context["preview"]["editions"]]
    assert editions == [("Every section", 0), ("Surveillance, and the sections for everyone", 1)]


def test_editions_keep_the_issue_s_order_and_drop_a_section_already_shown() -> None:
    sections = [
        {"kind": "section", "area_id": 1, "heading": "A", "items": [{"url": "/x/"}]},
        {"kind": "section", "area_id": 2, "heading": "B", "items": [{"url": "/x/"}]},
        {"kind": "section", "area_id": None, "heading": "C", "items": [{"url": "/y/"}]},
        {"kind": "message", "area_id": None, "heading": "D", "paragraphs": ["Hi"]},
    ]
    assert [s["heading"] for s in edition_sections(sections, FULL)] == ["A", "C", "D"]
    assert [s["heading"] for s in edition_sections(sections, frozenset({2}))] == ["B", "C", "D"]
    assert [s["heading"] for s in edition_sections(sections, frozenset())] == ["C", "D"]
