"""Tracked items as drafts: saved and previewed by staff, public only once published."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from chorus.core.models import AuditEvent
from chorus.pages.tests.factories import make_site
from chorus.tracker.models import ChangeKind, ItemChange, SourceSystem, TrackedItem
from chorus.tracker.selectors import (
    TrackerFilters,
    closing_soon_windows,
    deadline_windows,
    recent_changes,
    tracked_item_detail,
    tracked_item_list,
)
from chorus.tracker.tests.factories import TrackedItemFactory, TrackerPageFactory, london
from chorus.tracker.tests.test_admin import formset, item_form
from conftest import client_for

pytestmark = pytest.mark.django_db

NOW = london(2026, 11, 2, 12, 0)


def draft_of(data: dict[str, Any]) -> dict[str, Any]:
    """The same form, with "Save draft" pressed instead of "Publish"."""
    return {key: value for key, value in data.items() if key != "action-publish"}


def new_item(**changes: Any) -> dict[str, Any]:
    window = {"label": "", "opens_at": "2026-11-01 09:00", "closes_at": "2026-11-20 23:59"}
    return {**item_form(**changes), **formset("links", []), **formset("stages", []), **formset("windows", [window])}


def edit_form(item: TrackedItem, **changes: Any) -> dict[str, Any]:
    return {**item_form(item, **changes), **formset("links", []), **formset("stages", []), **formset("windows", [])}


@time_machine.travel(NOW, tick=False)
def test_a_new_item_saved_as_a_draft_is_nowhere_public(editor: Any, client: Client) -> None:
    TrackerPageFactory(parent=make_site())
    response = client_for(editor).post("/admin/tracker/items/new/", draft_of(new_item()))
    assert response.status_code == 302, response.content.decode()[:3000]
    item = TrackedItem.objects.get(slug="national-plan")
    assert not item.live
    assert not ItemChange.objects.filter(item=item).exists()
    assert AuditEvent.objects.filter(action="tracker.item.draft_saved", actor=editor).exists()
    assert not AuditEvent.objects.filter(action="tracker.item.created").exists()
    now = timezone.now()
    assert item not in tracked_item_list(filters=TrackerFilters(), now=now)
    assert tracked_item_detail(slug="national-plan", now=now) is None
    assert not closing_soon_windows(now=now) and not deadline_windows(now=now).exists()
    assert client.get("/tracker/national-plan/").status_code == 404
    assert "National mental health plan" not in client.get("/tracker/").content.decode()


@time_machine.travel(NOW, tick=False)
def test_publishing_a_draft_puts_it_on_the_tracker_and_the_timeline(editor: Any, client: Client) -> None:
    TrackerPageFactory(parent=make_site())
    staff = client_for(editor)
    staff.post("/admin/tracker/items/new/", draft_of(new_item()))
    item = TrackedItem.objects.get(slug="national-plan")
    window = item.windows.get()
    rows = [{"id": str(window.pk), "label": "", "opens_at": "2026-11-01 09:00", "closes_at": "2026-11-20 23:59"}]
    data = {**edit_form(item), **formset("windows", rows, initial=1)}
    response = staff.post(f"/admin/tracker/items/edit/{item.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.live
    assert ItemChange.objects.filter(item=item, kind=ChangeKind.ITEM_ADDED).count() == 1
    assert AuditEvent.objects.filter(action="tracker.item.created", object_id=str(item.pk)).exists()
    assert client.get("/tracker/national-plan/").status_code == 200
    assert [w.item for w in closing_soon_windows(now=timezone.now())] == [item]
    assert [change.item for change in recent_changes()] == [item]


def test_a_draft_of_a_live_item_leaves_the_public_version_alone(editor: Any, client: Client) -> None:
    TrackerPageFactory(parent=make_site())
    item = TrackedItemFactory(title="Crisis care review", slug="crisis-care")
    staff = client_for(editor)
    response = staff.post(f"/admin/tracker/items/edit/{item.pk}/", draft_of(edit_form(item, title="Draft title")))
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.live and item.has_unpublished_changes
    assert item.title == "Crisis care review"
    assert "Crisis care review" in client.get("/tracker/crisis-care/").content.decode()
    # The edit screen opens on the draft, and says the public cannot see it yet.
    page = staff.get(f"/admin/tracker/items/edit/{item.pk}/").content.decode()
    assert 'value="Draft title"' in page and "changes the public cannot see yet" in page
    response = staff.post(f"/admin/tracker/items/edit/{item.pk}/", edit_form(item, title="Draft title"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.title == "Draft title" and not item.has_unpublished_changes


def test_publishing_an_earlier_draft_still_protects_imported_fields(editor: Any) -> None:
    item = TrackedItemFactory(title="Upstream title", source_system=SourceSystem.GOVUK, upstream_id="/x")
    staff = client_for(editor)
    staff.post(f"/admin/tracker/items/edit/{item.pk}/", draft_of(edit_form(item, title="Our title")))
    item.refresh_from_db()
    assert item.manually_edited_fields == []  # nothing public changed yet
    # Publishing the draft as it stands: the form itself changes nothing, the draft did.
    response = staff.post(f"/admin/tracker/items/edit/{item.pk}/", edit_form(item, title="Our title"))
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.title == "Our title"
    assert item.manually_edited_fields == ["title"]


def test_the_form_has_plain_save_draft_and_publish_buttons(editor: Any) -> None:
    html = client_for(editor).get("/admin/tracker/items/new/").content.decode()
    assert ">Save draft</button>" in html
    assert 'name="action-publish" value="action-publish">Publish</button>' in html


def test_the_saved_version_can_be_previewed_as_the_public_page(editor: Any) -> None:
    TrackerPageFactory(parent=make_site())
    item = TrackedItemFactory(title="Crisis care review", slug="crisis-care")
    staff = client_for(editor)
    staff.post(f"/admin/tracker/items/edit/{item.pk}/", draft_of(edit_form(item, title="Draft title")))
    edit_page = staff.get(f"/admin/tracker/items/edit/{item.pk}/").content.decode()
    assert f'href="/admin/tracker/items/draft/{item.pk}/"' in edit_page
    preview = staff.get(f"/admin/tracker/items/draft/{item.pk}/")
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "<h1>Draft title</h1>" in html
    assert "Crisis care review" not in html


def test_wagtails_live_preview_renders_the_form_as_the_item_page(editor: Any) -> None:
    TrackerPageFactory(parent=make_site())
    item = TrackedItemFactory(title="Crisis care review", slug="crisis-care")
    staff = client_for(editor)
    url = f"/admin/tracker/items/preview/{item.pk}/"
    response = staff.post(url, edit_form(item, title="Being typed"))
    assert response.status_code == 200 and response.json()["is_valid"] is True
    assert "<h1>Being typed</h1>" in staff.get(url).content.decode()


def test_the_draft_preview_sends_the_anonymous_to_sign_in(client: Client) -> None:
    item = TrackedItemFactory()
    response = client.get(f"/admin/tracker/items/draft/{item.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_draft_preview_refuses_other_roles(caseworker: Any) -> None:
    item = TrackedItemFactory()
    assert client_for(caseworker).get(f"/admin/tracker/items/draft/{item.pk}/").status_code == 403


def test_the_draft_preview_opens_to_tracker_staff(campaigner: Any) -> None:
    TrackerPageFactory(parent=make_site())
    item = TrackedItemFactory(title="Seen by campaigners")
    response = client_for(campaigner).get(f"/admin/tracker/items/draft/{item.pk}/")
    assert response.status_code == 200 and "Seen by campaigners" in response.content.decode()


def test_the_item_list_shows_and_filters_drafts(editor: Any) -> None:
    TrackedItemFactory(title="Public one")
    TrackedItemFactory(title="Not yet public", live=False)
    staff = client_for(editor)
    html = staff.get("/admin/tracker/items/").content.decode()
    assert "Public one" in html and "Not yet public" in html
    assert "draft" in html.split("Not yet public", 1)[1].split("</tr>", 1)[0]
    drafts = staff.get("/admin/tracker/items/?live=false").content.decode()
    assert "Not yet public" in drafts and "Public one" not in drafts


def test_the_history_screen_lists_drafts_and_publishing(editor: Any) -> None:
    item = TrackedItemFactory(title="Crisis care review", slug="crisis-care")
    staff = client_for(editor)
    staff.post(f"/admin/tracker/items/edit/{item.pk}/", draft_of(edit_form(item, title="Draft title")))
    staff.post(f"/admin/tracker/items/edit/{item.pk}/", edit_form(item, title="Draft title"))
    response = staff.get(f"/admin/tracker/items/history/{item.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Published" in html and "Live version" in html and "Edited" in html


def test_the_inspect_screen_shows_the_status_not_the_draft_machinery(administrator: Any) -> None:
    item = TrackedItemFactory(title="Read only for administrators", live=False)
    response = client_for(administrator).get(f"/admin/tracker/items/inspect/{item.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Read only for administrators" in html and "draft" in html
    for internal in ("Latest revision", "Live revision", "Manually edited fields", "Expire at"):
        assert internal.lower() not in html.lower(), internal
