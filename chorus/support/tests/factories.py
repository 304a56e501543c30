"""Build support requests through the real service, as a member would send them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from chorus.support.models import ContactMethod, RequestKind, SupportRequest
from chorus.support.services.submission import Submission, support_request_confirm_email, support_request_submit


def make_request(
    *, now: datetime | None = None, email: str = "member@example.org", confirmed: bool = True, **overrides: Any
) -> tuple[SupportRequest, str]:
    """A request as a member sends it; with an address, by default one its owner then
    confirmed from the emailed link (``confirmed=False`` leaves it waiting for that)."""
    fields: dict[str, Any] = {
        "kind": RequestKind.ALERT,
        "description": "The ward has started filming patients at night without asking.",
        "contact_method": ContactMethod.EMAIL if email else ContactMethod.NONE,
        "email": email,
        "name": "Sam Member" if email else "",
        "where_category": "local",
        "where_detail": "Leeds",
    }
    fields.update(overrides)
    support_request, token = support_request_submit(submission=Submission(**fields), now=now)
    if email and confirmed:
        support_request = support_request_confirm_email(support_request=support_request)
    return support_request, token
