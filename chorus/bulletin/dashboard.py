"""The editor's bulletin line on the staff home page: the next issue and how far it has got."""

from __future__ import annotations

from django.urls import reverse
from wagtail.models import Page, WorkflowState

from chorus.bulletin.models import BulletinIssue, IssueStatus
from chorus.bulletin.schedule import when_in_words
from chorus.core.dashboard import DashboardPanel, PanelLine


def next_issue_line() -> PanelLine:
    """The issue that goes out next: one scheduled, sending or paused first, else the newest draft."""
    issue = (
        BulletinIssue.objects.filter(status__in=[IssueStatus.SENDING, IssueStatus.PAUSED, IssueStatus.SCHEDULED])
        .order_by("scheduled_for", "pk")
        .first()
    ) or BulletinIssue.objects.filter(status=IssueStatus.DRAFT).order_by("-latest_revision_created_at", "-pk").first()
    if issue is None:
        return PanelLine(
            label="No bulletin draft yet: one is made automatically at the start of each week",
            url=reverse("bulletin_admin:issues"),
        )
    if issue.status == IssueStatus.SCHEDULED and issue.scheduled_for is not None:
        state = f"scheduled for {when_in_words(issue.scheduled_for)}"
    elif issue.status == IssueStatus.DRAFT:
        state = "a draft with unpublished changes" if issue.has_unpublished_changes else "a draft, ready to send"
    else:
        state = issue.get_status_display().lower()
    return PanelLine(
        label=f"Next bulletin: {issue.title}",
        url=reverse("bulletin_admin:detail", args=[issue.pk]),
        detail=f"It is {state}.",
        attention=issue.status == IssueStatus.PAUSED,
    )


def publishing_panel() -> DashboardPanel:
    """For editors: the next bulletin, and pages waiting in review or with unpublished changes."""
    in_review = WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).count()
    unpublished = Page.objects.filter(has_unpublished_changes=True).count()
    return DashboardPanel(
        title="Publishing",
        name="publishing",
        lines=[
            next_issue_line(),
            PanelLine(
                label="pages waiting for review",
                count=in_review,
                url=reverse("wagtailadmin_reports:workflow"),
            ),
            PanelLine(
                label="pages with changes not yet published",
                count=unpublished,
                url=reverse("wagtailadmin_explore_root"),
            ),
        ],
        order=30,
    )
