"""The hourly trend check: a key is unusual when it signs far above its usual share, not merely often."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from chorus.campaigns.models import Signature, SignatureStatus, domain_hash
from chorus.campaigns.selectors import Trend, unusual_trends
from chorus.campaigns.services.trends import trends_check
from chorus.campaigns.tests.factories import letter
from chorus.core.models import AuditEvent
from chorus.core.outbox import outbox_send
from chorus.people.services import person_get_or_create

pytestmark = pytest.mark.django_db

# The defaults: more than 50 in the hour, and more than 3 times what the key's share predicts.
FLOOR = 50
FACTOR = 3


@pytest.fixture
def hour_start() -> datetime:
    return timezone.now() - timedelta(hours=1)


def _sign(action: Any, count: int, *, at: datetime, domain: str = "", ip: str = "", **fields: Any) -> None:
    """``count`` signatures made at ``at``; an empty domain or address stands for one already cleared."""
    Signature.objects.bulk_create(
        Signature(
            action=action,
            email_domain_hash=domain_hash(domain) if domain else "",
            ip_hash=ip,
            created_at=at,
            **{"status": SignatureStatus.CONFIRMED, **fields},
        )
        for _ in range(count)
    )


def _trends(hour_start: datetime) -> list[Trend]:
    return unusual_trends(
        since=hour_start, threshold=FLOOR, factor=FACTOR, baseline_since=hour_start - timedelta(days=7)
    )


def _domain_trends(hour_start: datetime) -> dict[str, Trend]:
    return {t.key_hash: t for t in _trends(hour_start) if t.kind == "email domain"}


def test_a_new_domain_over_the_floor_is_flagged_and_one_under_it_is_not(index: Any, hour_start: datetime) -> None:
    action, elsewhere = letter(index), letter(index)
    _sign(elsewhere, 600, at=hour_start - timedelta(days=2), domain="gmail.com")
    _sign(action, 60, at=hour_start + timedelta(minutes=20), domain="fresh.example")
    _sign(action, 40, at=hour_start + timedelta(minutes=20), domain="small.example")
    found = _domain_trends(hour_start)
    assert set(found) == {domain_hash("fresh.example")}
    trend = found[domain_hash("fresh.example")]
    assert (trend.action_id, trend.signatures, trend.expected) == (action.pk, 60, 0)
    assert trend.expected_in_words.startswith("none expected")


def test_with_no_history_at_all_the_floor_alone_decides(index: Any, hour_start: datetime) -> None:
    action = letter(index)
    _sign(action, 51, at=hour_start + timedelta(minutes=5), domain="gmail.com")
    assert list(_domain_trends(hour_start)) == [domain_hash("gmail.com")]


def test_a_common_domain_at_its_usual_share_is_not_flagged_though_over_the_floor(
    index: Any, hour_start: datetime
) -> None:
    action, elsewhere = letter(index), letter(index)
    # The past week, on another action: gmail.com is 30% of all signing.
    _sign(elsewhere, 300, at=hour_start - timedelta(days=3), domain="gmail.com")
    _sign(elsewhere, 700, at=hour_start - timedelta(days=3), domain="other.example")
    # A viral hour: 600 signatures, 180 of them (30%) from gmail.com, well over the floor.
    _sign(action, 180, at=hour_start + timedelta(minutes=30), domain="gmail.com")
    _sign(action, 420, at=hour_start + timedelta(minutes=30), domain="fresh.example")
    found = _domain_trends(hour_start)
    assert domain_hash("gmail.com") not in found
    # The check did run: the domain with no history is still flagged in the same hour.
    assert domain_hash("fresh.example") in found


def test_a_common_domain_far_above_its_usual_share_is_flagged(index: Any, hour_start: datetime) -> None:
    action, elsewhere = letter(index), letter(index)
    _sign(elsewhere, 100, at=hour_start - timedelta(days=1), domain="outlook.com")
    _sign(elsewhere, 900, at=hour_start - timedelta(days=6), domain="other.example")
    # 200 signatures in the hour; outlook.com's 10% share predicts 20, and it made 120.
    _sign(action, 120, at=hour_start + timedelta(minutes=10), domain="outlook.com")
    _sign(action, 80, at=hour_start + timedelta(minutes=10), domain="other.example")
    # Busy signing on another action in the same hour does not change what this one expects.
    _sign(elsewhere, 1000, at=hour_start + timedelta(minutes=10), domain="third.example")
    trend = _domain_trends(hour_start)[domain_hash("outlook.com")]
    assert (trend.action_id, trend.signatures) == (action.pk, 120)
    assert trend.expected == pytest.approx(20)
    assert trend.expected_in_words == "about 20 expected from its usual share"


def test_at_exactly_the_factor_a_domain_is_not_flagged(index: Any, hour_start: datetime) -> None:
    action, elsewhere = letter(index), letter(index)
    _sign(elsewhere, 100, at=hour_start - timedelta(days=1), domain="outlook.com")
    _sign(elsewhere, 900, at=hour_start - timedelta(days=1), domain="other.example")
    # 600 in the hour: 10% predicts 60, and 180 is three times that, not more.
    _sign(action, 180, at=hour_start + timedelta(minutes=10), domain="outlook.com")
    _sign(action, 420, at=hour_start + timedelta(minutes=10), domain="other.example")
    assert domain_hash("outlook.com") not in _domain_trends(hour_start)
    _sign(action, 1, at=hour_start + timedelta(minutes=11), domain="outlook.com")
    assert domain_hash("outlook.com") in _domain_trends(hour_start)


def test_history_outside_the_baseline_or_invalidated_does_not_count_as_usual(index: Any, hour_start: datetime) -> None:
    action, elsewhere = letter(index), letter(index)
    _sign(elsewhere, 100, at=hour_start - timedelta(days=2), domain="other.example")
    # Older than the week, or an attack already invalidated: neither makes the domain usual.
    _sign(elsewhere, 500, at=hour_start - timedelta(days=8), domain="bots.example")
    _sign(elsewhere, 500, at=hour_start - timedelta(days=2), domain="bots.example", status=SignatureStatus.INVALIDATED)
    _sign(action, 60, at=hour_start + timedelta(minutes=1), domain="bots.example")
    assert _domain_trends(hour_start)[domain_hash("bots.example")].expected == 0


def test_an_address_share_is_taken_among_signatures_that_still_carry_an_address(
    index: Any, hour_start: datetime
) -> None:
    action, elsewhere = letter(index), letter(index)
    shared = "c" * 32  # say, a library's network
    # Older signatures have had their address hashes cleared; a blank is nobody's share.
    _sign(elsewhere, 300, at=hour_start - timedelta(days=6, hours=23))
    _sign(elsewhere, 20, at=hour_start - timedelta(days=1), ip=shared)
    _sign(elsewhere, 80, at=hour_start - timedelta(days=1), ip="d" * 32)
    # 20% of the address-carrying signatures: 300 in the hour predict 60; 100 is not three times that.
    _sign(action, 100, at=hour_start + timedelta(minutes=1), ip=shared)
    _sign(action, 200, at=hour_start + timedelta(minutes=1), ip="e" * 32)
    addresses = {t.key_hash: t for t in _trends(hour_start) if t.kind == "address"}
    assert shared not in addresses
    assert addresses["e" * 32].expected == 0  # the new address is flagged, as before


@override_settings(CHORUS_CAMPAIGNS_TREND_THRESHOLD=5)
def test_the_alert_says_how_many_were_expected(index: Any, campaigner: Any) -> None:
    action, elsewhere = letter(index, title="Cameras off"), letter(index)
    now = timezone.now()
    _sign(elsewhere, 10, at=now - timedelta(days=2), domain="example.org")
    _sign(elsewhere, 90, at=now - timedelta(days=2), domain="other.example")
    # 20 in the hour: example.org's 10% predicts 2, and it made 9.
    _sign(action, 8, at=now - timedelta(minutes=10), domain="example.org")
    _sign(action, 11, at=now - timedelta(minutes=10), domain="other.example")
    person, _ = person_get_or_create(email="pat@example.org")  # the alert reads the domain from a signer
    _sign(action, 1, at=now - timedelta(minutes=10), domain="example.org", person=person)
    assert trends_check() == 1
    assert outbox_send().sent == 1  # the alert goes through the outbox
    [message] = mail.outbox
    assert message.to == [campaigner.email]
    text = " ".join(str(message.body).split())
    assert (
        "Cameras off: 9 signatures in the hour from the email domain example.org; "
        "about 2 expected from its usual share." in text
    )
    html = " ".join(str(message.alternatives[0].content).split())
    assert "9 signatures in the hour from the email domain example.org; about 2 expected" in html
    assert AuditEvent.objects.get(action="campaigns.trends.alerted").data["alerts"] == 1


@override_settings(CHORUS_CAMPAIGNS_TREND_THRESHOLD=5, CHORUS_CAMPAIGNS_TREND_FACTOR=10)
def test_the_factor_is_a_setting(index: Any, campaigner: Any) -> None:
    action, elsewhere = letter(index), letter(index)
    now = timezone.now()
    _sign(elsewhere, 10, at=now - timedelta(days=2), domain="example.org")
    _sign(elsewhere, 90, at=now - timedelta(days=2), domain="other.example")
    _sign(action, 9, at=now - timedelta(minutes=10), domain="example.org")
    _sign(action, 11, at=now - timedelta(minutes=10), domain="other.example")
    assert trends_check() == 0  # 9 is over three times the 2 expected, but not ten times
    assert not mail.outbox


def test_the_check_is_a_few_aggregate_queries_however_many_keys(
    index: Any, hour_start: datetime, django_assert_max_num_queries: Any
) -> None:
    actions = [letter(index) for _ in range(3)]
    _sign(actions[0], 1000, at=hour_start - timedelta(days=1), domain="other.example", ip="f" * 32)
    for number, action in enumerate(actions):
        for key in range(4):
            _sign(action, 5, at=hour_start - timedelta(days=1), domain=f"d{key}.example", ip=f"{number}{key}" * 16)
            _sign(action, 60, at=hour_start + timedelta(minutes=1), domain=f"d{key}.example", ip=f"{number}{key}" * 16)
    with django_assert_max_num_queries(6):
        found = _trends(hour_start)
    # Each of the 4 domains on each action, and each of the 12 addresses: all far above their share.
    assert len(found) == 24
