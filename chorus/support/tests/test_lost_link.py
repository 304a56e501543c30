"""A member who lost the private link to their request asks for it again by email."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import mail, signing
from django.test import Client

from chorus.core.antibot import _SALT
from chorus.core.models import AuditEvent
from chorus.core.outbox import outbox_send
from chorus.support.models import SupportRequest
from chorus.support.services.transitions import support_request_transition
from chorus.support.tests.factories import make_request

pytestmark = pytest.mark.django_db

URL = "/support/lost-link/"
SAME_ANSWER = "If that address has open requests with us, we have sent it the private link to each of them."


def _ask(email: str, client: Client | None = None) -> Any:
    started = signing.dumps(time.time() - 30, salt=_SALT)
    return (client or Client()).post(URL, {"email": email, "website": "", "form_started": started})


def _settled() -> None:
    """Send what making the requests queued (their own link emails), so only what follows counts."""
    outbox_send()
    mail.outbox.clear()


def _links_in(body: str) -> list[str]:
    return re.findall(r"http://[^\s\"<]+/support/request/([^/\s\"<]+)/", body)


def test_the_page_is_a_labelled_form_linked_from_the_confirmation() -> None:
    response = Client().get(URL)
    assert response.status_code == 200
    assert '<label for="id_email">Email address</label>' in response.content.decode()
    _support_request, token = make_request()
    assert 'href="/support/lost-link/"' in Client().get(f"/support/request/{token}/?sent=1").content.decode()


def test_the_owner_gets_the_link_to_each_open_request_and_it_opens_them(caseworker: Any) -> None:
    first, _ = make_request(email="member@example.org")
    second, _ = make_request(email="Member@Example.org")
    closed, _ = make_request(email="member@example.org")
    support_request_transition(support_request=closed, transition="decline", actor=caseworker)
    make_request(email="someone-else@example.org")
    _settled()

    response = _ask("member@example.org")
    assert response.status_code == 200 and SAME_ANSWER in response.content.decode()
    event = AuditEvent.objects.get(action="support.links.requested")
    assert "member@" not in str(event.data)  # the ask is recorded, never the address
    outbox_send()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["member@example.org"]
    body = str(email.body)
    assert first.reference in body and second.reference in body and closed.reference not in body
    assert "filming patients" not in body  # never what anyone told us
    tokens = _links_in(body)
    assert len(tokens) == 2
    opened = Client().get(f"/support/request/{tokens[0]}/")
    assert opened.status_code == 200 and first.reference in opened.content.decode()


def test_an_unknown_or_unconfirmed_address_gets_the_same_answer_and_no_email() -> None:
    make_request(email="waiting@example.org", confirmed=False)
    _settled()
    answers = [_ask(address).content.decode() for address in ("nobody@example.org", "waiting@example.org")]
    outbox_send()
    assert not mail.outbox
    assert all(SAME_ANSWER in answer for answer in answers)
    assert answers[0] == answers[1]


def test_asking_is_rate_limited_and_the_limit_says_nothing_about_the_address() -> None:
    make_request(email="member@example.org")
    _settled()
    client = Client()
    answers = [_ask("member@example.org", client) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200] * 4
    outbox_send()
    assert len(mail.outbox) == 3  # the address's daily allowance; the fourth is answered alike
    more = [_ask(f"other{n}@example.org", client).status_code for n in range(2)]
    assert more == [200, 429]  # five asks an hour from one connection


def test_the_request_stays_the_same() -> None:
    support_request, token = make_request(email="member@example.org")
    before = SupportRequest.objects.get(pk=support_request.pk)
    _ask("member@example.org")
    outbox_send()
    after = SupportRequest.objects.get(pk=support_request.pk)
    assert (after.token_hash, after.email_token_hash) == (before.token_hash, before.email_token_hash)
    assert Client().get(f"/support/request/{token}/").status_code == 200  # the on-screen link still works
