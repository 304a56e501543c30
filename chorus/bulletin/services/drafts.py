"""The weekly draft: assembled once a week from what each app contributes (chorus.core.sections)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from chorus.bulletin.models import BulletinIndexPage, BulletinIssue
from chorus.bulletin.selectors import draft_items, draft_sections, draft_window_start
from chorus.core.audit import log_action

logger = logging.getLogger(__name__)


@transaction.atomic
def issue_draft_assemble(*, now: datetime | None = None) -> BulletinIssue | None:
    """Make this week's draft from every source, once per week; None if it exists or no index page.

    Each source picks its items by their own dates in the window (an article's date, an
    action's opening, a consultation's closing), never by when a page was first published.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    week_start = (local - timedelta(days=local.weekday())).date()
    if BulletinIssue.objects.filter(assembled_for=week_start).exists():
        return None
    index = BulletinIndexPage.objects.first()
    if index is None:
        logger.warning("No bulletin index page: the weekly draft was not assembled.")
        return None
    since = draft_window_start(now=now)
    items = draft_items(since=since, until=now)
    issue = BulletinIssue(
        title=f"Members' bulletin, {local:%-d %B %Y}",
        slug=f"bulletin-{week_start:%Y-%m-%d}",
        intro="",
        sections=draft_sections(items=items),
        period_start=since,
        period_end=now,
        assembled_for=week_start,
        live=False,
    )
    index.add_child(instance=issue)
    issue.save_revision()
    log_action("bulletin.issue.assembled", obj=issue, data={"items": len(items)}, screen="scheduled job")
    return issue
