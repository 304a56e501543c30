"""When an emailed link comes is said in one wording, true to the outbox, wherever it is promised."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from chorus.campaigns.tests.factories import letter, make_campaigns
from chorus.core.mail import EMAIL_ARRIVAL
from chorus.core.outbox import GATHER, LEASE
from conftest import client_for

CHORUS = Path(settings.BASE_DIR) / "chorus"
# A promise of time written out by hand: "arrives within an hour", "nothing arrives in a few minutes".
TIME_PROMISE = re.compile(r"\barriv(?:e|es|ed)\b[^.<]{0,30}?\b(?:within|in|after)\s+(?:a|an|\d+|few|\{\{)", re.I)

SHOWN = escape(EMAIL_ARRIVAL)


def test_the_wording_is_true_to_the_outbox() -> None:
    # A run is asked for on commit and waits GATHER to take a batch; the lease is the longest
    # a lost run can hold a row. "Within a minute" must hold for the first, and say nothing of the second.
    assert GATHER.total_seconds() <= 5
    assert "within a minute" in EMAIL_ARRIVAL
    assert LEASE.total_seconds() <= 15 * 60  # a row a run lost is sent again before we say "look in spam"
    assert "15 minutes" in EMAIL_ARRIVAL


def test_no_template_writes_its_own_promise() -> None:
    offenders = [
        f"{path.relative_to(CHORUS)}: {match.group(0)!r}"
        for path in sorted(CHORUS.glob("*/templates/**/*"))
        if path.is_file() and path.suffix in {".html", ".txt"}
        for match in TIME_PROMISE.finditer(path.read_text())
    ]
    assert offenders == [], "use {% email_arrival %} (chorus.core.mail.EMAIL_ARRIVAL)"


@pytest.mark.django_db
def test_every_page_that_promises_an_email_says_the_same(administrator: Any) -> None:
    client = Client()
    pages = {
        "bulletin": client.get(reverse("bulletin:check_email")),
        "signing": client.get(letter(make_campaigns()).url + "sign/check-your-email/"),
        "privacy": client.post(reverse("people:privacy"), {"email": "someone@example.org"}),
        "staff privacy requests": client_for(administrator).get(reverse("people_privacy_request")),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert SHOWN in response.content.decode(), name
