"""Signing, confirming and counting: every path a signature can take."""

from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chorus.accounts.models import User
from chorus.bulletin.models import Subscription, SubscriptionStatus
from chorus.campaigns import consents
from chorus.campaigns.models import (
    SIGNER_CONFIRM_EMAIL,
    BlockedEmailDomain,
    BlockedIpHash,
    DisplayChoice,
    Moderation,
    Signature,
    SignatureIntake,
    SignatureKind,
    SignatureStatus,
)
from chorus.campaigns.selectors import (
    ConfirmOutcome,
    InvalidationCriteria,
    action_count,
    consent_scope,
    listed_signatures,
    signatures_matching,
)
from chorus.campaigns.services import signing
from chorus.campaigns.services.actions import action_transition
from chorus.campaigns.services.confirmation import signature_confirm
from chorus.campaigns.services.counts import counts_refresh
from chorus.campaigns.services.moderation import invalidation_reverse, organisations_moderate, signatures_invalidate
from chorus.campaigns.services.signing import (
    FILING_QUEUED,
    SubmitOutcome,
    signature_submit,
    signatures_file,
    signatures_file_and_send,
)
from chorus.campaigns.services.trends import trends_check
from chorus.campaigns.tests.conftest import CONFIRM_LINK, token_from_outbox
from chorus.campaigns.tests.factories import details, letter, petition
from chorus.campaigns.workflow import ActionState
from chorus.core.crypto import token_digest
from chorus.core.models import AuditEvent, OutboxMessage, OutboxStatus
from chorus.core.outbox import RUN_QUEUED_FLAG, outbox_send
from chorus.core.tests.mime import mime_bodies, parse_mime
from chorus.core.tests.smtp_server import smtp_mailer
from chorus.people.models import ConsentPurpose, ConsentRecord, Person
from chorus.people.selectors import person_find_by_email
from chorus.people.services import consent_withdraw, person_get_or_create
from conftest import client_for

pytestmark = pytest.mark.django_db

IP = "a" * 32


def submit(action: Any, capture: Any, ip: str = IP, **kwargs: Any) -> SubmitOutcome:
    """Sign as the form does; for a signature taken in, what filing it did (as the sender run would)."""
    with capture(execute=True):  # then the request for a sender run, which sends the email
        received = signature_submit(action=action, details=details(**kwargs), ip_hash=ip)
        if received != SubmitOutcome.RECEIVED:
            return received
        [outcome] = signatures_file()
    return outcome


def test_new_signature_is_pending_and_emails_a_link(index: Any, django_capture_on_commit_callbacks: Any) -> None:
    action = letter(index)
    assert submit(action, django_capture_on_commit_callbacks) == SubmitOutcome.NEW
    signature = Signature.objects.get()
    assert signature.status == SignatureStatus.PENDING
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.org"]
    token = token_from_outbox()
    # Only a hash of the token is stored, and no consent is recorded before confirmation.
    signature.refresh_from_db()
    assert signature.token_hash == token_digest(token) != token
    assert not ConsentRecord.objects.exists()
    assert len(mail.outbox[0].alternatives) == 1  # three-part email: subject, text and HTML


