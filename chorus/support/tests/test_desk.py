"""The triage desk: permission matrix on every screen, audited views, actions, bulk, report."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from chorus.core.models import AuditEvent
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from chorus.support import selectors
from chorus.support.models import Message, MessageKind, RequestKind, SupportRequest
from chorus.support.selectors import CountCell, RaisedReport, what_members_raised
from chorus.support.tests.factories import make_request
from chorus.support.workflow import Status
from conftest import client_for

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def support_request() -> SupportRequest:
    return make_request(email="")[0]


def _screens(support_request: SupportRequest) -> list[str]:
    return ["/admin/support/", f"/admin/support/{support_request.pk}/", "/admin/support/what-members-raised/"]


def test_anonymous_is_sent_to_login(support_request: SupportRequest) -> None:
    for url in _screens(support_request):
        response = Client().get(url)
        assert response.status_code == 302, url
        assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["editor", "campaigner", "grants_officer"])
def test_other_staff_are_refused(persona: str, request: Any, support_request: SupportRequest) -> None:
    client = client_for(request.getfixturevalue(persona))
    for url in _screens(support_request):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/admin/support/{support_request.pk}/", {"action": "message", "body": "x"}).status_code == 403
    assert not AuditEvent.objects.filter(action="support.request.viewed").exists()


@pytest.mark.parametrize("persona", ["caseworker", "administrator"])
def test_triage_staff_see_every_screen(persona: str, request: Any, support_request: SupportRequest) -> None:
    client = client_for(request.getfixturevalue(persona))
    for url in _screens(support_request):
        assert client.get(url).status_code == 200, url


def test_detail_shows_content_and_audits_the_view(caseworker: Any, support_request: SupportRequest) -> None:
    response = client_for(caseworker).get(f"/admin/support/{support_request.pk}/")
    assert "filming patients at night" in response.content.decode()
    event = AuditEvent.objects.get(action="support.request.viewed")
    assert event.actor == caseworker
    assert event.object_id == str(support_request.pk)
    assert event.data == {}


def test_notes_and_messages_are_shown_apart(caseworker: Any, support_request: SupportRequest) -> None:
    client = client_for(caseworker)
    url = f"/admin/support/{support_request.pk}/"
    client.post(url, {"action": "message", "internal": "note", "body": "Internal: check the trust's policy."})
    client.post(url, {"action": "message", "internal": "message", "body": "Thank you, we are looking into it."})
    assert Message.objects.filter(kind=MessageKind.INTERNAL_NOTE).count() == 1
    assert Message.objects.filter(kind=MessageKind.TO_MEMBER).count() == 1
    content = client.get(url).content.decode()
    notes_at = content.index("Internal notes (staff only")
    assert content.index("Internal: check the trust") > notes_at
    assert content.index("Thank you, we are looking") < notes_at


def test_transition_and_assign_from_the_detail_view(
    caseworker: Any, administrator: Any, support_request: SupportRequest, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(administrator)
    url = f"/admin/support/{support_request.pk}/"
    client.post(url, {"action": "transition", "transition": "start", "outcome_message": ""})
    support_request.refresh_from_db()
    assert support_request.status == Status.IN_PROGRESS
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "assign", "assignee": caseworker.pk})
    support_request.refresh_from_db()
    assert support_request.assignee == caseworker
    assert mail.outbox[0].to == [caseworker.email]
    # A refused transition is reported, not applied.
    client.post(url, {"action": "transition", "transition": "acknowledge"})
    support_request.refresh_from_db()
    assert support_request.status == Status.IN_PROGRESS


def test_queue_filters(caseworker: Any) -> None:
    home = make_site()
    area = PriorityAreaPageFactory(parent=PriorityAreaIndexPageFactory(parent=home), title="Surveillance")
    alert, _ = make_request(email="", priority_area_id=area.pk)
    campaign, _ = make_request(email="", kind=RequestKind.CAMPAIGN, description="Peer support funding")
    old, _ = make_request(email="", now=datetime(2026, 1, 5, 10, tzinfo=LONDON))
    client = client_for(caseworker)

    def refs(query: str) -> set[str]:
        content = client.get("/admin/support/" + query).content.decode()
        return {r.reference for r in (alert, campaign, old) if r.reference in content}

    assert refs("") == {alert.reference, campaign.reference, old.reference}
    assert refs("?kind=campaign") == {campaign.reference}
    assert refs(f"?priority_area={area.pk}") == {alert.reference}
    assert refs("?overdue=on") == {old.reference}
    assert refs("?waiting=on") == set()
    assert refs("?assignee=me") == set()
    assert refs("?status=resolved") == set()
    assert "Overdue" in client.get("/admin/support/?sort=due").content.decode()


def test_bulk_assign_and_transition(caseworker: Any) -> None:
    first, _ = make_request(email="")
    second, _ = make_request(email="")
    client = client_for(caseworker)
    # Each bulk action is confirmed on an "are you sure" page first (test_desk_screens.py).
    client.post(
        "/admin/support/", {"ids": [first.pk, second.pk], "bulk_action": f"assign:{caseworker.pk}", "confirmed": "1"}
    )
    client.post(
        "/admin/support/", {"ids": [first.pk, second.pk], "bulk_action": "transition:acknowledge", "confirmed": "1"}
    )
    for support_request in (first, second):
        support_request.refresh_from_db()
        assert support_request.assignee == caseworker
        assert support_request.status == Status.ACKNOWLEDGED
    assert AuditEvent.objects.filter(action="support.request.transitioned").count() == 2


def test_report_suppresses_small_counts(caseworker: Any) -> None:
    home = make_site()
    area = PriorityAreaPageFactory(parent=PriorityAreaIndexPageFactory(parent=home), title="Welfare benefits")
    for _ in range(6):
        make_request(email="", priority_area_id=area.pk, now=datetime(2026, 10, 5, 10, tzinfo=LONDON))
    for _ in range(2):
        make_request(email="", kind=RequestKind.CAMPAIGN, now=datetime(2026, 10, 6, 10, tzinfo=LONDON))
    report = what_members_raised()
    assert report.months == [date(2026, 10, 1)]
    assert report.area_totals[area.pk] == CountCell(6)
    assert report.area_totals[None].text == "fewer than 5"
    assert report.kind_totals["campaign"].text == "fewer than 5"
    assert report.kind_totals["alert"].text == "6"
    content = client_for(caseworker).get("/admin/support/what-members-raised/").content.decode()
    assert '<svg class="chart"' in content
    assert "Welfare benefits" in content
    assert "fewer than 5" in content
    assert ">2<" not in content


def test_menu_items_only_for_triage_staff(caseworker: Any, editor: Any) -> None:
    assert "Support desk" in client_for(caseworker).get("/admin/").content.decode()
    assert "Support desk" not in client_for(editor).get("/admin/").content.decode()


def _table_shapes(content: str) -> list[tuple[int, list[int]]]:
    """For each table: how many column headers it has, and the span of each body cell that spans."""
    shapes = []
    for table in content.split('<table class="listing">')[1:]:
        head, _, body = table.partition("</thead>")
        spans = [int(span) for span in re.findall(r'colspan="(\d+)"', body.split("</table>")[0])]
        shapes.append((head.count('<th scope="col">'), spans))
    return shapes


def test_report_with_nothing_raised_spans_every_column(caseworker: Any) -> None:
    content = client_for(caseworker).get("/admin/support/what-members-raised/").content.decode()
    assert "Nothing has been raised yet." in content
    # The area table is empty: its one row spans all its columns (the area and the total).
    # The type table still lists each type, with no months, so it has nothing to span.
    assert _table_shapes(content) == [(2, [2]), (2, [])]
    assert '<svg class="chart"' not in content  # no empty chart for screen readers to announce
    assert "nothing to chart" in content


def test_report_empty_row_spans_the_month_columns_too(caseworker: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # A table with months but no rows cannot come from the selector today (months and areas
    # are read from the same rows), so the screen is given such a report.
    months = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    monkeypatch.setattr(selectors, "what_members_raised", lambda: RaisedReport(months, [], [], {}, {}, {}, {}))
    content = client_for(caseworker).get("/admin/support/what-members-raised/").content.decode()
    # Area, three months and the total: five columns, and the empty row spans all five.
    assert _table_shapes(content) == [(5, [5]), (5, [5])]
