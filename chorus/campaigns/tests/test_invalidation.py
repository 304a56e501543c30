"""Bulk invalidation by a time window alone: previewed, applied, audited, undone; open windows refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from chorus.campaigns.models import Invalidation, Signature, SignatureStatus, domain_hash
from chorus.campaigns.selectors import InvalidationCriteria, signatures_matching
from chorus.campaigns.services.moderation import invalidation_reverse, signatures_invalidate
from chorus.campaigns.tests.factories import letter
from chorus.core.models import AuditEvent
from conftest import client_for

pytestmark = pytest.mark.django_db

# A summer morning: London is on BST (UTC+1), so a time read as UTC would be an hour out.
WINDOW_START = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)  # 09:00 in London
WINDOW_END = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)  # 10:00 in London
TYPED_START, TYPED_END = "2026-07-01 09:00", "2026-07-01 10:00"


@pytest.fixture
def action(index: Any) -> Any:
    return letter(index)


def _signature(action: Any, at: datetime, status: str = SignatureStatus.CONFIRMED) -> Signature:
    signature: Signature = Signature.objects.create(
        action=action, status=status, created_at=at, email_domain_hash=domain_hash("example.org")
    )
    return signature


@pytest.fixture
def morning(action: Any, index: Any) -> dict[str, Signature]:
    """Signatures inside the window, on each side of it, and on another action."""
    return {
        "first": _signature(action, WINDOW_START),
        "pending": _signature(action, WINDOW_START + timedelta(minutes=20), status=SignatureStatus.PENDING),
        "last": _signature(action, WINDOW_END - timedelta(seconds=1)),
        "before": _signature(action, WINDOW_START - timedelta(seconds=1)),
        "at_the_end": _signature(action, WINDOW_END),
        "other_action": _signature(letter(index), WINDOW_START + timedelta(minutes=5)),
    }


def _statuses(signatures: dict[str, Signature]) -> dict[str, str]:
    return {name: Signature.objects.get(pk=s.pk).status for name, s in signatures.items()}


def test_a_closed_window_alone_invalidates_what_it_covers_and_is_undone(
    action: Any, morning: dict[str, Signature], campaigner: Any
) -> None:
    criteria = InvalidationCriteria(since=WINDOW_START, until=WINDOW_END)
    assert signatures_matching(action_id=action.pk, criteria=criteria).count() == 3
    done = signatures_invalidate(action=action, criteria=criteria, reason="bot wave at nine", actor=campaigner)
    assert done.affected == 3
    assert _statuses(morning) == {
        "first": SignatureStatus.INVALIDATED,
        "pending": SignatureStatus.INVALIDATED,
        "last": SignatureStatus.INVALIDATED,
        "before": SignatureStatus.CONFIRMED,
        "at_the_end": SignatureStatus.CONFIRMED,
        "other_action": SignatureStatus.CONFIRMED,
    }
    event = AuditEvent.objects.get(action="campaigns.signatures.invalidated")
    assert event.data == {
        "action": action.pk,
        "count": 3,
        "criteria": {
            "email_domain_hash": "",
            "ip_hash": "",
            "since": WINDOW_START.isoformat(),
            "until": WINDOW_END.isoformat(),
        },
    }
    assert invalidation_reverse(invalidation=done, actor=campaigner) == 3
    assert _statuses(morning)["pending"] == SignatureStatus.PENDING  # each goes back to where it was
    assert set(_statuses(morning).values()) == {SignatureStatus.CONFIRMED, SignatureStatus.PENDING}
    assert AuditEvent.objects.get(action="campaigns.signatures.restored").data == {"action": action.pk, "count": 3}


@pytest.mark.parametrize(
    "criteria, refusal",
    [
        (InvalidationCriteria(), "a time window with both a start and an end"),
        (InvalidationCriteria(since=WINDOW_START), "a time window with both a start and an end"),
        (InvalidationCriteria(until=WINDOW_END), "a time window with both a start and an end"),
        (InvalidationCriteria(since=WINDOW_END, until=WINDOW_START), "must end after it starts"),
        (InvalidationCriteria(since=WINDOW_START, until=WINDOW_START), "must end after it starts"),
        (InvalidationCriteria(email_domain="example.org", since=WINDOW_END, until=WINDOW_START), "end after"),
        (InvalidationCriteria(since=datetime(2026, 7, 1, 9), until=datetime(2026, 7, 1, 10)), "time zone"),
    ],
)
def test_the_service_refuses_criteria_that_do_not_close_the_set(
    action: Any, morning: dict[str, Signature], campaigner: Any, criteria: InvalidationCriteria, refusal: str
) -> None:
    with pytest.raises(ValueError, match=refusal):
        signatures_invalidate(action=action, criteria=criteria, reason="oops", actor=campaigner)
    assert signatures_matching(action_id=action.pk, criteria=criteria).count() == 0
    assert not Invalidation.objects.exists()
    assert not Signature.objects.filter(status=SignatureStatus.INVALIDATED).exists()
    assert not AuditEvent.objects.filter(action="campaigns.signatures.invalidated").exists()


def test_the_screen_previews_and_applies_a_window_read_in_london_time(
    action: Any, morning: dict[str, Signature], campaigner: Any
) -> None:
    client = client_for(campaigner)
    url = f"/admin/campaigns/{action.pk}/invalidate/"
    page = client.get(url).content.decode()
    assert "e.g. 2026-11-27 09:00 or 27/11/2026 09:00, Europe/London time" in page
    preview = client.post(url, {"since": TYPED_START, "until": TYPED_END, "confirm": "no"}).content.decode()
    assert "3 signatures match. Signed from 1 Jul 2026 09:00 before 1 Jul 2026 10:00" in preview
    assert "Yes, invalidate 3 signatures" in preview
    assert AuditEvent.objects.get(action="campaigns.signatures.previewed").data["matching"] == 3
    assert not Signature.objects.filter(status=SignatureStatus.INVALIDATED).exists()
    done = client.post(url, {"since": TYPED_START, "until": TYPED_END, "confirm": "yes", "reason": "bot wave"})
    assert done.status_code == 302
    invalidation = Invalidation.objects.get()
    assert invalidation.affected == 3 and invalidation.reason == "bot wave"
    assert datetime.fromisoformat(invalidation.criteria["since"]) == WINDOW_START
    assert datetime.fromisoformat(invalidation.criteria["until"]) == WINDOW_END
    assert _statuses(morning)["before"] == SignatureStatus.CONFIRMED
    dashboard = client.get(f"/admin/campaigns/{action.pk}/").content.decode()
    assert "<td>signed from 1 Jul 2026 09:00 before 1 Jul 2026 10:00</td><td>bot wave</td><td>3</td>" in dashboard
    undo = client.post(f"/admin/campaigns/invalidations/{invalidation.pk}/reverse/")
    assert undo.status_code == 302
    assert not Signature.objects.filter(status=SignatureStatus.INVALIDATED).exists()


@pytest.mark.parametrize("typed", [{"since": TYPED_START}, {"until": TYPED_END}])
@pytest.mark.parametrize("confirm", ["no", "yes"])
def test_the_screen_refuses_an_open_window_alone_and_keeps_the_answers(
    action: Any, morning: dict[str, Signature], campaigner: Any, typed: dict[str, str], confirm: str
) -> None:
    url = f"/admin/campaigns/{action.pk}/invalidate/"
    response = client_for(campaigner).post(url, {**typed, "reason": "bot wave", "confirm": confirm})
    assert response.status_code == 200
    body = response.content.decode()
    assert "both “Signed from” and “Signed before”" in body and "the whole campaign" in body
    [value] = typed.values()
    assert f'value="{value}"' in body and 'value="bot wave"' in body
    assert "signatures match" not in body
    assert not Signature.objects.filter(status=SignatureStatus.INVALIDATED).exists()
    assert not AuditEvent.objects.filter(action__startswith="campaigns.signatures.").exists()


@pytest.mark.parametrize("until", [TYPED_START, "2026-07-01 08:59"])
def test_the_screen_refuses_a_window_that_does_not_end_after_it_starts(
    action: Any, morning: dict[str, Signature], campaigner: Any, until: str
) -> None:
    url = f"/admin/campaigns/{action.pk}/invalidate/"
    response = client_for(campaigner).post(
        url, {"email_domain": "example.org", "since": TYPED_START, "until": until, "confirm": "yes", "reason": "x"}
    )
    body = response.content.decode()
    assert '<p class="error-message" id="id_until_error">“Signed before” must be later than “Signed from”.</p>' in body
    assert f'value="{TYPED_START}"' in body and f'value="{until}"' in body and 'value="example.org"' in body
    assert not Signature.objects.filter(status=SignatureStatus.INVALIDATED).exists()


def test_a_time_that_cannot_be_read_gets_its_own_error_only(action: Any, campaigner: Any) -> None:
    url = f"/admin/campaigns/{action.pk}/invalidate/"
    body = client_for(campaigner).post(url, {"since": "nine o'clock", "confirm": "no"}).content.decode()
    assert "Enter a date and time like 2026-11-27 09:00." in body
    assert "the whole campaign" not in body  # one problem at a time


def test_a_domain_with_an_open_window_is_still_allowed(
    action: Any, morning: dict[str, Signature], campaigner: Any
) -> None:
    criteria = InvalidationCriteria(email_domain="example.org", since=WINDOW_START)
    done = signatures_invalidate(action=action, criteria=criteria, reason="domain since nine", actor=campaigner)
    assert done.affected == 4  # the three in the window and the one at its end
    assert timezone.is_aware(datetime.fromisoformat(done.criteria["since"]))


def test_times_are_read_in_the_time_zone_a_staff_member_chose(action: Any, campaigner: Any) -> None:
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(campaigner)
    profile.current_time_zone = "America/New_York"
    profile.save()
    url = f"/admin/campaigns/{action.pk}/invalidate/"
    client = client_for(campaigner)
    assert "America/New_York time" in client.get(url).content.decode()
    _signature(action, WINDOW_END + timedelta(minutes=30))  # 05:30 in New York, 10:30 in London
    # New York is UTC-4 in July: 05:00 to 06:00 there is 09:00 to 10:00 UTC.
    preview = client.post(url, {"since": "2026-07-01 05:00", "until": "2026-07-01 06:00", "confirm": "no"})
    assert "1 signature match." in preview.content.decode()


def test_every_invalidation_can_be_found_and_undone_not_only_the_latest(
    action: Any, morning: dict[str, Signature], campaigner: Any, index: Any
) -> None:
    first = signatures_invalidate(
        action=action,
        criteria=InvalidationCriteria(since=WINDOW_START, until=WINDOW_END),
        reason="the oldest",
        actor=campaigner,
    )
    for n in range(60):
        Invalidation.objects.create(action=action, reason=f"later {n}", created_at=timezone.now() + timedelta(n))
    Invalidation.objects.create(action=letter(index), reason="another action's")
    client = client_for(campaigner)
    dashboard = client.get(f"/admin/campaigns/{action.pk}/").content.decode()
    assert dashboard.count("Undo invalidation") == 10 and "the oldest" not in dashboard
    assert f'href="/admin/campaigns/{action.pk}/invalidations/">All 61 bulk invalidations' in dashboard
    page_one = client.get(f"/admin/campaigns/{action.pk}/invalidations/").content.decode()
    assert "Bulk invalidations, newest first (61)" in page_one and "later 59" in page_one
    assert page_one.count("Undo invalidation") == 50 and "another action" not in page_one
    page_two = client.get(f"/admin/campaigns/{action.pk}/invalidations/?page=2").content.decode()
    assert "the oldest" in page_two and f"Undo invalidation {first.pk}<" in page_two
    assert client.post(f"/admin/campaigns/invalidations/{first.pk}/reverse/").status_code == 302
    assert not Signature.objects.filter(status=SignatureStatus.INVALIDATED).exists()
