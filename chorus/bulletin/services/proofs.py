"""Proofs: an issue sent as a test to the member of staff who asks, before anyone else gets it.

A proof is one email through the outbox (chorus.bulletin.emails.compose_test_sends) to the
staff member's own address: no Delivery rows, no change to the issue or its sending.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from chorus.bulletin.editions import edition_key, issue_areas, parse_edition_key
from chorus.bulletin.emails import issue_sections, revision_issue
from chorus.bulletin.models import TEST_SEND_EMAIL, BulletinIssue
from chorus.bulletin.selectors import issue_preview_revision
from chorus.bulletin.services.lifecycle import IssueStateError
from chorus.core.audit import log_action
from chorus.core.outbox import outbox_add


@transaction.atomic
def issue_test_send(*, issue: BulletinIssue, edition: str, actor: Any) -> str:
    """Queue the version "Send now" would send, as ``edition`` (an edition key) gets it, to ``actor``.

    Returns the edition key sent. Refused, with nothing queued, when the issue has no
    published version, the staff member has no address, or the edition names an area the
    issue has no section for (only the issue's own editions can be tried, never a person's).
    """
    revision = issue_preview_revision(issue=issue)
    if not issue.live or revision is None:
        raise IssueStateError("Publish the issue before sending a test: a test shows what subscribers would get.")
    if not getattr(actor, "email", ""):
        raise IssueStateError("Your account has no email address, so a test cannot be sent to you.")
    chosen = parse_edition_key(edition)
    if chosen is not None and not chosen <= issue_areas(issue_sections(revision_issue(revision))):
        raise IssueStateError("Choose one of this issue's editions.")
    key = edition_key(chosen)
    payload = {"revision": revision.pk, "edition": key}
    outbox_add(kind=TEST_SEND_EMAIL, about_id=issue.pk, user_id=actor.pk, payload=payload)
    log_action("bulletin.issue.test_sent", actor=actor, obj=issue, data={"revision": revision.pk, "edition": key})
    return key
