"""Signed tokens in bulletin links: they name a subscription and nothing personal.

Unsubscribe and preferences links never expire (old bulletins stay in inboxes);
a confirmation link lasts a week, and only for the request it was sent for (it carries
when that request was made, which a later request or a change of status replaces).
"""

from __future__ import annotations

from datetime import datetime

from django.core import signing

CONFIRM_SALT = "chorus.bulletin.confirm"
MANAGE_SALT = "chorus.bulletin.manage"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def confirm_token(subscription_id: int, requested_at: datetime) -> str:
    return signing.dumps([subscription_id, int(requested_at.timestamp())], salt=CONFIRM_SALT, compress=False)


def manage_token(subscription_id: int) -> str:
    # No timestamp: the same subscriber always gets the same, short link.
    return signing.Signer(salt=MANAGE_SALT).sign(str(subscription_id))


def read_confirm_token(token: str) -> tuple[int, int] | None:
    """The subscription id and the request's time (whole seconds) a confirmation link was sent for."""
    try:
        subscription_id, requested_at = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        return int(subscription_id), int(requested_at)
    except (signing.BadSignature, TypeError, ValueError):
        return None


def read_manage_token(token: str) -> int | None:
    try:
        return int(signing.Signer(salt=MANAGE_SALT).unsign(token))
    except (signing.BadSignature, TypeError, ValueError):
        return None
