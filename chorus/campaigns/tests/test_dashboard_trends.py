"""The staff home page shows what the hourly trend check found, without running the check again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from chorus.campaigns.models import Signature, SignatureStatus, domain_hash
from chorus.campaigns.services import trends
from chorus.campaigns.tests.factories import letter
from conftest import client_for

pytestmark = pytest.mark.django_db

UNUSUAL = "signatures in the last hour from one email domain on Cameras off"


def _unusual_signing(index: Any) -> None:
    """20 signatures in the hour on one action, 19 of them from a domain nobody used before."""
    action = letter(index, title="Cameras off")
    Signature.objects.bulk_create(
        Signature(
            action=action,
            email_domain_hash=domain_hash("fresh.example" if n else "other.example"),
            status=SignatureStatus.CONFIRMED,
            created_at=timezone.now() - timedelta(minutes=10),
        )
        for n in range(20)
    )


def _refuse_to_run(**_: Any) -> list[Any]:
    raise AssertionError("the staff home page ran the trend check itself")


@override_settings(CHORUS_CAMPAIGNS_TREND_THRESHOLD=5)
def test_the_dashboard_reads_what_the_hourly_check_found(
    index: Any, campaigner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _unusual_signing(index)
    assert trends.trends_check() == 1
    monkeypatch.setattr(trends, "unusual_trends", _refuse_to_run)
    page = " ".join(client_for(campaigner).get("/admin/").content.decode().split())
    assert UNUSUAL in page
    assert "Unusual: none expected" in page


@override_settings(CHORUS_CAMPAIGNS_TREND_THRESHOLD=5)
def test_before_the_first_check_the_dashboard_works_it_out_once_and_keeps_it(
    index: Any, campaigner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _unusual_signing(index)
    client = client_for(campaigner)
    assert UNUSUAL in " ".join(client.get("/admin/").content.decode().split())
    monkeypatch.setattr(trends, "unusual_trends", _refuse_to_run)
    assert UNUSUAL in " ".join(client.get("/admin/").content.decode().split())


@override_settings(CHORUS_CAMPAIGNS_TREND_THRESHOLD=5)
def test_with_the_cache_down_the_dashboard_still_shows_unusual_signing(
    index: Any, campaigner: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _unusual_signing(index)
    trends.trends_check()
    # What the resilient cache does while Redis is down (chorus.core.cache): every read a miss,
    # every write nothing.
    monkeypatch.setattr(cache, "get", lambda key, default=None, version=None: default)
    monkeypatch.setattr(cache, "set", lambda *args, **kwargs: None)
    page = client_for(campaigner).get("/admin/")
    assert page.status_code == 200
    assert UNUSUAL in " ".join(page.content.decode().split())
