"""Staff edits in the Wagtail admin go through the tracker's services."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chorus.core.models import AuditEvent
from chorus.tracker.models import (
    WINDOWS_FIELD,
    ChangeKind,
    ItemChange,
    Response,
    ResponseStatus,
    SourceSystem,
    TrackedItem,
)
from chorus.tracker.tests.factories import ResponseFactory, StageFactory, SubmissionWindowFactory, TrackedItemFactory
from conftest import client_for

pytestmark = pytest.mark.django_db


def formset(prefix: str, rows: list[dict[str, Any]], initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data[f"{prefix}-{index}-ORDER"] = str(index + 1)
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


def item_form(item: TrackedItem | None = None, **changes: Any) -> dict[str, Any]:
    data = {
        "title": item.title if item else "National mental health plan",
        "slug": item.slug if item else "national-plan",
        "kind": item.kind if item else "consultation",
        "owner_body": item.owner_body if item else "Department of Health and Social Care",
        "summary": item.summary if item else "The government asks how services should change.",
        "source_url": item.source_url if item else "",
        "respond_url": item.respond_url if item else "",
        "manually_edited_fields": json.dumps(item.manually_edited_fields if item else []),
        # Items are drafts until published: these forms press "Publish".
        "action-publish": "action-publish",
    }
    data.update(changes)
    return data


def window_rows(item: TrackedItem) -> list[dict[str, Any]]:
    return [
        {
            "id": str(w.pk),
            "label": w.label,
            "opens_at": w.opens_at.astimezone().strftime("%Y-%m-%d %H:%M") if w.opens_at else "",
            "closes_at": w.closes_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        }
        for w in item.windows.all()
    ]


def test_editor_creates_an_item_with_stages_and_windows(editor: Any) -> None:
    data = {
        **item_form(),
        **formset("links", []),
        **formset("stages", [{"name": "opened", "date": "2026-11-01", "note": ""}]),
        **formset(
            "windows", [{"label": "Consultation", "opens_at": "2026-11-01 09:00", "closes_at": "2027-01-20 23:59"}]
        ),
    }
    response = client_for(editor).post("/admin/tracker/items/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = TrackedItem.objects.get(slug="national-plan")
    assert item.stages.count() == 1 and item.windows.count() == 1
    assert item.manually_edited_fields == []
    assert ItemChange.objects.filter(item=item, kind=ChangeKind.ITEM_ADDED).exists()
    assert AuditEvent.objects.filter(action="tracker.item.created", actor=editor, object_id=str(item.pk)).exists()


def test_a_stage_outside_the_kinds_vocabulary_is_refused(editor: Any) -> None:
    data = {
        **item_form(),
        **formset("links", []),
        **formset("stages", [{"name": "royal-assent", "date": "2026-11-01", "note": ""}]),
        **formset("windows", []),
    }
    response = client_for(editor).post("/admin/tracker/items/new/", data)
    assert response.status_code == 200
    assert "does not apply to this kind of item" in response.content.decode()
    assert not TrackedItem.objects.exists()


def test_staff_edits_to_an_imported_item_are_protected_from_imports(campaigner: Any) -> None:
    item = TrackedItemFactory(source_system=SourceSystem.GOVUK, upstream_id="/government/consultations/x")
    SubmissionWindowFactory(item=item)
    stage = StageFactory(item=item)
    rows = window_rows(item)
    rows[0]["closes_at"] = "2026-12-08 17:00"
    data = {
        **item_form(item, title="Our clearer title"),
        **formset("links", []),
        **formset("stages", [{"id": str(stage.pk), "name": "opened", "date": "2026-10-01", "note": ""}], initial=1),
        **formset("windows", rows, initial=1),
    }
    response = client_for(campaigner).post(f"/admin/tracker/items/edit/{item.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.title == "Our clearer title"
    assert item.manually_edited_fields == ["title", WINDOWS_FIELD]
    assert ItemChange.objects.filter(item=item, kind=ChangeKind.DEADLINE_CHANGED).exists()
    event = AuditEvent.objects.get(action="tracker.item.edited")
    assert event.data["protected"] == ["title", WINDOWS_FIELD]


def test_staff_can_release_a_protected_field(editor: Any) -> None:
    # The list of protected fields is no longer typed as JSON: staff tick "let the importer
    # update these again" in the read-only "Imported from" panel.
    item = TrackedItemFactory(
        source_system=SourceSystem.GOVUK, upstream_id="/x", manually_edited_fields=["title", WINDOWS_FIELD]
    )
    data = {
        **item_form(item, release_fields=["title"]),
        **formset("links", []),
        **formset("stages", []),
        **formset("windows", []),
    }
    response = client_for(editor).post(f"/admin/tracker/items/edit/{item.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.manually_edited_fields == [WINDOWS_FIELD]
    event = AuditEvent.objects.get(action="tracker.item.field_released")
    assert event.actor == editor and event.data == {"field": "title"}


def test_only_a_field_staff_have_taken_over_can_be_released(editor: Any) -> None:
    item = TrackedItemFactory(source_system=SourceSystem.GOVUK, upstream_id="/x", manually_edited_fields=["title"])
    data = {
        **item_form(item, release_fields=["upstream_id"]),
        **formset("links", []),
        **formset("stages", []),
        **formset("windows", []),
    }
    response = client_for(editor).post(f"/admin/tracker/items/edit/{item.pk}/", data)
    assert response.status_code == 200
    item.refresh_from_db()
    assert item.manually_edited_fields == ["title"]
    assert not AuditEvent.objects.filter(action="tracker.item.field_released").exists()


def test_the_imported_from_panel_is_read_only_words(editor: Any) -> None:
    item = TrackedItemFactory(
        source_system=SourceSystem.GOVUK,
        upstream_id="/government/consultations/x",
        manually_edited_fields=["owner_body", WINDOWS_FIELD],
    )
    page = client_for(editor).get(f"/admin/tracker/items/edit/{item.pk}/")
    html = page.content.decode()
    assert "Imported from" in html
    assert "GOV.UK search" in html and "/government/consultations/x" in html
    assert "Who runs it, Submission windows." in html
    assert "Last imported" in html and "Not recorded yet" in html
    assert 'name="release_fields" value="owner_body"' in html
    for internal in ("manually_edited_fields", 'name="upstream_id"', 'name="source_system"'):
        assert internal not in html, internal


def test_items_entered_by_staff_show_no_imported_from_panel(editor: Any) -> None:
    client = client_for(editor)
    item = TrackedItemFactory()
    for path in ("/admin/tracker/items/new/", f"/admin/tracker/items/edit/{item.pk}/"):
        html = client.get(path).content.decode()
        assert "Imported from" not in html, path
        assert "release_fields" not in html, path


def test_the_internal_import_fields_cannot_be_posted(editor: Any) -> None:
    item = TrackedItemFactory(source_system=SourceSystem.GOVUK, upstream_id="/x", manually_edited_fields=["title"])
    data = {
        **item_form(item, manually_edited_fields="[]", upstream_id="/y", source_system="bills"),
        **formset("links", []),
        **formset("stages", []),
        **formset("windows", []),
    }
    response = client_for(editor).post(f"/admin/tracker/items/edit/{item.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert (item.upstream_id, item.source_system, item.manually_edited_fields) == ("/x", "govuk", ["title"])


def new_item_data(**changes: Any) -> dict[str, Any]:
    return {**item_form(**changes), **formset("links", []), **formset("stages", []), **formset("windows", [])}


def test_the_slug_is_made_from_the_title_when_left_empty(editor: Any) -> None:
    client = client_for(editor)
    TrackedItemFactory(slug="mental-health-act-reform")
    response = client.post("/admin/tracker/items/new/", new_item_data(title="Mental Health Act: reform!", slug=""))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert TrackedItem.objects.filter(title="Mental Health Act: reform!").get().slug == "mental-health-act-reform-2"
    response = client.post("/admin/tracker/items/new/", new_item_data(title="Mental Health Act: reform!", slug=""))
    assert response.status_code == 302
    slugs = set(TrackedItem.objects.filter(title="Mental Health Act: reform!").values_list("slug", flat=True))
    assert slugs == {"mental-health-act-reform-2", "mental-health-act-reform-3"}


def test_a_slug_staff_choose_is_kept_and_must_be_free(editor: Any) -> None:
    client = client_for(editor)
    TrackedItemFactory(slug="taken")
    response = client.post("/admin/tracker/items/new/", new_item_data(slug="taken"))
    assert response.status_code == 200
    assert not TrackedItem.objects.filter(title="National mental health plan").exists()
    response = client.post("/admin/tracker/items/new/", new_item_data(slug="our-choice"))
    assert response.status_code == 302
    assert TrackedItem.objects.get(title="National mental health plan").slug == "our-choice"


def test_emptying_the_slug_of_an_item_makes_a_new_one_from_its_title(editor: Any) -> None:
    item = TrackedItemFactory(title="Crisis care review", slug="old-address")
    data = {**item_form(item, slug=""), **formset("links", []), **formset("stages", []), **formset("windows", [])}
    response = client_for(editor).post(f"/admin/tracker/items/edit/{item.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert item.slug == "crisis-care-review"


def test_the_title_fills_the_slug_in_the_browser_with_wagtails_sync(editor: Any) -> None:
    html = client_for(editor).get("/admin/tracker/items/new/").content.decode()
    assert 'data-w-sync-target-value="#id_slug"' in html
    assert 'data-controller="w-slug"' in html


def test_response_status_moves_only_through_the_workflow(campaigner: Any) -> None:
    response = ResponseFactory(owner=campaigner)
    client = client_for(campaigner)
    base = {"item": str(response.item.pk), "owner": str(campaigner.pk), "notes": "", "not_responding_reason": ""}
    page = client.post(f"/admin/tracker/responses/edit/{response.pk}/", {**base, "move_to": "not-responding"})
    assert page.status_code == 200
    assert "Say why we are not responding." in page.content.decode()
    response.refresh_from_db()
    assert response.status == ResponseStatus.PLANNED
    page = client.post(f"/admin/tracker/responses/edit/{response.pk}/", {**base, "move_to": "published"})
    assert page.status_code == 200  # not a move the workflow offers from "planned"
    page = client.post(f"/admin/tracker/responses/edit/{response.pk}/", {**base, "move_to": "drafting"})
    assert page.status_code == 302
    response.refresh_from_db()
    assert response.status == ResponseStatus.DRAFTING
    assert AuditEvent.objects.filter(action="tracker.response.transitioned", data__to="drafting").exists()


def test_creating_a_response_in_the_admin_audits_it(editor: Any) -> None:
    item = TrackedItemFactory()
    data = {"item": str(item.pk), "owner": str(editor.pk), "notes": "", "not_responding_reason": "", "move_to": ""}
    page = client_for(editor).post("/admin/tracker/responses/new/", data)
    assert page.status_code == 302, page.content.decode()[:3000]
    assert item.response.status == ResponseStatus.PLANNED
    assert AuditEvent.objects.filter(action="tracker.response.created", actor=editor).exists()


def test_only_tracker_staff_can_own_a_response(editor: Any, caseworker: Any) -> None:
    response = ResponseFactory()
    page = client_for(editor).get(f"/admin/tracker/responses/edit/{response.pk}/")
    owners = page.context["form"].fields["owner"].queryset
    assert editor in owners and caseworker not in owners


def test_deleting_an_item_in_the_admin_is_audited(campaigner: Any) -> None:
    item = SubmissionWindowFactory().item
    ResponseFactory(item=item)
    page = client_for(campaigner).post(f"/admin/tracker/items/delete/{item.pk}/")
    assert page.status_code == 302
    assert not TrackedItem.objects.filter(pk=item.pk).exists()
    event = AuditEvent.objects.get(action="tracker.item.deleted")
    assert event.object_id == str(item.pk) and event.data["had_response"] is True


def response_form(response: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "item": str(response.item.pk),
        "owner": str(response.owner.pk) if response.owner else "",
        "internal_deadline": response.internal_deadline.isoformat() if response.internal_deadline else "",
        "article": "",
        "notes": response.notes,
        "not_responding_reason": response.not_responding_reason,
        "move_to": "",
    }
    data.update(changes)
    return data


def test_editing_owner_deadline_and_notes_without_a_move_is_audited(campaigner: Any, editor: Any) -> None:
    response = ResponseFactory(owner=campaigner)
    data = response_form(response, owner=str(editor.pk), internal_deadline="2026-12-01", notes="Call the chair")
    page = client_for(campaigner).post(f"/admin/tracker/responses/edit/{response.pk}/", data)
    assert page.status_code == 302, page.content.decode()[:3000]
    response.refresh_from_db()
    assert response.owner == editor and response.notes == "Call the chair"
    event = AuditEvent.objects.get(action="tracker.response.edited")
    assert event.actor == campaigner
    assert event.data["fields"] == ["internal_deadline", "notes", "owner"]
    assert "Call the chair" not in json.dumps(event.data)
    assert not AuditEvent.objects.filter(action="tracker.response.transitioned").exists()


def test_deleting_a_response_in_the_admin_is_audited(editor: Any) -> None:
    response = ResponseFactory()
    client = client_for(editor)
    assert client.get(f"/admin/tracker/responses/delete/{response.pk}/").status_code == 200
    page = client.post(f"/admin/tracker/responses/delete/{response.pk}/")
    assert page.status_code == 302
    assert not Response.objects.filter(pk=response.pk).exists()
    event = AuditEvent.objects.get(action="tracker.response.deleted")
    assert event.actor == editor and event.object_id == str(response.pk)


def test_there_is_no_copy_screen_that_would_save_past_the_services(editor: Any) -> None:
    # Wagtail's copy view saves a POST over the original, with no audit; it is switched off.
    response = ResponseFactory()
    client = client_for(editor)
    for path in (f"/admin/tracker/responses/copy/{response.pk}/", f"/admin/tracker/items/copy/{response.item.pk}/"):
        assert client.get(path).status_code == 404, path
        assert client.post(path, response_form(response)).status_code == 404, path


def test_administrators_cannot_own_responses_but_a_current_owner_stays_selectable(
    editor: Any, administrator: Any
) -> None:
    page = client_for(editor).get(f"/admin/tracker/responses/edit/{ResponseFactory().pk}/")
    assert administrator not in page.context["form"].fields["owner"].queryset
    # A response an administrator owned before this rule can still be saved, and handed on.
    inherited = ResponseFactory(owner=administrator)
    page = client_for(editor).get(f"/admin/tracker/responses/edit/{inherited.pk}/")
    owners = page.context["form"].fields["owner"].queryset
    assert administrator in owners and editor in owners


def test_administrators_cannot_open_the_response_edit_or_delete_screens(administrator: Any) -> None:
    response = ResponseFactory()
    client = client_for(administrator)
    assert client.get("/admin/tracker/responses/").status_code == 200
    for path in (f"/admin/tracker/responses/edit/{response.pk}/", f"/admin/tracker/responses/delete/{response.pk}/"):
        page = client.get(path)
        assert page.status_code == 302 and page["Location"] == "/admin/", path
    assert client.post(f"/admin/tracker/responses/delete/{response.pk}/").status_code == 302
    assert Response.objects.filter(pk=response.pk).exists()
