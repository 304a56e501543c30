"""Campaign updates: campaigners write to the signers who asked for updates on one action.

Personas: a campaigner sends; an editor may not; signers agreed (or not) when they signed.
"""

from __future__ import annotations

import email
import importlib
import re
import smtplib
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends import locmem
from django.test import Client
from django.utils import timezone
from django.utils.html import strip_tags

from chorus.campaigns import consents
from chorus.campaigns.models import CAMPAIGN_UPDATE_EMAIL, CampaignUpdate, Signature, SignatureStatus
from chorus.campaigns.selectors import UpdateFigures, consent_scope, sent_updates
from chorus.campaigns.services.updates import campaign_update_send, campaign_update_start, campaign_updates_finish
from chorus.campaigns.tests.factories import letter, petition
from chorus.campaigns.tokens import stop_updates_token
from chorus.core.audit import log_action
from chorus.core.models import AuditEvent, OutboxMessage, OutboxStatus
from chorus.core.outbox import LEASE, MAX_ATTEMPTS, outbox_send
from chorus.core.tests.keys import keys_on
from chorus.core.tests.smtp_server import smtp_mailer
from chorus.people.models import ConsentPurpose, ConsentRecord, Person
from chorus.people.selectors import consent_is_active
from chorus.people.services import consent_give, consent_withdraw, person_get_or_create
from conftest import client_for

pytestmark = pytest.mark.django_db

STOP_LINK = re.compile(r"https?://[^\s\"<>]*/campaigns/updates/stop/[^\s\"<>]+/")


@pytest.fixture
def action(index: Any) -> Any:
    return letter(index, title="Fund crisis houses")


@pytest.fixture
def other_action(index: Any) -> Any:
    return petition(index)


def _agree(person: Person, action: Any) -> ConsentRecord:
    return consent_give(
        person=person,
        purpose=ConsentPurpose.CAMPAIGN_UPDATES,
        wording=consents.UPDATES,
        wording_version=consents.WORDING_VERSION,
        source=f"campaigns.sign:{action.pk}",
        scope=consent_scope(action.pk),
    )


def signer(
    action: Any, address: str, *, status: SignatureStatus = SignatureStatus.CONFIRMED, updates: bool = True
) -> Person:
    person, _ = person_get_or_create(email=address)
    Signature.objects.create(action=action, person=person, name="Signer", status=status)
    if updates:
        _agree(person, action)
    return person


def send(action: Any, actor: Any, capture: Any, subject: str = "We delivered it", body: str = "Thank you.") -> Any:
    with capture(execute=True):
        return campaign_update_send(action=action, subject=subject, body=body, actor=actor)


def queue(action: Any, actor: Any, capture: Any) -> Any:
    """Store an update without running its task: the test runs the sender itself."""
    with capture(execute=False):
        return campaign_update_send(action=action, subject="We delivered it", body="Thank you.", actor=actor)


def recipients() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def outcome(**counts: int) -> dict[str, int]:
    """The "delivered" audit event's data: every outcome counted, zeros included."""
    return {"sent": 0, "skipped": 0, "refused": 0, "given_up": 0, **counts}


def send_retries_until_settled() -> None:
    """Run the outbox at each retry time until no copy is waiting (refused for now every time)."""
    for _ in range(MAX_ATTEMPTS):
        waiting = OutboxMessage.objects.filter(status=OutboxStatus.PENDING).order_by("next_attempt_at").first()
        if waiting is None:
            return
        with time_machine.travel(waiting.next_attempt_at + timedelta(seconds=1)):
            outbox_send()


# --- who may send -------------------------------------------------------------------


def _url(action: Any) -> str:
    return f"/admin/campaigns/{action.pk}/send-update/"


def test_anonymous_is_sent_to_sign_in(action: Any) -> None:
    for response in (Client().get(_url(action)), Client().post(_url(action), {"subject": "s", "body": "b"})):
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not CampaignUpdate.objects.exists()


