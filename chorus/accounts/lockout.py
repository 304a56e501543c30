"""Limits on guessing at staff sign-in, that a stranger cannot turn against staff.

django-axes counts failed sign-ins. It locks out the pair (username, client address), so
failures typed from one place never lock a member of staff out anywhere else, and
failures for made-up usernames never lock out a real one. A separate, higher limit
stops one address from guessing at many usernames. The password-reset form has limits
of its own. The client address is the one the rate limits use (chorus.core.ratelimit).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from datetime import timedelta
from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from chorus.core.ratelimit import Limit, client_ip, ip_hash, within_limits


def sign_in_client_address(request: HttpRequest) -> str | None:
    """The client address for django-axes (``AXES_CLIENT_IP_CALLABLE``): the rate limits' own.

    Behind a proxy trusted to overwrite X-Real-IP that is the client's address, otherwise
    the connection's. axes stores it in an IP address column, so anything else (a proxy
    that sends something odd) falls back to the connection's address.
    """
    address = client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return str(request.META.get("REMOTE_ADDR", "")) or None


def sign_in_failure_limit(request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
    """How many failures django-axes allows this attempt's pair (username, address): its
    ``AXES_FAILURE_LIMIT``, a callable it asks on every sign-in.

    ``CHORUS_SIGN_IN_FAILURE_LIMIT`` for the pair; but once one address has failed
    ``CHORUS_SIGN_IN_ADDRESS_FAILURE_LIMIT`` times, across all usernames, within the
    lock-out period, none at all: every username is locked out from that address until
    its failures are older than the period. axes then answers with its lock-out page.
    The count is read from axes' own records of failures, so nothing more is stored.
    """
    address = getattr(request, "axes_ip_address", None) or sign_in_client_address(request)
    since = timezone.now() - (get_cool_off(request) or timedelta(0))
    failures = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    if (failures or 0) >= settings.CHORUS_SIGN_IN_ADDRESS_FAILURE_LIMIT:
        return 0
    return int(settings.CHORUS_SIGN_IN_FAILURE_LIMIT)


def email_hash(email: str) -> str:
    """A keyed hash of an email address typed into the password-reset form, for its limit.

    Keyed like client addresses, so the cache never holds an address or a plain hash of one.
    """
    key = settings.CHORUS_IP_HASH_KEY.encode()
    canonical = email.strip().lower().encode()
    return hmac.new(key, b"password-reset:" + canonical, hashlib.sha256).hexdigest()[:32]


def password_reset_allowed(*, request: HttpRequest, email: str) -> bool:
    """Count one password-reset request; False once its address, or the email address it
    names, has asked too often this hour.

    Counted whether or not a staff account has that email address, so the answer never
    tells anyone which addresses have accounts.
    """
    hour = 60 * 60
    from_address = within_limits(
        "password-reset-address", ip_hash(request), [Limit(settings.CHORUS_PASSWORD_RESET_ADDRESS_LIMIT, hour)]
    )
    for_email = within_limits(
        "password-reset-email", email_hash(email), [Limit(settings.CHORUS_PASSWORD_RESET_EMAIL_LIMIT, hour)]
    )
    return from_address and for_email
