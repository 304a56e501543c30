"""Signed tokens in campaign update emails: a person id and an action id, no address.

A stop link never expires: an old update stays in an inbox, and its link must still work.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.urls import reverse

STOP_UPDATES_SALT = "chorus.campaigns.updates.stop"


@dataclass(frozen=True)
class StopUpdates:
    person_id: int
    action_id: int


def stop_updates_token(*, person_id: int, action_id: int) -> str:
    # Without a timestamp the same person always gets the same short link for an action.
    return signing.Signer(salt=STOP_UPDATES_SALT).sign(f"{person_id}.{action_id}")


def read_stop_updates_token(token: str) -> StopUpdates | None:
    try:
        person_id, action_id = signing.Signer(salt=STOP_UPDATES_SALT).unsign(token).split(".")
        return StopUpdates(person_id=int(person_id), action_id=int(action_id))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def stop_updates_path(*, person_id: int, action_id: int) -> str:
    return reverse(
        "campaigns:stop_updates", kwargs={"token": stop_updates_token(person_id=person_id, action_id=action_id)}
    )