def test_an_editor_is_refused(action: Any, editor: Any, django_capture_on_commit_callbacks: Any) -> None:
    client = client_for(editor)
    assert client.get(_url(action)).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(action), {"subject": "s", "body": "b", "step": "send"})
    assert response.status_code == 403
    assert not CampaignUpdate.objects.exists()
    with pytest.raises(PermissionDenied):
        campaign_update_send(action=action, subject="s", body="b", actor=editor)


@pytest.mark.parametrize("persona", ["campaigner", "administrator"])
def test_campaign_staff_may_enter(action: Any, persona: str, request: pytest.FixtureRequest) -> None:
    response = client_for(request.getfixturevalue(persona)).get(_url(action))
    assert response.status_code == 200
    assert b"0 signers agreed to updates on this action" in response.content


def test_the_dashboard_links_to_it(action: Any, campaigner: Any) -> None:
    assert _url(action).encode() in client_for(campaigner).get(f"/admin/campaigns/{action.pk}/").content


# --- the screen: write, preview, send -----------------------------------------------


def test_errors_are_listed_and_answers_kept(action: Any, campaigner: Any) -> None:
    response = client_for(campaigner).post(
        _url(action), {"subject": "x" * 151, "body": "Our letter reached the minister.", "step": "send"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="error-summary"' in content
    assert '<a href="#id_subject">The subject can be up to 150 characters.</a>' in content
    assert "x" * 151 in content  # the answer is kept, to be shortened
    assert "Our letter reached the minister.</textarea>" in content
    # Each hint and error an input points screen readers at is on the page, once.
    described = [i for ids in re.findall(r'aria-describedby="([^"]+)"', content) for i in ids.split()]
    assert "id_subject_error" in described
    for element_id in described:
        assert content.count(f'id="{element_id}"') == 1, element_id
    assert not CampaignUpdate.objects.exists()

    response = client_for(campaigner).post(_url(action), {"subject": "News", "body": "", "step": "preview"})
    assert response.status_code == 400
    assert '<a href="#id_body">Enter the message.</a>' in response.content.decode()
    assert 'value="News"' in response.content.decode()


def test_preview_shows_the_email_and_how_many_without_sending(action: Any, other_action: Any, campaigner: Any) -> None:
    signer(action, "ana@example.org")
    signer(action, "bo@example.org")
    signer(action, "pending@example.org", status=SignatureStatus.PENDING)
    signer(other_action, "elsewhere@example.org")
    response = client_for(campaigner).post(
        _url(action), {"subject": "We delivered it", "body": "Thank you, all of you.", "step": "preview"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "2 signers agreed to updates on this action" in content
    assert "Thank you, all of you." in content
    assert "you asked for updates when you signed" in content
    assert 'name="step" value="send"' in content and "Send to 2 signers" in content
    assert not mail.outbox and not CampaignUpdate.objects.exists()


def test_the_preview_shows_markup_in_the_message_as_written(action: Any, campaigner: Any) -> None:
    response = client_for(campaigner).post(
        _url(action), {"subject": "News", "body": "<script>alert(1)</script> <b>bold</b>", "step": "preview"}
    )
    content = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in content
    assert "<script>alert(1)" not in content and "<b>bold</b>" not in content


def test_sending_from_the_screen_stores_audits_and_sends(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    signer(action, "ana@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(campaigner).post(
            _url(action), {"subject": "We delivered it", "body": "Thank you.", "step": "send"}
        )
    assert response.status_code == 302 and response["Location"] == f"/admin/campaigns/{action.pk}/"
    assert campaign_updates_finish() == 1  # every copy settled: the outcome is kept as counts
    update = CampaignUpdate.objects.get()
    assert (update.subject, update.body, update.created_by, update.recipients, update.sent) == (
        "We delivered it",
        "Thank you.",
        campaigner,
        1,
        1,
    )
    assert recipients() == ["ana@example.org"]
    event = AuditEvent.objects.get(action="campaigns.update.sent")
    assert event.actor == campaigner and event.object_id == str(update.pk)
    assert event.data == {"action": action.pk, "recipients": 1}  # ids and counts, no address
    delivered = AuditEvent.objects.get(action="campaigns.update.delivered")
    assert delivered.data == {"action": action.pk, **outcome(sent=1)}


def test_send_pressed_twice_sends_one_update_to_each_signer_once(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    signer(action, "ana@example.org")
    signer(action, "bo@example.org")
    client = client_for(campaigner)
    [key] = keys_on(client.get(_url(action)).content)
    text = {"subject": "We delivered it", "body": "Thank you."}
    preview = client.post(_url(action), {**text, "step": "preview", "submission_key": key})
    assert keys_on(preview.content) == [key]  # the key travels from writing through the preview
    responses = []
    for _ in range(2):  # a double click on "Send", each post after the other's emails went
        with django_capture_on_commit_callbacks(execute=True):
            responses.append(client.post(_url(action), {**text, "step": "send", "submission_key": key}))
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[1]["Location"] == responses[0]["Location"] == f"/admin/campaigns/{action.pk}/"
    assert CampaignUpdate.objects.count() == 1
    assert AuditEvent.objects.filter(action="campaigns.update.sent").count() == 1
    assert recipients() == ["ana@example.org", "bo@example.org"]
    assert "This update was already sent. It has not been sent again." in client.get(_url(action)).content.decode()


def test_a_changed_update_sent_from_the_same_page_is_a_second_update(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Back to the page after sending, the text changed and sent again: a new update, on purpose.
    signer(action, "ana@example.org")
    client = client_for(campaigner)
    [key] = keys_on(client.get(_url(action)).content)
    for body in ("Thank you.", "A correction: the meeting is on Tuesday."):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(_url(action), {"subject": "News", "body": body, "step": "send", "submission_key": key})
    assert CampaignUpdate.objects.count() == 2
    assert len(mail.outbox) == 2


# --- who gets it --------------------------------------------------------------------


def test_only_confirmed_signers_with_active_consent_for_this_action_get_it(
    action: Any, other_action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    signer(action, "yes@example.org")
    signer(action, "no-consent@example.org", updates=False)
    signer(action, "pending@example.org", status=SignatureStatus.PENDING)
    signer(action, "invalid@example.org", status=SignatureStatus.INVALIDATED)
    withdrawn = signer(action, "withdrew@example.org")
    consent_withdraw(
        person=withdrawn, purpose=ConsentPurpose.CAMPAIGN_UPDATES, scope=consent_scope(action.pk), via="test"
    )
    # Agreed to updates on the other action only, though they signed this one too.
    both = signer(action, "other-only@example.org", updates=False)
    Signature.objects.create(action=other_action, person=both, name="Signer", status=SignatureStatus.CONFIRMED)
    _agree(both, other_action)
    # Agreed for this action, but signed only the other one.
    _agree(signer(other_action, "not-signed-here@example.org", updates=False), action)
    update = send(action, campaigner, django_capture_on_commit_callbacks)
    assert recipients() == ["yes@example.org"]
    campaign_updates_finish()
    update.refresh_from_db()
    assert (update.recipients, update.sent) == (1, 1)
    assert OutboxMessage.objects.filter(kind=CAMPAIGN_UPDATE_EMAIL).count() == 1  # one copy, for one person


def test_the_email_says_why_carries_a_stop_link_and_one_click_headers(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    person = signer(action, "ana@example.org")
    send(
        action,
        campaigner,
        django_capture_on_commit_callbacks,
        subject="It's delivered & read",
        body="Line one.\n\nLine <two>.",
    )
    message = mail.outbox[0]
    assert message.subject == "It's delivered & read"  # plain text, not HTML-escaped
    text = str(message.body)
    assert text.startswith("Line one.\n\nLine <two>.")
    assert 'you asked for updates when you signed "Fund crisis houses"' in text
    link = STOP_LINK.search(text)
    assert link is not None
    assert stop_updates_token(person_id=person.pk, action_id=action.pk) in link.group(0)
    assert "ana" not in link.group(0)  # the token names ids, never the address
    assert message.extra_headers["List-Unsubscribe"] == f"<{link.group(0)}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0].content
    assert "<p>Line <two>.</p>" not in html and "Line &lt;two&gt;." in html


# --- sending each once --------------------------------------------------------------


def test_listing_the_recipients_again_queues_no_one_twice(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for name in ("ana", "bo", "cy"):
        signer(action, f"{name}@example.org")
    update = send(action, campaigner, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    assert campaign_update_start(update_id=update.pk) == 0  # a retried task: already started
    CampaignUpdate.objects.filter(pk=update.pk).update(started_at=None)  # even if it looked unstarted
    assert campaign_update_start(update_id=update.pk) == 3
    assert OutboxMessage.objects.filter(kind=CAMPAIGN_UPDATE_EMAIL).count() == 3  # keyed by update and person
    assert outbox_send().sent == 0
    assert recipients() == ["ana@example.org", "bo@example.org", "cy@example.org"]


def test_a_broken_connection_resends_none_that_went_and_the_retry_sends_the_rest(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    for i in range(4):
        signer(action, f"p{i}@example.org")
    real_send = locmem.EmailBackend.send_messages
    calls = {"n": 0}

    def breaks_on_the_third(self: Any, messages: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 3:
            raise smtplib.SMTPServerDisconnected("connection to p2@example.org lost")
        return real_send(self, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", breaks_on_the_third)
    update = queue(action, campaigner, django_capture_on_commit_callbacks)
    campaign_update_start(update_id=update.pk)
    assert outbox_send().sent == 2
    assert recipients() == ["p0@example.org", "p1@example.org"]
    errors = set(OutboxMessage.objects.filter(status=OutboxStatus.PENDING).values_list("error", flat=True))
    assert errors == {"SMTPServerDisconnected"}  # no address in what is kept
    assert campaign_updates_finish() == 0  # not finished while copies wait
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", real_send)
    send_retries_until_settled()
    assert recipients() == [f"p{i}@example.org" for i in range(4)]
    assert campaign_updates_finish() == 1
    update.refresh_from_db()
    assert update.sent == 4 and update.finished_at is not None


def test_a_copy_claimed_by_a_run_that_died_goes_once_its_lease_runs_out(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    signer(action, "ana@example.org")
    signer(action, "bo@example.org")
    update = queue(action, campaigner, django_capture_on_commit_callbacks)  # the task never ran
    campaign_update_start(update_id=update.pk)
    died = OutboxMessage.objects.filter(kind=CAMPAIGN_UPDATE_EMAIL).order_by("pk").first()
    assert died is not None
    # A run took one copy, then died mid-send: it may or may not have gone.
    OutboxMessage.objects.filter(pk=died.pk).update(
        status=OutboxStatus.SENDING, claim="dead", claimed_at=timezone.now(), attempts=1
    )
    assert outbox_send().sent == 1  # the other copy; the claimed one waits out its lease
    with time_machine.travel(timezone.now() + LEASE + timedelta(seconds=1)):
        assert outbox_send().sent == 1  # at least once: a lost copy is worse than a second one
    assert recipients() == ["ana@example.org", "bo@example.org"]


def test_an_update_whose_task_was_lost_is_started(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    signer(action, "ana@example.org")
    update = queue(action, campaigner, django_capture_on_commit_callbacks)
    assert campaign_updates_finish() == 0  # too recent: its own task may be about to run
    assert not OutboxMessage.objects.exists()
    CampaignUpdate.objects.filter(pk=update.pk).update(created_at=update.created_at - timedelta(minutes=11))
    campaign_updates_finish()
    assert outbox_send().sent == 1
    assert campaign_updates_finish() == 1
    assert recipients() == ["ana@example.org"]


def test_an_address_refused_for_good_does_not_stop_the_rest(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with smtp_mailer() as handler:
        handler.refuse["gone@example.org"] = "550 5.1.1 No such user"
        for name in ("ana", "gone", "cy"):
            signer(action, f"{name}@example.org")
        update = send(action, campaigner, django_capture_on_commit_callbacks)
        assert outbox_send().sent == 0  # not tried again
    assert set(handler.received) == {"ana@example.org", "cy@example.org"}
    sample = email.message_from_bytes(handler.samples[0])
    assert sample["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/campaigns/updates/stop/" in sample["List-Unsubscribe"]
    # On the wire, as a mail provider reads it: the link whole on one line, no encoded-word.
    raw = handler.samples[0]
    assert re.search(rb"\r\nList-Unsubscribe: <https?://[^\s>]+/campaigns/updates/stop/[^\s>]+/>\r\n", raw)
    assert b"List-Unsubscribe: =?" not in raw
    assert campaign_updates_finish() == 1
    update.refresh_from_db()
    assert (update.recipients, update.sent) == (3, 2)
    assert AuditEvent.objects.get(action="campaigns.update.delivered").data == {
        "action": action.pk,
        **outcome(sent=2, refused=1),
    }


def test_an_address_refused_for_now_does_not_stop_the_rest_and_the_error_names_no_one(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with smtp_mailer() as handler:
        handler.refuse["busy@example.org"] = "450 4.2.1 Try again later"
        for name in ("ana", "busy", "cy"):
            signer(action, f"{name}@example.org")
        update = queue(action, campaigner, django_capture_on_commit_callbacks)
        campaign_update_start(update_id=update.pk)
        assert outbox_send().retrying == 1
        waiting = OutboxMessage.objects.get(status=OutboxStatus.PENDING)
        assert waiting.error == "SMTPRecipientsRefused 450"
        assert set(handler.received) == {"ana@example.org", "cy@example.org"}  # the rest went
        assert campaign_updates_finish() == 0
        assert _figures(update).refused_for_now == 1
        del handler.refuse["busy@example.org"]
        send_retries_until_settled()
    assert handler.received == {"ana@example.org": 1, "busy@example.org": 1, "cy@example.org": 1}
    assert campaign_updates_finish() == 1
    update.refresh_from_db()
    assert update.sent == 3 and update.finished_at is not None


def test_an_address_refused_for_now_at_every_try_is_given_up(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with smtp_mailer() as handler:
        handler.refuse["busy@example.org"] = "451 4.7.1 Greylisted"
        signer(action, "busy@example.org")
        update = queue(action, campaigner, django_capture_on_commit_callbacks)
        campaign_update_start(update_id=update.pk)
        outbox_send()
        send_retries_until_settled()
    assert campaign_updates_finish() == 1
    update.refresh_from_db()
    assert update.finished_at is not None and update.given_up == 1
    assert AuditEvent.objects.get(action="campaigns.update.delivered").data == {
        "action": action.pk,
        **outcome(given_up=1),
    }


# --- stopping updates ---------------------------------------------------------------


def _stop_url(person: Person, action: Any) -> str:
    return f"/campaigns/updates/stop/{stop_updates_token(person_id=person.pk, action_id=action.pk)}/"


def _active(person: Person, action: Any) -> bool:
    return consent_is_active(person=person, purpose=ConsentPurpose.CAMPAIGN_UPDATES, scope=consent_scope(action.pk))


def test_the_stop_link_withdraws_only_this_actions_updates_and_get_changes_nothing(
    action: Any, other_action: Any
) -> None:
    person = signer(action, "ana@example.org")
    _agree(person, other_action)
    consent_give(
        person=person, purpose=ConsentPurpose.BULLETIN, wording="b", wording_version="t", source="test", scope=""
    )
    client = Client(enforce_csrf_checks=True)
    page = client.get(_stop_url(person, action))
    assert page.status_code == 200 and b"Stop updates" in page.content
    assert "no-cache" in page["Cache-Control"] and not page.cookies
    assert _active(person, action)  # a link scanner's GET stops nothing
    done = client.post(_stop_url(person, action))
    assert done.status_code == 200 and b"Updates stopped" in done.content and not done.cookies
    assert not _active(person, action)
    assert _active(person, other_action)
    assert consent_is_active(person=person, purpose=ConsentPurpose.BULLETIN)
    assert AuditEvent.objects.filter(action="people.consent.withdrawn").count() == 1


def test_one_click_post_works_without_csrf_and_the_person_gets_no_more(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    signer(action, "ana@example.org")
    send(action, campaigner, django_capture_on_commit_callbacks)
    url = mail.outbox[0].extra_headers["List-Unsubscribe"][1:-1]
    # What a mail provider sends (RFC 8058): a bare POST with no cookie and no token.
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    send(action, campaigner, django_capture_on_commit_callbacks, subject="Second")
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("change", ["action", "signature", "person"])
def test_a_changed_or_unknown_stop_link_does_nothing(action: Any, other_action: Any, change: str) -> None:
    person = signer(action, "ana@example.org")
    _agree(person, other_action)
    token = stop_updates_token(person_id=person.pk, action_id=action.pk)
    if change == "action":  # pointing a valid signature at another action
        token = token.replace(f".{action.pk}:", f".{other_action.pk}:")
    elif change == "signature":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    else:
        token = stop_updates_token(person_id=person.pk + 1000, action_id=action.pk)
    response = Client().post(f"/campaigns/updates/stop/{token}/")
    assert response.status_code == 404
    assert _active(person, action) and _active(person, other_action)


# --- updates already sent: what became of them, never who got them --------------------


def _updates_url(action: Any) -> str:
    return f"/admin/campaigns/{action.pk}/updates/"


def _rows(content: str) -> list[list[str]]:
    """The body rows of the page's table of updates, as the text of their cells."""
    body = content.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [strip_tags(cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def _figures(update: CampaignUpdate) -> UpdateFigures:
    return next(row.figures for row in sent_updates(action_id=update.action_id) if row.update.pk == update.pk)


ADDRESSES = ("ana@example.org", "bo@example.org", "gone@example.org", "busy@example.org", "quits@example.org")


def test_the_list_shows_what_became_of_each_update_newest_first_and_only_this_actions(
    action: Any, other_action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    signer(other_action, "elsewhere@example.org")
    elsewhere = send(other_action, campaigner, django_capture_on_commit_callbacks, subject="Elsewhere news")
    people = {address: signer(action, address) for address in ADDRESSES}
    with smtp_mailer() as handler:
        handler.refuse["gone@example.org"] = "550 5.1.1 No such user"
        handler.refuse["busy@example.org"] = "450 4.2.1 Try again later"
        first = queue(action, campaigner, django_capture_on_commit_callbacks)
        campaign_update_start(update_id=first.pk)  # the list of recipients is made; then one stops updates
        consent_withdraw(
            person=people["quits@example.org"],
            purpose=ConsentPurpose.CAMPAIGN_UPDATES,
            scope=consent_scope(action.pk),
            via="test",
        )
        outbox_send()
        # While it is being sent, the figures come from its copies in the outbox.
        assert _figures(first) == UpdateFigures(
            queued=5, sent=2, stopped=1, refused=1, given_up=0, to_send=1, refused_for_now=1
        )
        send_retries_until_settled()  # refused for now at every try: given up
    assert campaign_updates_finish() == 2  # this one, and the other action's
    first.refresh_from_db()
    assert first.finished_at is not None
    # Once it has finished, the same figures are kept as counts on the update.
    assert (first.sent, first.skipped, first.refused, first.given_up) == (2, 1, 1, 1)
    assert _figures(first) == UpdateFigures(
        queued=5, sent=2, stopped=1, refused=1, given_up=1, to_send=0, refused_for_now=0
    )
    newest = queue(action, campaigner, django_capture_on_commit_callbacks)  # its task has not run yet
    CampaignUpdate.objects.filter(pk=newest.pk).update(subject="Newest news")
    # Made last but sent earliest: the list goes by when an update was sent, not by id.
    oldest = CampaignUpdate.objects.create(
        action=action, subject="Oldest news", body="b", created_at=timezone.now() - timedelta(days=30)
    )

    response = client_for(campaigner).get(_updates_url(action))
    assert response.status_code == 200
    content = response.content.decode()
    rows = _rows(content)
    # Subject, sent on, by, queued, sent, stopped updates, refused, given up, still to send.
    assert [row[:1] + row[2:] for row in rows] == [
        ["Newest news", "cam-campaigner", "4", "0", "0", "0", "0", "4"],
        ["We delivered it", "cam-campaigner", "5", "2", "1", "1", "1", "0"],
        ["Oldest news", "Not known", "0", "0", "0", "0", "0", "0"],
    ]
    for update in (newest, first, oldest):
        assert f'href="/admin/campaigns/{action.pk}/updates/{update.pk}/"' in content
    assert "Elsewhere news" not in content and f"/updates/{elsewhere.pk}/" not in content
    # About the update, never the people: no address or part of one, on the list or the dashboard.
    dashboard = client_for(campaigner).get(f"/admin/campaigns/{action.pk}/").content.decode()
    assert "Newest news" in dashboard and _updates_url(action) in dashboard
    for page in (content, dashboard):
        assert "example.org" not in page and "quits" not in page and "gone@" not in page


def test_the_figures_of_every_update_come_from_two_queries_however_many_updates(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any, django_assert_num_queries: Any
) -> None:
    for address in ADDRESSES:
        signer(action, address)
    for _ in range(3):
        campaign_update_start(update_id=queue(action, campaigner, django_capture_on_commit_callbacks).pk)
    # The updates, then one aggregate of their copies in the outbox.
    with django_assert_num_queries(2):
        rows = sent_updates(action_id=action.pk)
        assert [row.figures.to_send for row in rows] == [5, 5, 5]
        assert {str(row.update.created_by) for row in rows} == {"cam-campaigner"}


def test_an_update_is_shown_as_its_recipients_got_it_with_its_figures_and_no_one_named(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    signer(action, "ana@example.org")
    update = send(
        action, campaigner, django_capture_on_commit_callbacks, subject="Delivered & read", body="Line <one>.\n\nTwo."
    )
    response = client_for(campaigner).get(f"{_updates_url(action)}{update.pk}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<title>Delivered &amp; read: update on Fund crisis houses" in content
    assert "Line &lt;one&gt;.\n\nTwo." in content and "<one>" not in content  # as written, never run as HTML
    assert 'you asked for updates when you signed "Fund crisis houses"' in content.replace("&quot;", '"')
    assert "(each person&#x27;s own link to stop updates)" in content
    assert "<dt>Sent</dt><dd>1: accepted by the mail server</dd>" in content
    assert "<dt>Still to send</dt><dd>0</dd>" in content
    assert "example.org" not in content and "/campaigns/updates/stop/" not in content
    # Counts only, so nothing to account for in the audit log.
    assert not AuditEvent.objects.filter(action__startswith="campaigns.signatures.").exists()


def test_an_update_of_another_action_or_a_bad_id_is_not_found(
    action: Any, other_action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    elsewhere = send(other_action, campaigner, django_capture_on_commit_callbacks)
    client = client_for(campaigner)
    assert client.get(f"/admin/campaigns/{other_action.pk}/updates/{elsewhere.pk}/").status_code == 200
    for update_id in (str(elsewhere.pk), str(elsewhere.pk + 1), "0", "2" + "0" * 19, "9" * 30, "1x", "%C2%B2"):
        assert client.get(f"{_updates_url(action)}{update_id}/").status_code == 404, update_id
    assert client.get("/admin/campaigns/99999/updates/").status_code == 404


def test_updates_sent_before_the_counts_were_kept_get_them_from_the_audit_log(action: Any, campaigner: Any) -> None:
    update = CampaignUpdate.objects.create(
        action=action, subject="s", body="b", recipients=9, sent=5, finished_at=timezone.now()
    )
    unfinished = CampaignUpdate.objects.create(action=action, subject="s", body="b", recipients=3)
    log_action(
        "campaigns.update.delivered", obj=update, data={"action": action.pk, "sent": 5, "skipped": 2, "refused": 1}
    )
    migration = importlib.import_module("chorus.campaigns.migrations.0006_campaign_update_outcome")
    migration.outcome_from_audit_log(django_apps, None)
    update.refresh_from_db()
    unfinished.refresh_from_db()
    assert (update.skipped, update.refused, update.given_up) == (2, 1, 1)
    assert (unfinished.skipped, unfinished.refused, unfinished.given_up) == (0, 0, 0)