def test_confirm_counts_once_and_records_consents_with_their_words(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    submit(
        action,
        django_capture_on_commit_callbacks,
        display=DisplayChoice.FULL_NAME,
        wants_bulletin=True,
        wants_updates=True,
    )
    token = token_from_outbox()
    assert signature_confirm(token=token) == ConfirmOutcome.CONFIRMED
    person = person_find_by_email(email="sam@example.org")
    records = {r.purpose: r for r in ConsentRecord.objects.filter(person=person)}
    assert records[ConsentPurpose.PUBLISH_NAME].wording == consents.SHOW_NAME
    assert records[ConsentPurpose.PUBLISH_NAME].scope == consent_scope(action.pk)
    assert records[ConsentPurpose.BULLETIN].wording == consents.BULLETIN
    assert records[ConsentPurpose.BULLETIN].scope == ""
    assert records[ConsentPurpose.CAMPAIGN_UPDATES].wording == consents.UPDATES
    counts_refresh()
    assert action_count(action_id=action.pk).total == 1
    # Replaying the link (a second click, a mail scanner retrying) changes nothing.
    assert signature_confirm(token=token) == ConfirmOutcome.ALREADY_CONFIRMED
    counts_refresh()
    assert action_count(action_id=action.pk).total == 1
    assert ConsentRecord.objects.filter(person=person).count() == 3


def test_a_signer_who_asks_for_the_bulletin_gets_it_once_confirmed(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = petition(index)
    submit(action, django_capture_on_commit_callbacks, wants_bulletin=True)
    person = person_find_by_email(email="sam@example.org")
    assert not Subscription.objects.filter(person=person).exists()  # nothing before the address is proved
    token = token_from_outbox()
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        assert signature_confirm(token=token) == ConfirmOutcome.CONFIRMED
    subscription = Subscription.objects.get(person=person)
    assert subscription.status == SubscriptionStatus.ACTIVE and subscription.confirmed_at is not None
    assert mail.outbox == []  # confirming the signature was the opt-in: no second email
    # One consent, in the words the signer saw on the petition.
    [record] = ConsentRecord.objects.filter(person=person, purpose=ConsentPurpose.BULLETIN)
    assert record.wording == consents.BULLETIN
    assert AuditEvent.objects.filter(action="bulletin.subscription.confirmed", object_id=str(subscription.pk)).exists()


def test_a_bulletin_reader_who_signs_keeps_their_topics_and_pause(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = petition(index)
    person, _ = person_get_or_create(email="sam@example.org")
    Subscription.objects.create(person=person, status=SubscriptionStatus.PAUSED, confirmed_at=timezone.now())
    submit(action, django_capture_on_commit_callbacks, wants_bulletin=True)
    signature_confirm(token=token_from_outbox())
    assert Subscription.objects.get(person=person).status == SubscriptionStatus.PAUSED


def test_someone_who_unsubscribed_and_ticks_the_box_again_gets_the_bulletin_again(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    person, _ = person_get_or_create(email="sam@example.org")
    Subscription.objects.create(person=person, status=SubscriptionStatus.UNSUBSCRIBED, ended_at=timezone.now())
    submit(action, django_capture_on_commit_callbacks, wants_bulletin=True)
    signature_confirm(token=token_from_outbox())
    subscription = Subscription.objects.get(person=person)
    assert subscription.status == SubscriptionStatus.ACTIVE and subscription.ended_at is None


def test_a_petition_postcode_stays_on_the_signature_and_never_reaches_the_person(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = petition(index, collect_postcode=True)
    submit(action, django_capture_on_commit_callbacks, postcode="M1 1AE")
    assert Signature.objects.get().postcode == "M1 1AE"
    person = person_find_by_email(email="sam@example.org")
    assert person is not None and person.postcode == ""


def test_unticked_consents_record_nothing(index: Any, django_capture_on_commit_callbacks: Any) -> None:
    action = petition(index)
    submit(action, django_capture_on_commit_callbacks)
    signature_confirm(token=token_from_outbox())
    assert not ConsentRecord.objects.exists()
    assert not listed_signatures(action_id=action.pk).exists()


def test_repeat_signer_is_told_by_email_and_counted_once(index: Any, django_capture_on_commit_callbacks: Any) -> None:
    action = letter(index)
    submit(action, django_capture_on_commit_callbacks)
    signature_confirm(token=token_from_outbox())
    # Another spelling of the same mailbox is the same person.
    outcome = submit(action, django_capture_on_commit_callbacks, email="SAM+again@Example.org")
    assert outcome == SubmitOutcome.ALREADY_SIGNED
    assert "already signed" in mail.outbox[-1].subject.lower()
    assert "/campaigns/confirm/" not in mail.outbox[-1].body
    assert Signature.objects.count() == 1
    counts_refresh()
    assert action_count(action_id=action.pk).total == 1


def test_pending_repeat_gets_a_fresh_link_and_the_old_one_stops_working(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    submit(action, django_capture_on_commit_callbacks)
    old = token_from_outbox()
    assert submit(action, django_capture_on_commit_callbacks, name="Sam R") == SubmitOutcome.RESENT
    new = token_from_outbox()
    assert new != old
    assert signature_confirm(token=old) == ConfirmOutcome.INVALID
    assert signature_confirm(token=new) == ConfirmOutcome.CONFIRMED
    # While the first link was valid, the details stood (only its owner can confirm them).
    assert Signature.objects.get().name == "Sam Rivers"


def test_blocked_domain_and_address_store_and_send_nothing(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    BlockedEmailDomain.objects.create(domain="Spam.Example")
    assert submit(action, django_capture_on_commit_callbacks, email="x@spam.example") == SubmitOutcome.BLOCKED
    block = BlockedIpHash.objects.create(ip_hash="b" * 32)
    assert submit(action, django_capture_on_commit_callbacks, ip="b" * 32) == SubmitOutcome.BLOCKED
    # A block made without an end date still ends: addresses change hands.
    assert block.expires_at - block.created_at == pytest.approx(timedelta(days=14), abs=timedelta(seconds=5))
    expired = BlockedIpHash.objects.create(ip_hash="c" * 32, expires_at=timezone.now() - timedelta(hours=1))
    assert expired.pk
    assert submit(action, django_capture_on_commit_callbacks, ip="c" * 32) == SubmitOutcome.NEW
    assert Signature.objects.count() == 1
    assert len(mail.outbox) == 1


def test_an_address_block_lasts_days_not_months() -> None:
    block = BlockedIpHash(ip_hash="d" * 32, expires_at=timezone.now() + timedelta(days=31))
    with pytest.raises(ValidationError, match="30 days at most"):
        block.full_clean()
    block.expires_at = timezone.now() + timedelta(days=29)
    block.full_clean()


def test_a_new_block_applies_at_once_although_the_lists_are_remembered(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    assert submit(action, django_capture_on_commit_callbacks, email="first@late-spam.example") == SubmitOutcome.NEW
    domain = BlockedEmailDomain.objects.create(domain="late-spam.example")
    assert submit(action, django_capture_on_commit_callbacks, email="second@late-spam.example") == (
        SubmitOutcome.BLOCKED
    )
    domain.delete()
    assert submit(action, django_capture_on_commit_callbacks, email="third@late-spam.example") == SubmitOutcome.NEW


@override_settings(CHORUS_CAMPAIGNS_SIGN_BURST=2)
def test_burst_limit_per_address(index: Any, django_capture_on_commit_callbacks: Any) -> None:
    action = letter(index)
    # The limit counts per clock minute: start just after one begins, so that the three
    # tries fall in the same minute however slowly the machine runs them.
    start = timezone.now().replace(second=1, microsecond=0) + timedelta(minutes=1)
    with time_machine.travel(start, tick=True):
        outcomes = [submit(action, django_capture_on_commit_callbacks, email=f"p{i}@example.org") for i in range(3)]
        assert outcomes == [SubmitOutcome.NEW, SubmitOutcome.NEW, SubmitOutcome.RATE_LIMITED]
        other = submit(action, django_capture_on_commit_callbacks, ip="d" * 32, email="q@example.org")
        assert other == SubmitOutcome.NEW


def test_bots_and_closed_actions_store_nothing(index: Any, django_capture_on_commit_callbacks: Any) -> None:
    action = letter(index)
    with django_capture_on_commit_callbacks(execute=True):
        assert signature_submit(action=action, details=details(), ip_hash=IP, is_bot=True) == SubmitOutcome.BOT
    closed = letter(index, state=ActionState.CLOSED)
    assert submit(closed, django_capture_on_commit_callbacks) == SubmitOutcome.CLOSED
    assert not Signature.objects.exists()
    assert not mail.outbox


def test_invalid_and_expired_links(index: Any, django_capture_on_commit_callbacks: Any) -> None:
    action = letter(index)
    assert signature_confirm(token="not-a-real-token-at-all-xyz") == ConfirmOutcome.INVALID
    submit(action, django_capture_on_commit_callbacks)
    token = token_from_outbox()
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        assert signature_confirm(token=token) == ConfirmOutcome.EXPIRED
    assert Signature.objects.get().status == SignatureStatus.PENDING


def test_link_for_a_closed_action_does_not_count(
    index: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    submit(action, django_capture_on_commit_callbacks)
    action_transition(action=action, target=ActionState.CLOSED, actor=campaigner)
    assert signature_confirm(token=token_from_outbox()) == ConfirmOutcome.CLOSED


def test_someone_who_signed_by_the_closing_date_can_confirm_after_it(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    today = timezone.localdate()
    action = petition(index, closing_date=today)
    submit(action, django_capture_on_commit_callbacks)
    token = token_from_outbox()
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        action.refresh_from_db()
        assert not action.is_open and action.effective_state == ActionState.CLOSED
        assert action.state_label == "Closed (its closing date has passed)"
        assert signature_confirm(token=token) == ConfirmOutcome.CONFIRMED
        # Nobody can sign after the date, so nothing later can come in this way.
        assert submit(action, django_capture_on_commit_callbacks, email="late@example.org") == SubmitOutcome.CLOSED


def test_withdrawn_name_consent_takes_the_name_off_the_list(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    submit(action, django_capture_on_commit_callbacks, display=DisplayChoice.FIRST_NAME_INITIAL)
    signature_confirm(token=token_from_outbox())
    listed = list(listed_signatures(action_id=action.pk))
    assert [s.public_name for s in listed] == ["Sam R."]
    person = person_find_by_email(email="sam@example.org")
    assert person is not None
    consent_withdraw(person=person, purpose=ConsentPurpose.PUBLISH_NAME, scope=consent_scope(action.pk), via="test")
    assert not listed_signatures(action_id=action.pk).exists()
    counts_refresh()
    assert action_count(action_id=action.pk).total == 1  # still counts, just not named


def test_organisations_count_and_show_only_once_approved(
    index: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    submit(
        action,
        django_capture_on_commit_callbacks,
        kind=SignatureKind.ORGANISATION,
        organisation="Peer Voices",
        organisation_type="user_led",
        contact="Sam Rivers",
    )
    signature_confirm(token=token_from_outbox())
    submit(action, django_capture_on_commit_callbacks, email="ind@example.org", display=DisplayChoice.FULL_NAME)
    signature_confirm(token=token_from_outbox())
    counts_refresh()
    assert action_count(action_id=action.pk).total == 1
    assert [s.public_name for s in listed_signatures(action_id=action.pk)] == ["Sam Rivers"]
    org = Signature.objects.get(kind=SignatureKind.ORGANISATION)
    assert org.moderation == Moderation.PENDING
    assert organisations_moderate(action=action, signature_ids=[org.pk], approve=True, actor=campaigner) == 1
    assert AuditEvent.objects.filter(action="campaigns.signature.approved").exists()
    counts_refresh()
    count = action_count(action_id=action.pk)
    assert (count.total, count.organisations, count.individuals) == (2, 1, 1)
    # Organisations first, then individuals.
    assert [s.public_name for s in listed_signatures(action_id=action.pk)] == ["Peer Voices", "Sam Rivers"]


def test_refresh_recounts_only_actions_with_changes(index: Any, django_capture_on_commit_callbacks: Any) -> None:
    quiet = letter(index)
    busy = letter(index)
    submit(quiet, django_capture_on_commit_callbacks, email="q@example.org")
    signature_confirm(token=token_from_outbox())
    assert counts_refresh() == 1
    later = timezone.now() + timedelta(seconds=30)
    with time_machine.travel(later, tick=False):
        counts_refresh()  # a change within COUNT_LAG of a refresh is counted once more
        assert counts_refresh() == 0  # nothing changed since
        submit(busy, django_capture_on_commit_callbacks, email="b@example.org")
        signature_confirm(token=token_from_outbox())
        assert counts_refresh() == 1
        assert action_count(action_id=busy.pk).total == 1
        assert action_count(action_id=quiet.pk).refreshed_at == later  # freshness still shown
    # A full recount corrects a count row tampered with or missed.
    from chorus.campaigns.models import SignatureCount

    SignatureCount.objects.filter(action_id=quiet.pk).update(total=99)
    counts_refresh(full=True)
    assert action_count(action_id=quiet.pk).total == 1


def test_transitions_follow_the_workflow_and_are_audited(index: Any, campaigner: Any, editor: Any) -> None:
    action = letter(index, state=ActionState.DRAFT)
    with pytest.raises(PermissionDenied):
        action_transition(action=action, target=ActionState.OPEN, actor=editor)
    action_transition(action=action, target=ActionState.OPEN, actor=campaigner)
    with pytest.raises(ValueError):
        action_transition(action=action, target=ActionState.DELIVERED, actor=campaigner)
    action_transition(action=action, target=ActionState.CLOSED, actor=campaigner)
    action_transition(action=action, target=ActionState.DELIVERED, actor=campaigner)
    action.refresh_from_db()
    assert action.state == ActionState.DELIVERED and action.closed_at and action.delivered_at
    actions = list(AuditEvent.objects.filter(action__startswith="campaigns.action.").values_list("action", flat=True))
    assert sorted(actions) == ["campaigns.action.closed", "campaigns.action.delivered", "campaigns.action.open"]


def test_publishing_an_old_revision_keeps_the_workflow_state(index: Any, campaigner: Any) -> None:
    action = letter(index)
    revision = action.save_revision()
    revision.publish()
    action_transition(action=action, target=ActionState.CLOSED, actor=campaigner)
    revision.publish()
    action.refresh_from_db()
    assert action.state == ActionState.CLOSED


def test_bulk_invalidation_previews_applies_and_reverses(
    index: Any, campaigner: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    for i in range(3):
        submit(action, django_capture_on_commit_callbacks, email=f"bot{i}@spam.example", ip="e" * 32)
        signature_confirm(token=token_from_outbox())
    submit(action, django_capture_on_commit_callbacks, email="real@example.org")
    signature_confirm(token=token_from_outbox())
    counts_refresh()
    assert action_count(action_id=action.pk).total == 4
    criteria = InvalidationCriteria(email_domain="spam.example", since=timezone.now() - timedelta(hours=1))
    assert signatures_matching(action_id=action.pk, criteria=criteria).count() == 3
    done = signatures_invalidate(action=action, criteria=criteria, reason="bot wave", actor=campaigner)
    assert done.affected == 3
    event = AuditEvent.objects.get(action="campaigns.signatures.invalidated")
    assert event.data["count"] == 3 and "spam.example" not in str(event.data)
    counts_refresh()
    assert action_count(action_id=action.pk).total == 1
    assert invalidation_reverse(invalidation=done, actor=campaigner) == 3
    assert invalidation_reverse(invalidation=done, actor=campaigner) == 0
    assert AuditEvent.objects.filter(action="campaigns.signatures.restored").count() == 1
    counts_refresh()
    assert action_count(action_id=action.pk).total == 4


@override_settings(CHORUS_CAMPAIGNS_TREND_THRESHOLD=2, CHORUS_CAMPAIGNS_SIGN_BURST=100)
def test_trend_check_alerts_whoever_can_act_on_it(
    index: Any, campaigner: Any, editor: Any, administrator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    superuser = User.objects.create_superuser(username="root", email="root@chorus.test", password="x" * 20)
    User.objects.create_superuser(username="gone", email="gone@chorus.test", password="x" * 20, is_active=False)
    action = letter(index)
    for i in range(3):
        submit(action, django_capture_on_commit_callbacks, email=f"p{i}@example.org", ip="f" * 32)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert trends_check() == 2  # one address, and one domain
    # Campaigners, Administrators and active superusers can invalidate and block; editors cannot.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([campaigner.email, administrator.email, superuser.email])
    body = str(mail.outbox[0].body)
    assert "one address (hash " + "f" * 32 + ")" in body
    # The domain is named, so campaigners can act on it, with a link that fills it in.
    assert "from the email domain example.org" in body
    # Neither had signed before, so nothing was expected of them.
    assert "3 signatures in the hour from the email domain example.org; none expected" in " ".join(body.split())
    link = re.search(r"https?://\S+/invalidate/\?email_domain=example\.org", body)
    assert link, body
    assert AuditEvent.objects.filter(action="campaigns.trends.alerted").exists()
    page = client_for(campaigner).get(urlsplit(link.group(0)).path + "?email_domain=example.org")
    assert 'value="example.org"' in page.content.decode()


def test_an_action_past_its_closing_date_takes_no_signatures(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = petition(index, closing_date=timezone.localdate())
    assert action.is_open
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        assert not action.is_open
        assert submit(action, django_capture_on_commit_callbacks) == SubmitOutcome.CLOSED


# --- signers' emails: the outbox and its batch sender ------------------------------------


def test_a_surge_of_signers_is_served_by_one_queued_filing_run(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    cache.add(FILING_QUEUED, True)  # a run is already queued: nobody queues another
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            received = signature_submit(action=action, details=details(email=f"crowd{i}@example.org"), ip_hash=IP)
            assert received == SubmitOutcome.RECEIVED
    assert not mail.outbox and SignatureIntake.objects.count() == 5
    assert signatures_file_and_send() == 5
    assert sorted(message.to[0] for message in mail.outbox) == [f"crowd{i}@example.org" for i in range(5)]
    assert cache.get(FILING_QUEUED) is None  # the next signer queues a new run
    for message in mail.outbox:  # each link is the one stored for that signature
        signature = Signature.objects.get(person=person_find_by_email(email=message.to[0]))
        assert signature.token_hash == token_digest(CONFIRM_LINK.search(str(message.body)).group(1))
    assert signatures_file_and_send() == 0  # nothing is sent twice
    assert set(OutboxMessage.objects.values_list("kind", "status")) == {(SIGNER_CONFIRM_EMAIL, OutboxStatus.SENT)}


def test_a_confirmation_refused_for_now_goes_later_with_a_link_that_works(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with smtp_mailer() as handler:
        handler.refuse["busy@example.org"] = "450 4.2.1 Try again later"
        action = letter(index)
        submit(action, django_capture_on_commit_callbacks, email="busy@example.org")
        row = OutboxMessage.objects.get(kind=SIGNER_CONFIRM_EMAIL)
        assert row.status == OutboxStatus.PENDING and row.error == "SMTPRecipientsRefused 450"
        del handler.refuse["busy@example.org"]
        with time_machine.travel(row.next_attempt_at + timedelta(seconds=1)):
            assert signatures_file_and_send() == 1
    text, _ = mime_bodies(parse_mime(handler.samples[0]))
    assert signature_confirm(token=CONFIRM_LINK.search(text).group(1)) == ConfirmOutcome.CONFIRMED


def test_a_repeat_signer_is_told_by_the_outbox_too(index: Any, django_capture_on_commit_callbacks: Any) -> None:
    action = letter(index)
    submit(action, django_capture_on_commit_callbacks)
    signature_confirm(token=token_from_outbox())
    assert submit(action, django_capture_on_commit_callbacks) == SubmitOutcome.ALREADY_SIGNED
    assert "already signed" in str(mail.outbox[-1].body).lower()
    assert not CONFIRM_LINK.search(str(mail.outbox[-1].body))
    assert not OutboxMessage.objects.exclude(status=OutboxStatus.SENT).exists()


def test_a_signer_is_answered_and_later_emailed_when_the_task_queue_is_down(
    index: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    from chorus.campaigns import tasks

    def queue_down(**kwargs: Any) -> None:
        raise ConnectionError("task queue unreachable")

    monkeypatch.setattr(tasks, "file_signatures", SimpleNamespace(enqueue=queue_down, using=queue_down))
    action = letter(index)
    with django_capture_on_commit_callbacks(execute=True):
        assert signature_submit(action=action, details=details(), ip_hash=IP) == SubmitOutcome.RECEIVED
    assert not mail.outbox and SignatureIntake.objects.count() == 1
    assert signatures_file_and_send() == 1  # the periodic job's run
    assert mail.outbox[0].to == ["sam@example.org"]


# --- abuse through someone else's address ------------------------------------------------


def test_one_address_gets_a_few_emails_a_day_however_many_machines_type_it(
    index: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.CHORUS_CAMPAIGNS_SIGNER_EMAILS_PER_DAY = 3
    action, other = letter(index), petition(index)
    for n in range(12):  # 12 posts from 12 addresses, all naming one victim
        submit(
            action if n % 2 else other, django_capture_on_commit_callbacks, ip=f"{n:032x}", email="victim@example.org"
        )
    assert [message.to for message in mail.outbox] == [["victim@example.org"]] * 3
    assert Signature.objects.count() == 2  # both signatures are still filed, pending
    with time_machine.travel(timezone.now() + timedelta(days=1, minutes=1)):
        submit(action, django_capture_on_commit_callbacks, ip="f" * 32, email="victim@example.org")
    assert len(mail.outbox) == 4  # a new day, a new allowance


def test_a_stranger_cannot_change_a_pending_signature_while_its_link_is_valid(
    index: Any, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    action = letter(index)
    submit(action, django_capture_on_commit_callbacks, name="Sam Rivers", display=DisplayChoice.FULL_NAME)
    assert (
        submit(action, django_capture_on_commit_callbacks, name="Mocking Name", display=DisplayChoice.NOT_LISTED)
        == SubmitOutcome.RESENT
    )
    signature = Signature.objects.get()
    assert signature.name == "Sam Rivers" and signature.display == DisplayChoice.FULL_NAME
    # Once the owner's link has lapsed, whoever signs with the address next sets the details.
    later = timezone.now() + timedelta(days=settings.CHORUS_CAMPAIGNS_CONFIRM_DAYS, minutes=1)
    with time_machine.travel(later):
        submit(action, django_capture_on_commit_callbacks, name="Sam R", ip="e" * 32)
    assert Signature.objects.get().name == "Sam R"


def test_signing_emails_never_repeat_the_name_typed_on_the_form(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    submit(action, django_capture_on_commit_callbacks, name="Click evil.example now")
    signature_confirm(token=token_from_outbox())
    submit(action, django_capture_on_commit_callbacks, name="Click evil.example now", ip="e" * 32)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "evil.example" not in str(message.body) and "evil.example" not in str(message.alternatives[0].content)
        assert "evil.example" not in str(message.subject)


# --- the intake: what a signing request writes, filed in batches by the filing run ------


def test_a_signature_waits_encrypted_in_the_intake_until_the_filing_run_files_it(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    with django_capture_on_commit_callbacks() as callbacks:
        received = signature_submit(action=action, details=details(email="wait@example.org"), ip_hash=IP)
    assert received == SubmitOutcome.RECEIVED
    assert len(callbacks) == 1  # asks for a filing run
    assert not Signature.objects.exists() and not Person.objects.exists()
    row = SignatureIntake.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM campaigns_signatureintake")
        stored = cursor.fetchone()[0]
    # Encrypted at rest; the whole name is looked for, as three letters turn up in a ciphertext by chance.
    assert "wait@example.org" not in stored and "Sam Rivers" not in stored
    assert row.ip_hash == IP
    assert signatures_file_and_send() == 1
    assert not SignatureIntake.objects.exists()
    signature = Signature.objects.get()
    assert signature.person == person_find_by_email(email="wait@example.org")
    assert signature.status == SignatureStatus.PENDING and signature.created_at == row.received_at
    assert mail.outbox[0].to == ["wait@example.org"]
    assert AuditEvent.objects.filter(action="people.person.created", object_id=str(signature.person_id)).exists()


def test_one_batch_files_new_repeat_and_already_signed_people_each_once(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    submit(action, django_capture_on_commit_callbacks, email="signed@example.org")
    signature_confirm(token=token_from_outbox())
    mail.outbox = []
    cache.add(FILING_QUEUED, True)  # let the batch build up
    for address, name in [
        ("new@example.org", "First Answer"),
        ("signed@example.org", "Sam"),
        ("NEW@example.org", "Second Answer"),  # the same mailbox again, before filing
        ("other@example.org", "Other"),
    ]:
        signature_submit(action=action, details=details(email=address, name=name), ip_hash=IP)
    assert signatures_file() == [
        SubmitOutcome.NEW, SubmitOutcome.ALREADY_SIGNED, SubmitOutcome.RESENT, SubmitOutcome.NEW
    ]  # fmt: skip
    assert Person.objects.count() == 3
    repeated = Signature.objects.get(person=person_find_by_email(email="new@example.org"))
    assert repeated.name == "First Answer"  # a stranger's second answers cannot replace the first
    assert signatures_file_and_send() == 3  # one email each
    assert sorted(message.to[0] for message in mail.outbox) == [
        "new@example.org", "other@example.org", "signed@example.org"
    ]  # fmt: skip
    counts_refresh()
    assert action_count(action_id=action.pk).total == 1


def signed_and_waiting(action: Any, emails: list[str]) -> None:
    """Signatures taken in and left in the intake: no filing run files them until the test does."""
    cache.add(FILING_QUEUED, True)
    for n, email in enumerate(emails):
        signature_submit(action=action, details=details(email=email), ip_hash=f"{n:032x}")  # within the rate limits


def test_a_filing_run_that_fails_leaves_every_signature_waiting(
    index: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    action = letter(index)
    signed_and_waiting(action, [f"crash{i}@example.org" for i in range(3)])

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("worker killed mid-batch")

    monkeypatch.setattr(Signature.objects, "bulk_create", crash)
    with pytest.raises(RuntimeError):
        signatures_file()
    # Nothing half-stored: no people, no audit entries, no emails queued, the intake untouched.
    assert SignatureIntake.objects.count() == 3
    assert not Person.objects.exists() and not AuditEvent.objects.filter(action="people.person.created").exists()
    assert not OutboxMessage.objects.exists()
    monkeypatch.undo()
    assert signatures_file() == [SubmitOutcome.NEW] * 3
    assert not SignatureIntake.objects.exists()
    assert OutboxMessage.objects.filter(kind=SIGNER_CONFIRM_EMAIL).count() == 3


def test_a_filing_run_leaves_signatures_that_arrive_during_it_for_the_next_run(
    index: Any, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    action = letter(index)
    signed_and_waiting(action, [f"early{i}@example.org" for i in range(3)])
    file_batch = signing._signatures_file_batch
    batches: list[int] = []

    def a_signer_arrives_after_each_batch(batch_size: int, *, up_to: int) -> list[SubmitOutcome]:
        outcomes = file_batch(batch_size, up_to=up_to)
        batches.append(len(outcomes))
        signature_submit(action=action, details=details(email=f"late{len(batches)}@example.org"), ip_hash=IP)
        return outcomes

    monkeypatch.setattr(signing, "_signatures_file_batch", a_signer_arrives_after_each_batch)
    # Two full batches, then one that finds nothing more from before the run began.
    assert signatures_file(batch_size=2) == [SubmitOutcome.NEW] * 3
    assert batches == [2, 1, 0]
    assert SignatureIntake.objects.count() == 3
    monkeypatch.undo()
    assert signatures_file() == [SubmitOutcome.NEW] * 3  # the next run files the late ones
    assert Signature.objects.count() == 6


def test_filing_inserts_a_batch_of_signatures_in_one_statement(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A sender run files the intake as one bulk insert, not one statement per signer."""
    action = letter(index)
    cache.add(FILING_QUEUED, True)
    for i in range(40):
        signer = details(email=f"batch{i}@example.org", name=f"Signer {i}")
        signature_submit(action=action, details=signer, ip_hash=f"{i:032x}")  # each within the rate limits
    with CaptureQueriesContext(connection) as queries:
        assert signatures_file() == [SubmitOutcome.NEW] * 40
    inserts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "campaigns_signature"')]
    assert len(inserts) == 1
    names = {s.name for s in Signature.objects.filter(action=action).select_related("person")}
    assert names == {f"Signer {i}" for i in range(40)}  # encrypted and read back as ever


def test_a_block_made_while_a_signature_waits_stops_it_being_filed(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    cache.add(FILING_QUEUED, True)
    signature_submit(action=action, details=details(email="x@soon-blocked.example"), ip_hash=IP)
    BlockedEmailDomain.objects.create(domain="soon-blocked.example")
    assert signatures_file() == [SubmitOutcome.BLOCKED]
    assert not Signature.objects.exists() and not SignatureIntake.objects.exists()
    assert signatures_file_and_send() == 0


def test_a_confirmation_still_waiting_when_its_signer_confirms_is_not_sent(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index)
    submit(action, django_capture_on_commit_callbacks, email="quick@example.org")
    token = token_from_outbox()
    # The signer asks again; before that link goes out, they confirm with the first one
    # and then sign once more.
    cache.add(FILING_QUEUED, True)
    cache.add(RUN_QUEUED_FLAG, True)
    signature_submit(action=action, details=details(email="quick@example.org"), ip_hash="e" * 32)
    assert signatures_file() == [SubmitOutcome.RESENT]
    assert signature_confirm(token=token) == ConfirmOutcome.CONFIRMED
    signature_submit(action=action, details=details(email="quick@example.org"), ip_hash="f" * 32)
    assert signatures_file() == [SubmitOutcome.ALREADY_SIGNED]
    mail.outbox = []
    run = outbox_send()
    assert run.sent == 1 and run.skipped == 1  # the stale confirmation is not sent
    assert "already signed" in str(mail.outbox[0].body).lower()


def test_signers_emails_over_real_smtp_carry_links_that_confirm(
    index: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with smtp_mailer() as handler:
        action = letter(index)
        for name in ("ana", "ben", "cat"):
            submit(action, django_capture_on_commit_callbacks, email=f"{name}@example.org")
    assert handler.total == 3
    for raw in handler.samples:
        message = parse_mime(raw)
        assert message["Subject"] == f"Confirm your signature: {action.title}"
        text, _ = mime_bodies(message)
        match = CONFIRM_LINK.search(text)
        assert match, "no confirmation link in the email"
        assert signature_confirm(token=match.group(1)) == ConfirmOutcome.CONFIRMED
    assert Signature.objects.filter(status=SignatureStatus.CONFIRMED).count() == 3


def test_the_action_workflow_is_the_table_the_engine_runs(
    index: Any, campaigner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Changing the declared table changes what the service allows: it reads no other rules.
    from chorus.campaigns import workflow
    from chorus.campaigns.services import actions
    from chorus.core.workflow import TransitionNotAllowed, Workflow

    action = letter(index, state=ActionState.DRAFT)
    without_opening = Workflow(
        model=workflow.ACTION_WORKFLOW.model,
        state_field="state",
        audit_action=workflow.ACTION_WORKFLOW.audit_action,
        transitions=tuple(t for t in workflow.TRANSITIONS if t.name != "open"),
    )
    monkeypatch.setattr(actions, "ACTION_WORKFLOW", without_opening)
    with pytest.raises(TransitionNotAllowed):
        action_transition(action=action, target=ActionState.OPEN, actor=campaigner)
    monkeypatch.undo()
    action_transition(action=action, target=ActionState.OPEN, actor=campaigner)
    assert AuditEvent.objects.get(action="campaigns.action.open").data["transition"] == "open"
