"""A dead or hanging Redis costs readers and form-fillers nothing but the page cache.

Each test starts a real listener: a port that refuses connections (bound, noted, closed)
or a socket that accepts connections and never answers. The cache and the rate limits
are pointed at it, and the public flows must answer normally and quickly.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from chorus.campaigns.models import SignatureIntake
from chorus.campaigns.tests.factories import letter, make_campaigns
from chorus.core.outbox import outbox_send
from chorus.core.tests.listeners import SilentListener, closed_port_url
from chorus.pages.tests.factories import make_site
from chorus.support.models import SupportRequest
from chorus.support.tests.test_public_views import ALERT
from chorus.support.tests.test_public_views import _started as started_stamp

pytestmark = pytest.mark.django_db

# Generous for a shared CI machine: a request that waits on a hanging Redis without a
# short timeout takes seconds (about 6 s before this was fixed).
QUICK_SECONDS = 1.5


@pytest.fixture(params=["closed-port", "never-answers"])
def broken_redis(request: pytest.FixtureRequest) -> Iterator[str]:
    """The cache and the rate limits pointed at a Redis that is not there, as production configures them."""
    listener = None
    if request.param == "closed-port":
        url = closed_port_url()
    else:
        listener = SilentListener()
        url = listener.url
    caches = {"default": {"BACKEND": "chorus.core.cache.ResilientRedisCache", "LOCATION": url, "KEY_PREFIX": "chorus"}}
    try:
        with override_settings(REDIS_URL=url, CACHES=caches, CHORUS_MIN_FORM_FILL_SECONDS=0):
            yield url
    finally:
        if listener is not None:
            listener.close()


def timed(call: Any, *args: Any, **kwargs: Any) -> Any:
    started = time.monotonic()
    response = call(*args, **kwargs)
    elapsed = time.monotonic() - started
    assert elapsed < QUICK_SECONDS, f"took {elapsed:.2f} s"
    return response


def form_started(page: Any) -> str:
    found = re.search(r'name="form_started" value="([^"]+)"', page.content.decode())
    assert found, "no fill-time stamp on the form"
    return html.unescape(found.group(1))


def test_the_home_page_is_served_uncached(broken_redis: str) -> None:
    make_site()
    client = Client(raise_request_exception=False)
    for _ in range(3):  # the first request meets the failure; the next ones skip Redis
        response = timed(client.get, "/")
        assert response.status_code == 200
        assert b"Chorus" in response.content


def test_signing_still_takes_the_signature(broken_redis: str, django_capture_on_commit_callbacks: Any) -> None:
    action = letter(make_campaigns())
    url = action.url + "sign/"
    client = Client(raise_request_exception=False)
    page = timed(client.get, url)
    assert page.status_code == 200
    answers = {"form_started": form_started(page), "website": "", "kind": "individual"}
    with django_capture_on_commit_callbacks(execute=True):
        response = timed(client.post, url, {**answers, "name": "Al Ng", "email": "al@example.org"})
    assert response.status_code == 302
    assert response["Location"] == action.url + "sign/check-your-email/"
    assert SignatureIntake.objects.count() == 1  # taken; filed and emailed by the worker


def test_subscribing_to_the_bulletin_still_works(broken_redis: str, django_capture_on_commit_callbacks: Any) -> None:
    from chorus.bulletin.tests.factories import make_index

    make_index()
    client = Client(raise_request_exception=False)
    page = timed(client.get, reverse("bulletin:subscribe"))
    assert page.status_code == 200
    answers = {"email": "robin@example.org", "name": "Robin", "website": "", "form_started": form_started(page)}
    with django_capture_on_commit_callbacks(execute=True):
        response = timed(client.post, reverse("bulletin:subscribe"), answers)
    assert response.status_code == 302
    assert response["Location"] == reverse("bulletin:check_email")
    # No prompt run can be asked for without the cache: the request waits in the outbox,
    # and the periodic run (every half minute) files it and sends the link.
    assert mail.outbox == []
    assert outbox_send().sent == 1
    assert [message.to for message in mail.outbox] == [["robin@example.org"]]


def test_the_support_form_still_sends(broken_redis: str, django_capture_on_commit_callbacks: Any) -> None:
    client = Client(raise_request_exception=False)
    check = timed(client.post, "/support/policy-issue/", {**ALERT, "form_started": started_stamp()})
    assert check.status_code == 200
    sealed = re.search(r'name="answers" value="([^"]+)"', check.content.decode())
    assert sealed is not None
    with django_capture_on_commit_callbacks(execute=True):
        sent = timed(client.post, "/support/policy-issue/", {"action": "send", "answers": sealed.group(1)})
    assert sent.status_code == 302
    assert SupportRequest.objects.count() == 1


def test_the_health_check_says_the_cache_is_down(broken_redis: str) -> None:
    client = Client(raise_request_exception=False)
    for _ in range(2):  # once meeting the failure, once with the breaker open
        response = timed(client.get, "/healthz/")
        assert response.status_code == 200  # the node can still serve: don't pull it
        body = response.json()
        assert body["status"] == "degraded"
        assert body["cache"]["status"] == "down"
        assert body["database"]["status"] == "ok"
