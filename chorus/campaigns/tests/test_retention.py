"""Retention and erasure: signers' details go, counts and published organisation names stay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from chorus.campaigns import privacy
from chorus.campaigns.models import Moderation, Signature, SignatureIntake, SignatureKind, SignatureStatus
from chorus.campaigns.selectors import action_count, listed_signatures
from chorus.campaigns.services.actions import action_transition, actions_close_undated
from chorus.campaigns.services.counts import counts_refresh
from chorus.campaigns.services.retention import signatures_apply_retention
from chorus.campaigns.tasks import apply_retention
from chorus.campaigns.tests.factories import letter
from chorus.campaigns.workflow import ActionState
from chorus.core.models import AuditEvent
from chorus.people.services import person_get_or_create

pytestmark = pytest.mark.django_db


def _signature(action: Any, email: str, **fields: Any) -> Signature:
    person, _ = person_get_or_create(email=email)
    values: dict[str, Any] = {
        "name": "Ada Lovelace",
        "role": "Peer worker",
        "ip_hash": "ab" * 16,
        "email_domain_hash": "cd" * 32,
        "status": SignatureStatus.CONFIRMED,
        "confirmed_at": timezone.now(),
        **fields,
    }
    signature: Signature = Signature.objects.create(action=action, person=person, **values)
    return signature


def test_signers_are_anonymised_after_the_retention_period(index: Any, campaigner: Any, settings: Any) -> None:
    settings.CHORUS_CAMPAIGNS_RETENTION_DAYS = 180
    action = letter(index)
    individual = _signature(action, "a@example.org")
    org = _signature(
        action,
        "b@example.org",
        kind=SignatureKind.ORGANISATION,
        organisation="Peer Voices",
        organisation_type="user_led",
        contact="Bo",
        moderation=Moderation.APPROVED,
    )
    rejected = _signature(
        action,
        "c@example.org",
        kind=SignatureKind.ORGANISATION,
        organisation="Nope Ltd",
        moderation=Moderation.REJECTED,
    )
    counts_refresh()
    action_transition(action=action, target=ActionState.CLOSED, actor=campaigner)
    start = timezone.now()

    with time_machine.travel(start + timedelta(days=179)):
        assert signatures_apply_retention()["anonymised"] == 0
    individual.refresh_from_db()
    assert individual.name == "Ada Lovelace"

    with time_machine.travel(start + timedelta(days=181)):
        figures = signatures_apply_retention()
        assert figures["anonymised"] == 3
        counts_refresh(full=True)
    individual.refresh_from_db()
    org.refresh_from_db()
    rejected.refresh_from_db()
    assert individual.person is None and individual.name == "" and individual.role == "" and individual.ip_hash == ""
    assert org.organisation == "Peer Voices" and org.contact == "" and org.person is None
    assert rejected.organisation == ""
    assert action_count(action_id=action.pk).total == 2  # the individual and the approved organisation
    # The published organisation is still on the public list; the individual is not.
    assert [s.organisation for s in listed_signatures(action_id=action.pk)] == ["Peer Voices"]
    assert AuditEvent.objects.filter(action="campaigns.retention.applied").count() == 2


def test_unconfirmed_signatures_and_old_address_hashes_go(index: Any) -> None:
    action = letter(index)
    pending = _signature(action, "p@example.org", status=SignatureStatus.PENDING, confirmed_at=None)
    kept = _signature(action, "k@example.org")
    SignatureIntake.objects.create(action=action, answers="{}")  # received now: stale in 8 days
    with time_machine.travel(timezone.now() + timedelta(days=6)):
        fresh = SignatureIntake.objects.create(action=action, answers="{}")
    with time_machine.travel(timezone.now() + timedelta(days=8)):
        figures = signatures_apply_retention()
    assert not Signature.objects.filter(pk=pending.pk).exists()
    kept.refresh_from_db()
    assert kept.ip_hash == "" and kept.name == "Ada Lovelace"
    assert figures["unconfirmed_removed"] == 1 and figures["ip_hashes_cleared"] == 1
    # A signature the sender never filed goes once its link could no longer work.
    assert figures["never_filed_removed"] == 1
    assert list(SignatureIntake.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_privacy_page_shows_and_erases(index: Any) -> None:
    action = letter(index, title="Cameras off")
    signature = _signature(action, "a@example.org")
    person = signature.person
    assert person is not None
    groups = privacy.data_held(person)
    assert groups[0].title == "Your signature on “Cameras off”"
    assert any(item.value == "Ada Lovelace" for item in groups[0].items)
    report = privacy.erase(person)
    assert report.erased == 1 and report.kept
    signature.refresh_from_db()
    assert signature.person is None and signature.name == ""
    assert signature.status == SignatureStatus.CONFIRMED  # still counts
    assert privacy.data_held(person) == []


def test_an_action_left_open_past_its_closing_date_is_anonymised_too(index: Any) -> None:
    action = letter(index, closing_date=timezone.localdate())
    signature = _signature(action, "a@example.org")
    with time_machine.travel(timezone.now() + timedelta(days=182)):
        assert signatures_apply_retention()["anonymised"] == 1
    signature.refresh_from_db()
    assert signature.name == "" and signature.status == SignatureStatus.CONFIRMED


def test_an_action_without_a_closing_date_closes_after_a_year_and_its_signers_then_go(
    index: Any, settings: Any
) -> None:
    settings.CHORUS_CAMPAIGNS_UNDATED_OPEN_DAYS = 365
    settings.CHORUS_CAMPAIGNS_RETENTION_DAYS = 180
    opened = timezone.now()
    undated = letter(index, closing_date=None, state=ActionState.OPEN, opened_at=opened)
    dated = letter(index, closing_date=(opened + timedelta(days=700)).date(), state=ActionState.OPEN, opened_at=opened)
    signer = _signature(undated, "long@example.org")

    with time_machine.travel(opened + timedelta(days=364)):
        assert actions_close_undated() == 0
    with time_machine.travel(opened + timedelta(days=366)):
        assert actions_close_undated() == 1
        assert actions_close_undated() == 0  # done once
    undated.refresh_from_db()
    dated.refresh_from_db()
    assert undated.state == ActionState.CLOSED and not undated.is_open
    assert dated.state == ActionState.OPEN  # its own date decides
    event = AuditEvent.objects.get(action="campaigns.action.closed", object_id=str(undated.pk))
    assert event.actor is None and event.data["why"] == "no closing date, open 365 days"

    with time_machine.travel(opened + timedelta(days=366 + 181)):
        assert signatures_apply_retention()["anonymised"] == 1
    signer.refresh_from_db()
    assert signer.person is None and signer.name == ""


def test_the_daily_retention_task_closes_undated_actions_first(index: Any, settings: Any) -> None:
    settings.CHORUS_CAMPAIGNS_UNDATED_OPEN_DAYS = 30
    long_ago = timezone.now() - timedelta(days=31)
    undated = letter(index, closing_date=None, state=ActionState.OPEN, opened_at=long_ago)
    figures = apply_retention.call()
    assert figures["undated_actions_closed"] == 1 and "anonymised" in figures
    undated.refresh_from_db()
    assert undated.state == ActionState.CLOSED
