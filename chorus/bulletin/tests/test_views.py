"""Public bulletin pages: subscribe, confirm, preferences, one-click unsubscribe, archive, feed."""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta
from typing import Any

import feedparser
import httpx
import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from chorus.bulletin.models import IssueStatus, Subscription, SubscriptionStatus
from chorus.bulletin.tests.factories import make_index, make_issue, make_subscriber
from chorus.bulletin.tokens import confirm_token, manage_token
from chorus.core.models import AuditEvent
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory
from chorus.people.models import ConsentPurpose, ConsentRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


@pytest.fixture
def index() -> Any:
    return make_index()


def _form_data(client: Client, **overrides: str) -> dict[str, Any]:
    page = client.get(reverse("bulletin:subscribe"))  # may come from the page cache: read the HTML
    found = re.search(r'name="form_started" value="([^"]+)"', page.content.decode())
    assert found, "no fill-time stamp on the form"
    started = html.unescape(found.group(1))
    return {"email": "robin@example.org", "name": "Robin", "website": "", "form_started": started, **overrides}


@override_settings(CHORUS_MIN_FORM_FILL_SECONDS=0)
def test_subscribe_form_says_check_your_email_for_new_and_existing_addresses(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(reverse("bulletin:subscribe"), _form_data(client))
    assert first.status_code == 302
    assert first["Location"] == reverse("bulletin:check_email")
    make_subscriber("existing@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(reverse("bulletin:subscribe"), _form_data(client, email="existing@example.org"))
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert [m.to for m in mail.outbox] == [["robin@example.org"], ["existing@example.org"]]
    page = client.get(reverse("bulletin:check_email"))
    assert b"Check your email" in page.content


def test_subscribe_errors_keep_the_answers(index: Any) -> None:
    client = Client()
    response = client.post(reverse("bulletin:subscribe"), _form_data(client, email="not-an-address", name="Robin"))
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert 'value="not-an-address"' in content
    assert 'value="Robin"' in content
    assert not Subscription.objects.exists()


@override_settings(CHORUS_MIN_FORM_FILL_SECONDS=0)
def test_honeypot_gets_the_same_answer_and_subscribes_no_one(index: Any) -> None:
    client = Client()
    response = client.post(reverse("bulletin:subscribe"), _form_data(client, website="http://spam.example"))
    assert response.status_code == 302
    assert not Subscription.objects.exists()


@override_settings(CHORUS_MIN_FORM_FILL_SECONDS=0)
def test_subscribe_is_rate_limited_per_connection(index: Any) -> None:
    client = Client()
    # The burst limit counts per clock minute: start just after one begins, so the eleven
    # tries fall in the same minute however slowly the machine runs them.
    start = timezone.now().replace(second=1, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start, tick=True):
        statuses = [
            client.post(reverse("bulletin:subscribe"), _form_data(client, email=f"r{n}@example.org")).status_code
            for n in range(11)
        ]
    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429


@override_settings(CHORUS_MIN_FORM_FILL_SECONDS=0)
def test_the_subscribe_form_sets_no_cookie_and_refuses_posts_from_other_sites(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # The Client checks CSRF as a browser would, so a missing token would be refused.
    client = Client(enforce_csrf_checks=True)
    for url in (index.url, reverse("bulletin:subscribe")):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "<form" in page.content.decode() and not page.cookies, f"{url} set {list(page.cookies)}"
    answers = _form_data(client)
    refused = client.post(reverse("bulletin:subscribe"), answers, headers={"Sec-Fetch-Site": "cross-site"})
    assert refused.status_code == 403 and not Subscription.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        taken = client.post(reverse("bulletin:subscribe"), answers, headers={"Sec-Fetch-Site": "same-origin"})
    assert taken.status_code == 302 and not taken.cookies
    assert Subscription.objects.get().status == SubscriptionStatus.PENDING


def test_subscribe_page_link_include_keeps_the_home_page_cookie_free(index: Any) -> None:
    from django.template.loader import render_to_string

    html = render_to_string("bulletin/includes/subscribe_link.html")
    assert 'href="/bulletin/subscribe/"' in html
    assert "<form" not in html


def test_confirm_get_shows_a_button_and_only_post_confirms(index: Any) -> None:
    subscription = make_subscriber("new@example.org", status=SubscriptionStatus.PENDING)
    subscription.confirmation_sent_at = timezone.now()
    subscription.save()
    url = reverse("bulletin:confirm", args=[confirm_token(subscription.pk, subscription.confirmation_sent_at)])
    client = Client()
    page = client.get(url)
    assert page.status_code == 200
    assert b'<form method="post">' in page.content
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PENDING
    done = client.post(url)
    assert done.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert ConsentRecord.objects.filter(person=subscription.person, purpose=ConsentPurpose.BULLETIN).exists()


def test_bad_or_tampered_links_are_refused(index: Any) -> None:
    client = Client()
    assert client.get(reverse("bulletin:confirm", args=["nonsense"])).status_code == 404
    subscription = make_subscriber("x@example.org")
    # A preferences token is not a confirmation token.
    assert client.get(reverse("bulletin:confirm", args=[manage_token(subscription.pk)])).status_code == 404
    tampered = manage_token(subscription.pk)[:-2] + "xx"
    assert client.post(reverse("bulletin:unsubscribe", args=[tampered])).status_code == 404
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE


def test_one_click_unsubscribe_post_needs_no_cookie_or_csrf_and_never_redirects(index: Any) -> None:
    subscription = make_subscriber("leave@example.org")
    url = reverse("bulletin:unsubscribe", args=[manage_token(subscription.pk)])
    client = Client(enforce_csrf_checks=True)
    page = client.get(url)
    assert page.status_code == 200
    assert not page.cookies  # the page sets no cookie at all
    assert "no-cache" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE  # GET changes nothing

    response = client.post(url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    # Repeating it is harmless.
    assert (
        client.post(
            url, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )
    assert AuditEvent.objects.filter(action="bulletin.subscription.unsubscribed").count() == 1


def test_preferences_save_topics_pause_unsubscribe_and_come_back(index: Any) -> None:
    home = index.get_parent()
    area_index = PriorityAreaIndexPageFactory(parent=home)
    area = PriorityAreaPageFactory(parent=area_index, title="Rights")
    subscription = make_subscriber("prefs@example.org")
    url = reverse("bulletin:preferences", args=[manage_token(subscription.pk)])
    client = Client()
    page = client.get(url)
    assert page.status_code == 200
    assert "private" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    saved = client.post(url, {"action": "save", "topics": [str(area.pk)], "paused": "on"})
    assert saved.status_code == 302
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.PAUSED
    assert list(subscription.topics.all()) == [area]
    assert b"Your choices are saved" in client.get(saved["Location"]).content

    client.post(url, {"action": "unsubscribe"})
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED

    client.post(url, {"action": "resubscribe"})
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE


def test_a_suspended_subscriber_reactivates_from_preferences(index: Any) -> None:
    subscription = make_subscriber("bounced@example.org", status=SubscriptionStatus.SUSPENDED)
    url = reverse("bulletin:preferences", args=[manage_token(subscription.pk)])
    client = Client()
    assert b"kept coming back" in client.get(url).content
    client.post(url, {"action": "resubscribe"})
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE


def test_archive_shows_only_sent_issues_without_personal_data(index: Any) -> None:
    sent = make_issue(index, slug="sent", title="Sent issue", status=IssueStatus.SENT)
    draft = make_issue(index, slug="draft", title="Unsent issue")
    make_subscriber("secret@example.org", name="Secret Name")
    client = Client()
    listing = client.get(index.url)
    assert listing.status_code == 200
    assert b"Sent issue" in listing.content
    assert b"Unsent issue" not in listing.content
    assert b'action="/bulletin/subscribe/"' in listing.content
    page = client.get(sent.url)
    assert page.status_code == 200
    assert b"Our response to the data plan" in page.content
    assert b"Second paragraph." in page.content
    assert b"Secret" not in page.content and b"/bulletin/unsubscribe/" not in page.content
    assert client.get(draft.url).status_code == 404


def test_atom_feed_lists_sent_issues(index: Any) -> None:
    make_issue(index, slug="sent", title="Sent issue", status=IssueStatus.SENT)
    make_issue(index, slug="draft", title="Unsent issue")
    response = Client().get(reverse("bulletin:feed"))
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    assert [entry.title for entry in feed.entries] == ["Sent issue"]
    assert feed.entries[0].link.endswith("/bulletin/sent/")


@pytest.mark.django_db(transaction=True)
def test_one_click_unsubscribe_over_real_http(live_server: Any) -> None:
    make_index()
    subscription = make_subscriber("http@example.org")
    url = live_server.url + reverse("bulletin:unsubscribe", args=[manage_token(subscription.pk)])
    with httpx.Client(follow_redirects=False, timeout=10) as client:
        page = client.get(url)
        assert page.status_code == 200
        assert "set-cookie" not in page.headers
        subscription.refresh_from_db()
        assert subscription.status == SubscriptionStatus.ACTIVE
        # Exactly what a mail provider sends under RFC 8058: no cookie, no CSRF token.
        started = time.monotonic()
        response = client.post(
            url,
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert not response.is_redirect
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
