"""Campaigns' references on other apps' records, in words people know.

Consents keep where they were given ("campaigns.sign:31", chorus.campaigns.selectors.
signing_source) and what they apply to ("campaigns.action:31", consent_scope). The
privacy page shows them through the sections registry (REFERENCE_DESCRIBERS), so the
people app never imports campaigns.
"""

from __future__ import annotations

import re

from chorus.campaigns.models import ActionPage

CAMPAIGN_REFERENCE = re.compile(r"campaigns\.(?P<kind>sign|action):(?P<action_id>\d+)")


def describe_reference(*, reference: str) -> str | None:
    """The action's title instead of its number; None for a reference that is not campaigns'."""
    match = CAMPAIGN_REFERENCE.fullmatch(reference)
    if match is None:
        return None
    title = ActionPage.objects.filter(pk=int(match["action_id"])).values_list("title", flat=True).first()
    signed = match["kind"] == "sign"
    if title is None:
        what = "a campaign action that has since been removed"
        return f"Signed {what}" if signed else what.capitalize()
    return f"Signed “{title}”" if signed else f"“{title}”"
