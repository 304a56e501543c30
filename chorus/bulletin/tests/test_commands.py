"""The bounce and worker management commands."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from chorus.bulletin.models import Delivery, DeliveryStatus, IssueStatus, SubscriptionStatus
from chorus.bulletin.services.lifecycle import deliveries_freeze
from chorus.bulletin.tests.factories import make_index, make_issue, make_subscriber, mark_sending

pytestmark = pytest.mark.django_db


def test_record_bulletin_bounce_suspends_after_repeats() -> None:
    subscription = make_subscriber("bounce@example.org")
    out = StringIO()
    call_command("record_bulletin_bounce", "bounce@example.org", "--kind", "hard", stdout=out)
    call_command("record_bulletin_bounce", "bounce@example.org", "--kind", "hard", stdout=out)
    assert "now suspended" in out.getvalue()
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.SUSPENDED
    with pytest.raises(CommandError):
        call_command("record_bulletin_bounce", "nobody@example.org", "--kind", "soft")


def test_send_bulletin_batches_sends_everything_then_exits() -> None:
    issue = make_issue(make_index())
    for n in range(5):
        make_subscriber(f"w{n}@example.org")
    deliveries_freeze(issue=issue)
    mark_sending(issue)
    out = StringIO()
    call_command("send_bulletin_batches", "--batch-size", "2", "--rate", "1000", stdout=out)
    assert "batches=3 sent=5" in out.getvalue()
    assert len(mail.outbox) == 5
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
    issue.refresh_from_db()
    assert issue.status == IssueStatus.SENT
