"""The confirmation page says when to expect a reply, in working days, from the desk's own target."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client, override_settings

from chorus.support.tests.factories import make_request

pytestmark = pytest.mark.django_db

CHRISTMAS_EVE = datetime(2026, 12, 24, 12, 0, tzinfo=UTC)  # a Thursday; Friday and Monday are bank holidays


@override_settings(CHORUS_SUPPORT_FIRST_RESPONSE_DAYS=2)
def test_the_confirmation_counts_working_days_past_bank_holidays() -> None:
    _support_request, token = make_request(now=CHRISTMAS_EVE)
    content = Client().get(f"/support/request/{token}/?sent=1").content.decode()
    assert "We aim to reply within 2 working days, by Wednesday 30 December 2026." in content


@override_settings(CHORUS_SUPPORT_FIRST_RESPONSE_DAYS=1)
def test_the_wording_follows_the_desks_target_and_an_anonymous_request() -> None:
    _support_request, token = make_request(now=CHRISTMAS_EVE, email="")
    content = Client().get(f"/support/request/{token}/?sent=1").content.decode()
    assert "We aim to read it within 1 working day, by Tuesday 29 December 2026." in content
    assert "any message from us will only be on this page" in content


def test_the_promise_is_only_on_the_confirmation() -> None:
    _support_request, token = make_request(now=CHRISTMAS_EVE)
    assert "We aim to reply within" not in Client().get(f"/support/request/{token}/").content.decode()
