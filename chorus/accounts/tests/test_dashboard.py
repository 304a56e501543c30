"""The staff home page: each role sees its own panels, each line links to the list behind it."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from chorus.accounts.models import User
from chorus.campaigns.models import Moderation, Signature, SignatureKind, SignatureStatus
from chorus.campaigns.tests.factories import make_campaigns, petition
from chorus.core.dashboard import Sparkline
from chorus.core.models import OutboxMessage, OutboxStatus
from chorus.pages.tests.factories import make_site
from chorus.support.models import SupportRequest
from chorus.support.tests.factories import make_request
from chorus.support.workflow import Status
from chorus.tracker.models import ResponseStatus
from chorus.tracker.tests.factories import ResponseFactory, SubmissionWindowFactory, TrackedItemFactory
from conftest import client_for

pytestmark = pytest.mark.django_db

PANEL_TITLES = ("Support desk", "Campaigns", "Publishing", "Policy deadlines in the next 14 days", "The system")


def home(user: User) -> str:
    response = client_for(user).get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def shown_panels(html: str) -> set[str]:
    return {title for title in PANEL_TITLES if f">{title}</h2>" in html}


def test_each_role_sees_its_own_panels_and_not_the_others(
    caseworker: User, campaigner: User, editor: User, administrator: User
) -> None:
    make_site()
    assert shown_panels(home(caseworker)) == {"Support desk"}
    assert shown_panels(home(campaigner)) == {"Campaigns"}
    assert shown_panels(home(editor)) == {"Publishing", "Policy deadlines in the next 14 days"}
    assert "The system" in shown_panels(home(administrator))


def test_wagtail_s_page_and_image_counts_are_gone(editor: User) -> None:
    make_site()
    html = home(editor)
    assert "w-summary__list" not in html and "Site summary" not in html


def test_caseworker_sees_new_overdue_waiting_and_mine_with_links_to_the_filtered_queue(caseworker: User) -> None:
    make_site()
    make_request()
    late, _ = make_request(email="late@example.org")
    SupportRequest.objects.filter(pk=late.pk).update(
        status=Status.IN_PROGRESS,
        first_response_due=timezone.localdate() - timedelta(days=10),
        resolution_due=timezone.localdate() - timedelta(days=3),
        assignee=caseworker,
    )
    waiting, _ = make_request(email="waiting@example.org")
    SupportRequest.objects.filter(pk=waiting.pk).update(status=Status.WAITING_ON_MEMBER)
    html = home(caseworker)
    assert '<a href="/admin/support/?status=new">' in html
    assert re.search(r'__count">1</span>\s*<span class="chorus-dashboard-panel__label">new requests to triage', html)
    assert "/admin/support/?overdue=on&amp;sort=due" in html
    assert f"The most overdue, {late.reference}, was due" in html
    assert "working days ago" in html
    assert "/admin/support/?waiting=on" in html and "/admin/support/?assignee=me" in html
    assert "Needs attention" in html


def test_campaigner_sees_moderation_pace_with_the_numbers_as_text_and_closing_soon(campaigner: User) -> None:
    index = make_campaigns()
    action = petition(index, title="Cameras off our wards", closing_date=timezone.localdate() + timedelta(days=3))
    now = timezone.now()
    for hours_ago in (0, 0, 2):
        Signature.objects.create(
            action=action, status=SignatureStatus.CONFIRMED, confirmed_at=now - timedelta(hours=hours_ago)
        )
    Signature.objects.create(
        action=action,
        kind=SignatureKind.ORGANISATION,
        moderation=Moderation.PENDING,
        status=SignatureStatus.CONFIRMED,
        confirmed_at=now - timedelta(days=3),
    )
    html = home(campaigner)
    assert f"/admin/campaigns/{action.pk}/moderation/" in html
    assert "organisation awaiting moderation on Cameras off our wards" in html
    assert "confirmed in the last 24 hours on Cameras off our wards" in html
    assert "Hour by hour, oldest first: " in html and "Busiest hour: 2." in html
    assert "<polyline" in html
    assert "Cameras off our wards closes in 3 days" in html


def test_editor_sees_deadlines_with_our_response_status_and_the_next_bulletin(editor: User) -> None:
    make_site()
    soon = SubmissionWindowFactory(
        item=TrackedItemFactory(title="Mental Health Bill evidence"),
        closes_at=timezone.now() + timedelta(days=5),
    )
    ResponseFactory(item=soon.item, status=ResponseStatus.DRAFTING)
    SubmissionWindowFactory(
        item=TrackedItemFactory(title="Far away consultation"), closes_at=timezone.now() + timedelta(days=40)
    )
    html = home(editor)
    assert "Mental Health Bill evidence" in html and "Our response: Drafting." in html
    assert "Far away consultation" not in html
    assert "No bulletin draft yet" in html


def test_administrator_sees_the_audit_chain_and_failed_emails_in_plain_words(administrator: User) -> None:
    make_site()
    OutboxMessage.objects.create(kind="campaigns.signer_confirm", status=OutboxStatus.FAILED, error="SMTP 550")
    html = home(administrator)
    assert "audit log entries sealed" in html and "not been checked against its seals yet" in html
    assert "/admin/outgoing-email/?status=failed" in html
    listing = client_for(administrator).get("/admin/outgoing-email/?status=failed")
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "Signing: confirmation link" in text and "campaigns.signer_confirm" not in text


def test_only_administrators_may_read_the_outgoing_email_list(editor: User, caseworker: User) -> None:
    make_site()
    for user in (editor, caseworker):
        assert client_for(user).get("/admin/outgoing-email/").status_code in (302, 403)


def test_a_sparkline_of_nothing_is_a_flat_line_and_scales_to_the_busiest_hour() -> None:
    flat = Sparkline(values=(0, 0, 0), description="")
    assert {point.split(",")[1] for point in flat.points.split()} == {"22.0"}
    line = Sparkline(values=(0, 5, 10), description="")
    assert line.points.split()[-1] == "120.0,2.0" and line.total == 15


def test_every_outbox_kind_has_a_name_for_people(settings: Any) -> None:
    from chorus.core.outbox import kind_label, registered_kinds

    for kind in registered_kinds():
        label = kind_label(kind)
        assert label and "." not in label and "_" not in label, kind
