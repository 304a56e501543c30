"""Many people signing and confirming at once (PostgreSQL only): nobody lost, nobody twice."""

from __future__ import annotations

import random
import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from chorus.campaigns.models import Signature, SignatureStatus
from chorus.campaigns.selectors import action_count
from chorus.campaigns.services.confirmation import signature_confirm
from chorus.campaigns.services.counts import counts_refresh
from chorus.campaigns.services.signing import signature_submit, signatures_file_and_send
from chorus.campaigns.tests.conftest import CONFIRM_LINK
from chorus.campaigns.tests.factories import details, letter, make_campaigns
from chorus.people.models import Person

pytestmark = [pytest.mark.django_db(transaction=True)]

THREADS = 8
EMAILS = [f"crowd{i}@example.org" for i in range(30)]


def _latest_tokens() -> dict[str, str]:
    tokens: dict[str, str] = {}
    for message in list(mail.outbox):
        match = CONFIRM_LINK.search(str(message.body))
        if match:
            tokens[message.to[0]] = match.group(1)
    return tokens


def test_crowd_signs_and_confirms_at_once(settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Row-level concurrency is tested on PostgreSQL.")
    settings.CHORUS_CAMPAIGNS_SIGN_BURST = 10_000
    settings.CHORUS_CAMPAIGNS_SIGN_SUSTAINED = 10_000
    settings.CHORUS_CAMPAIGNS_SIGNER_EMAILS_PER_DAY = 10_000
    action = letter(make_campaigns())
    errors: list[BaseException] = []
    stop = threading.Event()

    def signer(seed: int) -> None:
        rng = random.Random(seed)
        try:
            # Every address is submitted by several threads; each thread also clicks links it sees.
            for email in rng.sample(EMAILS, len(EMAILS)):
                signature_submit(action=action, details=details(email=email), ip_hash=f"{seed:032x}")
                token = _latest_tokens().get(email)
                if token:
                    signature_confirm(token=token)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    def refresher() -> None:
        try:
            while not stop.is_set():
                counts_refresh()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    counting = threading.Thread(target=refresher)
    counting.start()
    threads = [threading.Thread(target=signer, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    counting.join()
    assert not errors, errors

    # Anyone still pending confirms now, from several threads clicking the same link at once.
    signatures_file_and_send()
    tokens = list(_latest_tokens().values())
    clickers = [
        threading.Thread(target=lambda: ([signature_confirm(token=t) for t in tokens], connection.close()))
        for _ in range(4)
    ]
    for thread in clickers:
        thread.start()
    for thread in clickers:
        thread.join()

    counts_refresh(full=True)
    assert Person.objects.count() == len(EMAILS)
    assert Signature.objects.count() == len(EMAILS)
    assert Signature.objects.filter(status=SignatureStatus.CONFIRMED).count() == len(EMAILS)
    assert action_count(action_id=action.pk).total == len(EMAILS)
