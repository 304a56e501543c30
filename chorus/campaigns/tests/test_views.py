"""Public pages: the signing flow over HTTP, caching headers, cookies, count.json."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from chorus.campaigns.models import BlockedEmailDomain, Signature, SignatureStatus
from chorus.campaigns.services.actions import action_transition
from chorus.campaigns.services.counts import counts_refresh
from chorus.campaigns.services.signing import signatures_file
from chorus.campaigns.tests.conftest import token_from_outbox
from chorus.campaigns.tests.factories import letter, petition
from chorus.campaigns.workflow import ActionState

pytestmark = pytest.mark.django_db


def form_data(client: Client, url: str, **values: str) -> dict[str, str]:
    """What a person would send: the form's own hidden fields (read from the page, which
    may come from the page cache) plus their answers."""
    page = client.get(url).content.decode()
    started = re.search(r'name="form_started" value="([^"]+)"', page)
    assert started, "no fill-time stamp on the form"
    return {"form_started": html.unescape(started.group(1)), "website": "", **values}


@pytest.fixture
def signed_slowly(settings: Any) -> None:
    settings.CHORUS_MIN_FORM_FILL_SECONDS = 0


def assert_cacheable(response: Any) -> None:
    cache_control = response["Cache-Control"]
    for part in ("public", "max-age=", "stale-while-revalidate=", "stale-if-error="):
        assert part in cache_control
    assert not response.cookies


def test_action_page_is_cookie_free_and_cacheable(index: Any, client: Client) -> None:
    action = letter(index, title="Cameras off", slug="cameras-off")
    response = client.get(action.url)
    assert response.status_code == 200
    assert_cacheable(response)
    body = response.content.decode()
    assert 'href="/campaigns/cameras-off/sign/"' in body
    assert '<form method="post"' not in body


def test_index_lists_open_actions(index: Any, client: Client) -> None:
    letter(index, title="Open one")
    letter(index, title="Closed one", state=ActionState.CLOSED)
    response = client.get(index.url)
    assert_cacheable(response)
    assert response.context["open_actions"][0].title == "Open one"
    assert response.context["past_actions"][0].title == "Closed one"


def test_blank_sign_page_sets_no_cookie_and_is_cached_only_briefly(index: Any, client: Client) -> None:
    action = letter(index)
    response = client.get(action.url + "sign/")
    assert response.status_code == 200
    assert_cacheable(response)
    assert "max-age=1," in response["Cache-Control"]
    body = response.content.decode()
    assert "csrfmiddlewaretoken" not in body
    assert f'action="/campaigns/{action.pk}/sign/"' in body
    # Every consent is a separate box, unticked.
    for name in ("show_name", "wants_bulletin", "wants_updates"):
        assert f'name="{name}"' in body
    assert "checked" not in body.split('name="show_name"')[1].split(">")[0]


def test_same_answer_for_new_repeat_and_blocked(
    index: Any, client: Client, signed_slowly: None, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    url = action.url + "sign/"
    BlockedEmailDomain.objects.create(domain="blocked.example")
    answers = []
    for email in ("new@example.org", "new@example.org", "x@blocked.example"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, form_data(client, url, kind="individual", name="Al Ng", email=email))
        answers.append((response.status_code, response["Location"]))
    assert answers == [(302, action.url + "sign/check-your-email/")] * 3
    assert Signature.objects.count() == 1
    assert len(mail.outbox) == 2  # a link, then a second link (still pending); none for the blocked one
    assert client.get(answers[0][1]).status_code == 200


def sign_with_headers(index: Any, client: Client, capture: Any, email: str, headers: dict[str, str]) -> Any:
    """Sign a new letter as a browser would, adding the headers it sends with the post."""
    url = letter(index).url + "sign/"
    answers = form_data(client, url, kind="individual", name="Al Ng", email=email)
    with capture(execute=True):
        return client.post(url, answers, **headers)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "https://elsewhere.example"},
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_a_post_from_another_site_is_refused_and_stores_nothing(
    index: Any, client: Client, signed_slowly: None, django_capture_on_commit_callbacks: Any, headers: dict[str, str]
) -> None:
    response = sign_with_headers(index, client, django_capture_on_commit_callbacks, "forged@example.org", headers)
    assert response.status_code == 403
    assert Signature.objects.count() == 0 and not mail.outbox
    token = "t" * 43
    assert client.post(f"/campaigns/confirm/{token}/", {}, **headers).status_code == 403  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_SEC_FETCH_SITE": "same-origin", "HTTP_ORIGIN": "http://testserver"},
        {"HTTP_ORIGIN": "http://testserver"},
        {},  # not from a browser page at all
    ],
)
def test_a_post_from_our_own_pages_is_taken_without_any_cookie(
    index: Any, client: Client, signed_slowly: None, django_capture_on_commit_callbacks: Any, headers: dict[str, str]
) -> None:
    response = sign_with_headers(index, client, django_capture_on_commit_callbacks, "own@example.org", headers)
    assert response.status_code == 302 and not response.cookies
    assert Signature.objects.count() == 1 and len(mail.outbox) == 1
    confirm_url = f"/campaigns/confirm/{token_from_outbox()}/"
    page = client.get(confirm_url)
    assert page.status_code == 200 and not page.cookies and "csrfmiddlewaretoken" not in page.content.decode()
    confirmed = client.post(confirm_url, {}, **headers)  # type: ignore[arg-type]
    assert confirmed.status_code == 302 and not confirmed.cookies
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    assert not client.get(confirmed["Location"]).cookies


def test_bad_input_keeps_answers_and_lists_errors(index: Any, client: Client, signed_slowly: None) -> None:
    action = letter(index)
    url = action.url + "sign/"
    response = client.post(
        url, form_data(client, url, kind="organisation", name="Al <b>Ng</b>", email="not-an-email", role="Peer")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert 'href="#id_email"' in body
    assert "Enter the name of the organisation" in body
    assert 'value="Peer"' in body
    assert not Signature.objects.exists()
    # Every hint and error an input points screen readers at is on the page, once.
    described = [i for ids in re.findall(r'aria-describedby="([^"]+)"', body) for i in ids.split()]
    assert "id_email_error" in described and "id_organisation_error" in described
    for element_id in described:
        assert body.count(f'id="{element_id}"') == 1, element_id


def test_petition_postcode_is_validated(index: Any, client: Client, signed_slowly: None) -> None:
    action = petition(index, collect_postcode=True)
    url = action.url + "sign/"
    response = client.post(url, form_data(client, url, name="Al Ng", email="a@example.org", postcode="12345"))
    assert response.status_code == 400
    assert "Enter a UK postcode" in response.content.decode()
    response = client.post(url, form_data(client, url, name="Al Ng", email="a@example.org", postcode="sw1a1aa"))
    assert response.status_code == 302
    signatures_file()
    assert Signature.objects.get().postcode == "SW1A 1AA"


def test_confirm_page_confirms_only_on_post(
    index: Any, client: Client, signed_slowly: None, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    url = action.url + "sign/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form_data(client, url, kind="individual", name="Al Ng", email="al@example.org"))
    confirm_url = f"/campaigns/confirm/{token_from_outbox()}/"
    response = client.get(confirm_url)
    assert response.status_code == 200
    assert "Confirm my signature" in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert Signature.objects.get().status == SignatureStatus.PENDING  # a link scanner's GET signs nobody
    response = client.post(confirm_url)
    assert response.status_code == 302 and response["Location"] == action.url + "sign/confirmed/"
    assert Signature.objects.get().status == SignatureStatus.CONFIRMED
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "your signature is confirmed" in thanks.content.decode()
    assert "public" in thanks["Cache-Control"] and not thanks.cookies  # the same page for everyone
    assert client.post(confirm_url)["Location"] == response["Location"]  # replay: still fine, still once
    assert client.get("/campaigns/confirm/" + "x" * 43 + "/").status_code == 400
    assert client.post("/campaigns/confirm/" + "x" * 43 + "/").status_code == 400


def test_count_json_by_id_and_slug_with_cache_headers(
    index: Any, client: Client, signed_slowly: None, django_capture_on_commit_callbacks: Any
) -> None:
    action = petition(index, slug="halt", goal=10, milestones="1, 5")
    url = action.url + "sign/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form_data(client, url, name="Al Ng", email="al@example.org"))
    client.post(f"/campaigns/confirm/{token_from_outbox()}/")
    counts_refresh()
    fresh = Client()
    for key in (str(action.pk), "halt"):
        response = fresh.get(f"/campaigns/{key}/count.json")
        assert response.status_code == 200
        assert_cacheable(response)
        data = json.loads(response.content)
        assert data["total"] == 1 and data["milestones_reached"] == [1] and data["goal"] == 10
    assert fresh.get("/campaigns/nope/count.json").status_code == 404
    page = fresh.get(action.url).content.decode()
    assert "Milestones reached: 1." in page
    assert "seconds ago" in page or "second ago" in page


def test_count_json_says_closed_once_the_closing_date_has_passed(index: Any, client: Client) -> None:
    action = petition(index, slug="dated", closing_date=timezone.localdate() - timedelta(days=1))
    assert json.loads(client.get("/campaigns/dated/count.json").content)["state"] == "closed"
    assert client.head("/campaigns/dated/count.json").status_code == 200
    assert action.state == ActionState.OPEN  # only a campaigner's close changes the stored state


def test_signatories_list_is_paginated(index: Any, client: Client) -> None:
    action = letter(index)
    response = client.get(action.url + "signatories/")
    assert response.status_code == 200
    assert_cacheable(response)
    assert "No names are listed yet" in response.content.decode()


def test_closed_action_shows_no_form(index: Any, client: Client) -> None:
    action = letter(index, state=ActionState.CLOSED)
    response = client.get(action.url + "sign/")
    assert "not open for signatures" in response.content.decode()
    assert "Sign the open letter" not in client.get(action.url).content.decode()


def test_closing_an_action_stops_signing_at_once_although_the_page_is_remembered(
    index: Any, client: Client, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    assert "Sign and get the email" in client.get(action.url + "sign/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        action_transition(action=action, target=ActionState.CLOSED, actor=campaigner)
    assert "not open for signatures" in client.get(action.url + "sign/").content.decode()
    assert client.get(f"/campaigns/{action.pk}/count.json").json()["state"] == ActionState.CLOSED


def test_easy_read_page(index: Any, client: Client) -> None:
    plain = letter(index)
    assert client.get(plain.url + "easy-read/").status_code == 404
    easy = letter(index, easy_read_summary=[("paragraph", "<p>Short words.</p>")])
    response = client.get(easy.url + "easy-read/")
    assert response.status_code == 200 and "Short words." in response.content.decode()
