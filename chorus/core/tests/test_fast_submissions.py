"""A form sent faster than people usually fill one in is asked about once, never dropped.

Autofill, a password manager or voice control can fill a form in under a second. Such a
submission gets an accessible "Please confirm you want to send this" page, with the
answers kept, whose one button sends it on as usual. The honeypot stays the hard signal.
"""

from __future__ import annotations

import html
import re
import time
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client, override_settings

from chorus.bulletin.models import SUBSCRIBE_REQUEST_EMAIL
from chorus.campaigns.models import SignatureIntake
from chorus.campaigns.tests.factories import make_campaigns, petition
from chorus.core.antibot import _SALT, CONFIRMED_FIELD, FillCheck
from chorus.core.models import OutboxMessage
from chorus.people.forms import PrivacyRequestForm
from chorus.people.models import PrivacyLink
from chorus.support.models import SupportRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_slow_enough_is_a_minute")]

CONFIRM_HEADING = "Please confirm you want to send this"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


@pytest.fixture
def _slow_enough_is_a_minute() -> Any:
    # Long enough that a slow test machine never takes the "just now" stamp for a person's pace.
    with override_settings(CHORUS_MIN_FORM_FILL_SECONDS=60):
        yield


def just_now() -> str:
    return signing.dumps(time.time(), salt=_SALT)


def hidden_fields(response: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, value in HIDDEN.findall(response.content.decode()):
        found.setdefault(html.unescape(name), []).append(html.unescape(value))
    return found


def assert_asks_to_confirm(response: Any) -> dict[str, list[str]]:
    content = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{CONFIRM_HEADING}</h1>" in content
    assert "check your email" not in content.lower()
    assert content.count('type="submit"') - content.count('role="search"') == 1  # one button (and site search)
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    fields = hidden_fields(response)
    assert CONFIRMED_FIELD in fields
    return fields


def test_signing_fast_asks_once_then_counts_the_signature() -> None:
    action = petition(make_campaigns())
    url = f"/campaigns/{action.pk}/sign/"
    answers = {"name": "Ari Quick", "email": "ari@example.org", "website": "", "form_started": just_now()}
    asked = Client().post(url, answers)
    fields = assert_asks_to_confirm(asked)
    assert fields["email"] == ["ari@example.org"] and fields["name"] == ["Ari Quick"]
    assert not SignatureIntake.objects.exists()
    assert not asked.cookies  # the signing form stays cookie-free
    assert 'name="csrfmiddlewaretoken"' not in asked.content.decode()

    sent = Client().post(url, fields)
    assert sent.status_code == 302 and sent["Location"].endswith("/sign/check-your-email/")
    assert SignatureIntake.objects.count() == 1


def test_a_forged_confirmation_is_asked_again() -> None:
    action = petition(make_campaigns())
    url = f"/campaigns/{action.pk}/sign/"
    answers = {"name": "Ari Quick", "email": "ari@example.org", "website": "", "form_started": just_now()}
    again = Client().post(url, {**answers, CONFIRMED_FIELD: "made-up"})
    assert_asks_to_confirm(again)
    assert not SignatureIntake.objects.exists()


def test_the_honeypot_still_drops_even_a_confirmed_submission() -> None:
    action = petition(make_campaigns())
    url = f"/campaigns/{action.pk}/sign/"
    answers = {"name": "Ari Quick", "email": "ari@example.org", "website": "", "form_started": just_now()}
    fields = hidden_fields(Client().post(url, answers))
    caught = Client().post(url, {**fields, "website": "http://spam.example"})
    assert caught.status_code == 302 and caught["Location"].endswith("/sign/check-your-email/")
    assert not SignatureIntake.objects.exists()


def test_subscribing_fast_asks_once_then_sends_the_link() -> None:
    answers = {"email": "robin@example.org", "name": "Robin", "website": "", "form_started": just_now()}
    asked = Client().post("/bulletin/subscribe/", answers)
    fields = assert_asks_to_confirm(asked)
    assert not OutboxMessage.objects.exists()
    assert not asked.cookies

    sent = Client().post("/bulletin/subscribe/", fields)
    assert sent.status_code == 302 and sent["Location"] == "/bulletin/check-your-email/"
    assert OutboxMessage.objects.filter(kind=SUBSCRIBE_REQUEST_EMAIL).count() == 1


def test_asking_for_a_privacy_link_fast_asks_once_then_sends_it(django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    answers = {
        "email": "rowan@example.org",
        "website": "",
        "form_started": PrivacyRequestForm().initial["form_started"],
    }
    fields = assert_asks_to_confirm(client.post("/privacy/", answers))
    assert len(fields["csrfmiddlewaretoken"]) == 1  # the page's own token, not the posted one as well
    assert not PrivacyLink.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/privacy/", fields)
    assert sent.status_code == 200 and "If we hold data" in sent.content.decode()


def test_a_support_request_sent_fast_is_confirmed_then_stored(django_capture_on_commit_callbacks: Any) -> None:
    client = Client()
    answers = {
        "description": "Our local trust now asks for immigration papers before therapy.",
        "where_category": "uk",
        "contact_method": "email",
        "name": "Ali",
        "email": "ali@example.org",
        "website": "",
        "form_started": just_now(),
    }
    check = client.post("/support/policy-issue/", answers)
    assert "Check your answers" in check.content.decode()
    sealed = hidden_fields(check)["answers"][0]

    asked = client.post("/support/policy-issue/", {"action": "send", "answers": sealed})
    fields = assert_asks_to_confirm(asked)
    assert fields["action"] == ["send"] and fields["answers"] == [sealed]
    assert not SupportRequest.objects.exists() and not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/support/policy-issue/", fields)
    assert sent.status_code == 302 and "/support/request/" in sent["Location"]
    assert SupportRequest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_form_open_for_over_a_day_is_asked_about_not_dropped() -> None:
    with time_machine.travel(timedelta(days=-2)):
        shown = PrivacyRequestForm().initial["form_started"]
    form = PrivacyRequestForm({"email": "rowan@example.org", "website": "", "form_started": shown})
    assert form.is_valid()
    assert form.fill_check() is FillCheck.CONFIRM
