"""The self-service privacy page, every path: ask, link, confirm, see, download, withdraw, erase."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chorus.core.models import AuditEvent
from chorus.core.outbox import outbox_send
from chorus.people.forms import PrivacyRequestForm
from chorus.people.models import ConsentPurpose, ConsentRecord, Person, PrivacyGrant, PrivacyLink
from chorus.people.tests.factories import give_consent, make_person

pytestmark = pytest.mark.django_db

START = reverse("people:privacy")
SAME_ANSWER = "If we hold data for this address, we have sent it a link"


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


def _form_data(email: str, **extra: str) -> dict[str, str]:
    form = PrivacyRequestForm()
    return {"email": email, "website": "", "form_started": form.initial["form_started"], **extra}


@pytest.fixture
def ask(django_capture_on_commit_callbacks: Any) -> Callable[..., Any]:
    def _ask(email: str, client: Client | None = None, **extra: str) -> Any:
        client = client or Client()
        data = _form_data(email, **extra)
        # The anti-bot check wants a form that took a moment to fill in.
        with time_machine.travel(timedelta(seconds=5)), django_capture_on_commit_callbacks(execute=True):
            return client.post(START, data)

    return _ask


def _link_from_mail() -> str:
    assert len(mail.outbox) == 1
    match = re.search(r"http://[^\s]+/privacy/link/([^/\s]+)/", mail.outbox[0].body)
    assert match
    return match.group(1)


@pytest.fixture
def person() -> Person:
    person = make_person(name="Rowan Ash", postcode="N1 9GU", access_needs="Large print")
    give_consent(person, ConsentPurpose.BULLETIN)
    give_consent(person, ConsentPurpose.CAMPAIGN_UPDATES, scope="campaigns.petition:3")
    return person


def _open(client: Client, token: str) -> str:
    response = client.post(reverse("people:privacy_link", kwargs={"token": token}))
    assert response.status_code == 302
    return str(response["Location"])


def test_the_start_page_is_a_form_with_no_cookie_but_csrf(client: Client) -> None:
    response = client.get(START)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert set(response.cookies) <= {"csrftoken"}
    assert 'autocomplete="email"' in response.content.decode()


def test_a_known_address_gets_a_link_and_the_same_answer_as_an_unknown_one(person: Person, ask: Any) -> None:
    unknown = ask("nobody@example.org")
    assert unknown.status_code == 200 and SAME_ANSWER in unknown.content.decode()
    assert mail.outbox == []
    known = ask("ROWAN@example.org")
    assert known.status_code == 200 and SAME_ANSWER in known.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rowan@example.org"]
    assert "60 minutes" in mail.outbox[0].body
    assert mail.outbox[0].alternatives  # html part
    token = _link_from_mail()
    assert PrivacyLink.objects.get().token_hash != token  # only a hash is stored
    # The audit log cannot tell staff who is known either: both requests look the same.
    events = AuditEvent.objects.filter(action="people.privacy_link.requested").order_by("id")
    shapes = [(event.actor_id, event.object_type, event.object_id, event.data) for event in events]
    assert shapes == [(None, "", "", {"via": "privacy page"})] * 2


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address"),
        ("not-an-email", "Enter an email address in the correct format"),
        ("a" * 250 + "@example.org", "254 characters or fewer"),
        ("<script>@example.org", "Enter an email address in the correct format"),
    ],
)
def test_bad_addresses_get_a_clear_error_and_keep_the_answer(email: str, message: str, ask: Any) -> None:
    response = ask(email)
    body = response.content.decode()
    assert response.status_code == 400
    assert message in body and "There is a problem" in body
    assert "<script>@" not in body
    assert not PrivacyLink.objects.exists() and mail.outbox == []


def test_a_bot_gets_the_same_answer_and_no_email(person: Person, ask: Any) -> None:
    response = ask("rowan@example.org", website="http://spam.example")
    assert SAME_ANSWER in response.content.decode()
    assert mail.outbox == [] and not PrivacyLink.objects.exists()


def test_requests_are_limited_per_address_silently_and_per_connection_openly(
    person: Person, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    # A frozen clock at the start of a window, so the counts cannot straddle two windows.
    with time_machine.travel("2026-03-02 10:00:00 +0000", tick=False) as traveller:
        forms = [_form_data(email) for email in ["rowan@example.org"] * 4 + ["someone@example.org"] * 2]
        traveller.shift(5)
        with django_capture_on_commit_callbacks(execute=True):
            answers = [client.post(START, data) for data in forms]
    assert all(SAME_ANSWER in answer.content.decode() for answer in answers[:5])
    assert len(mail.outbox) == 3  # the fourth request for one address is answered but not sent
    assert answers[5].status_code == 429 and "Too many requests" in answers[5].content.decode()


def test_the_link_shows_a_button_and_only_the_post_uses_it(person: Person, ask: Any, client: Client) -> None:
    ask("rowan@example.org")
    token = _link_from_mail()
    url = reverse("people:privacy_link", kwargs={"token": token})
    page = client.get(url)
    assert page.status_code == 200 and "Show my data" in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert PrivacyLink.objects.get().used_at is None  # a mail scanner's GET changes nothing
    location = _open(client, token)
    assert location.startswith("/privacy/access/")
    assert PrivacyLink.objects.get().used_at is not None
    assert AuditEvent.objects.filter(action="people.privacy_link.confirmed").count() == 1


def test_a_replayed_link_is_refused_and_changes_nothing(person: Person, ask: Any, client: Client) -> None:
    ask("rowan@example.org")
    token = _link_from_mail()
    _open(client, token)
    grants = PrivacyGrant.objects.count()
    url = reverse("people:privacy_link", kwargs={"token": token})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 410
        assert "already been used" in response.content.decode()
    assert PrivacyGrant.objects.count() == grants


def test_an_expired_link_is_refused(person: Person, ask: Any, client: Client) -> None:
    ask("rowan@example.org")
    token = _link_from_mail()
    url = reverse("people:privacy_link", kwargs={"token": token})
    with time_machine.travel(timedelta(minutes=61)):
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 410 and "expired" in response.content.decode()
    assert PrivacyLink.objects.get().used_at is None and not PrivacyGrant.objects.exists()


@pytest.mark.parametrize("token", ["nonsense", "x" * 65, "a" * 43])
def test_unknown_or_oversized_tokens_get_a_clear_page(token: str, client: Client) -> None:
    for path in ("people:privacy_link", "people:privacy_manage", "people:privacy_erase"):
        response = client.get(reverse(path, kwargs={"token": token}))
        assert response.status_code == 404 and "does not work" in response.content.decode()
    response = client.post(reverse("people:privacy_withdraw", kwargs={"token": token}), {"consent_id": 1})
    assert response.status_code == 404


@pytest.fixture
def access(person: Person, ask: Any, client: Client) -> str:
    ask("rowan@example.org")
    return _open(client, _link_from_mail())


def test_the_privacy_page_shows_everything_grouped_by_purpose(access: str, client: Client, person: Person) -> None:
    response = client.get(access)
    body = response.content.decode()
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    for text in ("rowan@example.org", "Rowan Ash", "N1 9GU", "Large print", "Your contact details"):
        assert text in body
    assert "Send me the weekly members&#x27; bulletin" in body
    assert "How long we keep it" in body
    assert body.count('name="consent_id"') == 2
    assert response.cookies.get("sessionid") is None
    assert response["Referrer-Policy"] == "strict-origin"  # the token in the address goes nowhere
    event = AuditEvent.objects.get(action="people.privacy.viewed")
    assert event.object_id == str(person.pk)


def test_downloads_in_json_and_csv(access: str, client: Client) -> None:
    as_json = client.get(access + "download.json")
    assert as_json["Content-Disposition"].startswith("attachment;")
    assert "no-store" in as_json["Cache-Control"]
    data = json.loads(as_json.content)
    values = [item["value"] for group in data["groups"] for item in group["items"]]
    assert "rowan@example.org" in values and "Rowan Ash" in values
    as_csv = client.get(access + "download.csv")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode())))
    assert rows[0][0] == "Group" and any("N1 9GU" in row for row in rows)
    assert client.get(access + "download.xml").status_code == 404
    assert AuditEvent.objects.filter(action="people.privacy.downloaded").count() == 2


def test_withdrawing_an_agreement(access: str, client: Client, person: Person) -> None:
    bulletin = ConsentRecord.objects.get(purpose=ConsentPurpose.BULLETIN)
    url = access + "withdraw/"
    response = client.post(url, {"consent_id": bulletin.pk})
    assert response.status_code == 302 and "withdrawn=1" in response["Location"]
    bulletin.refresh_from_db()
    assert bulletin.withdrawn_at is not None and bulletin.withdrawn_via == "privacy page"
    page = client.get(response["Location"]).content.decode()
    assert "has been withdrawn" in page and page.count('name="consent_id"') == 1
    assert client.post(url, {"consent_id": "abc"}).status_code == 400
    assert client.get(url).status_code == 405


def test_someone_elses_agreement_cannot_be_withdrawn(access: str, client: Client) -> None:
    stranger = make_person("stranger@example.org")
    theirs = give_consent(stranger)
    client.post(access + "withdraw/", {"consent_id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.withdrawn_at is None


def test_erasing_everything(access: str, client: Client, person: Person) -> None:
    confirm = client.get(access + "erase/")
    assert confirm.status_code == 200 and "What we keep, and why" in confirm.content.decode()
    person.refresh_from_db()
    assert person.erased_at is None  # the GET only asks
    done = client.post(access + "erase/")
    body = done.content.decode()
    assert done.status_code == 200 and "has been erased" in body and "What we have kept" in body
    person.refresh_from_db()
    assert person.erased_at is not None and person.email == "" and person.name == ""
    assert not ConsentRecord.objects.filter(withdrawn_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="people.person.erased", object_id=str(person.pk)).exists()
    # The access ends with the erasure.
    assert client.get(access).status_code == 404


def test_the_erase_question_says_what_will_go(access: str, client: Client, person: Person) -> None:
    body = client.get(access + "erase/").content.decode()
    assert "What we will erase" in body
    assert "Your contact details (" in body
    assert "kinds of records" in body or "1 kind of record" in body
    assert "rowan@example.org" not in body and "Rowan Ash" not in body  # titles only, never the values


def test_access_expires(access: str, client: Client) -> None:
    with time_machine.travel(timedelta(minutes=31)):
        response = client.get(access)
        assert response.status_code == 410 and "expired" in response.content.decode()
        assert client.post(access + "erase/").status_code == 410
    assert Person.objects.get().erased_at is None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(email=st.text(max_size=400), website=st.sampled_from(["", "x"]))
def test_any_input_gets_a_clear_answer_and_never_an_error(email: str, website: str) -> None:
    cache.clear()
    response = Client().post(START, {"email": email, "website": website, "form_started": "junk"})
    assert response.status_code in {200, 400}
    assert "If we hold data" in response.content.decode() or "There is a problem" in response.content.decode()
    assert not PrivacyLink.objects.exists()  # forged fill time: treated as a bot, nothing sent


def test_asking_for_a_link_does_the_same_work_whoever_the_address_belongs_to(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The page answers in the same time for a known and an unknown address: the lookup
    happens in the outbox's run, after the answer has gone."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chorus.people.services import person_get_or_create, privacy_link_request

    person_get_or_create(email="known@example.org")
    statements = []
    for address in ("known@example.org", "unknown@example.org"):
        with CaptureQueriesContext(connection) as queries:
            privacy_link_request(email=address)
        statements.append([re.sub(r"'[^']*'|\d+", "?", query["sql"]) for query in queries.captured_queries])
    assert statements[0] == statements[1]
    assert not any("people_person" in sql for sql in statements[0])
    mail.outbox.clear()
    outbox_send()
    assert [message.to for message in mail.outbox] == [["known@example.org"]]  # nothing to an unknown address
