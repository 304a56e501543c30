"""A member who lost the private link to their request asks for it again by email."""

from __future__ import annotations

from chorus.core.audit import log_action
from chorus.core.outbox import outbox_add
from chorus.support.models import LOST_LINKS_EMAIL


def support_links_request(*, email: str) -> None:
    """Queue one outbox row for the address, whoever it belongs to.

    The same work for a known and an unknown address, so neither the answer nor the time
    it takes says whether we know it; the outbox's run looks the address up and emails
    the link to each of its open requests, or sends nothing (``compose_lost_links``).
    The audit event never names the address.
    """
    log_action("support.links.requested", data={"via": "lost link page"})
    outbox_add(kind=LOST_LINKS_EMAIL, address=email)
