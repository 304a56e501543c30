"""Our response's workflow: only declared moves, by the right roles, with reasons and articles, audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.core.models import AuditEvent
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import make_site
from chorus.tracker.models import ChangeKind, ItemChange, Response, ResponseStatus, TrackedItem
from chorus.tracker.services import (
    TransitionNotAllowed,
    response_create,
    response_delete,
    response_edit,
    response_transition,
)
from chorus.tracker.tests.factories import ResponseFactory, TrackedItemFactory
from chorus.tracker.workflow import PUBLIC_LABELS, TRANSITIONS, allowed_targets

pytestmark = pytest.mark.django_db


def test_every_state_has_a_public_label_and_transitions_use_known_states() -> None:
    assert set(PUBLIC_LABELS) == set(ResponseStatus.values)
    for transition in TRANSITIONS:
        assert transition.sources <= set(ResponseStatus.values) and transition.target in ResponseStatus.values
    assert allowed_targets(ResponseStatus.PUBLISHED) == []


def test_create_starts_planned_records_the_change_and_audits(campaigner) -> None:
    item = TrackedItemFactory()
    response = response_create(item=item, actor=campaigner, owner=campaigner)
    assert response.status == ResponseStatus.PLANNED
    assert ItemChange.objects.get(item=item).kind == ChangeKind.RESPONSE_CHANGED
    event = AuditEvent.objects.get(action="tracker.response.created")
    assert event.actor == campaigner and event.data == {"item_id": item.pk, "fields": ["owner"]}


def test_the_happy_path_to_published_with_an_article(editor) -> None:
    home = make_site()
    article = ArticlePageFactory(parent=ArticleIndexPageFactory(parent=home))
    response = ResponseFactory()
    for target in (ResponseStatus.DRAFTING, ResponseStatus.SUBMITTED):
        response = response_transition(response=response, target=target, actor=editor)
    with pytest.raises(ValidationError):
        response_transition(response=response, target=ResponseStatus.PUBLISHED, actor=editor)
    response = response_transition(response=response, target=ResponseStatus.PUBLISHED, actor=editor, article=article)
    assert response.status == ResponseStatus.PUBLISHED and response.article == article
    events = AuditEvent.objects.filter(action="tracker.response.transitioned").order_by("id")
    assert [(e.data["from"], e.data["to"]) for e in events] == [
        ("planned", "drafting"),
        ("drafting", "submitted"),
        ("submitted", "published"),
    ]
    assert ItemChange.objects.filter(item=response.item, kind=ChangeKind.RESPONSE_CHANGED).count() == 3


def test_not_responding_needs_a_reason(campaigner) -> None:
    response = ResponseFactory()
    with pytest.raises(ValidationError):
        response_transition(response=response, target=ResponseStatus.NOT_RESPONDING, actor=campaigner)
    response = response_transition(
        response=response, target=ResponseStatus.NOT_RESPONDING, actor=campaigner, reason="Others lead on this."
    )
    assert response.not_responding_reason == "Others lead on this."


def test_undeclared_moves_are_refused(campaigner) -> None:
    response = ResponseFactory()
    with pytest.raises(TransitionNotAllowed):
        response_transition(response=response, target=ResponseStatus.SUBMITTED, actor=campaigner)
    response.refresh_from_db()
    assert response.status == ResponseStatus.PLANNED
    assert not AuditEvent.objects.filter(action="tracker.response.transitioned").exists()


def test_roles_outside_the_workflow_are_refused(caseworker) -> None:
    response = ResponseFactory()
    with pytest.raises(PermissionDenied):
        response_transition(response=response, target=ResponseStatus.DRAFTING, actor=caseworker)
    response.refresh_from_db()
    assert response.status == ResponseStatus.PLANNED


def test_create_can_move_the_new_response_on_at_once(editor) -> None:
    item = TrackedItemFactory()
    response = response_create(
        item=item, actor=editor, move_to=ResponseStatus.NOT_RESPONDING, reason="Others lead on this."
    )
    assert response.status == ResponseStatus.NOT_RESPONDING
    assert response.not_responding_reason == "Others lead on this."
    events = AuditEvent.objects.filter(action__startswith="tracker.response.").order_by("id")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["tracker.response.created", "tracker.response.transitioned"]


def test_edit_audits_the_names_of_changed_fields_never_the_notes(campaigner, editor) -> None:
    response = ResponseFactory(owner=campaigner, notes="")
    response_edit(
        response=response,
        actor=campaigner,
        item=response.item,
        owner=editor,
        internal_deadline=date(2026, 12, 1),
        article=None,
        notes="Ring Sam Jones about their evidence",
        not_responding_reason="",
    )
    response.refresh_from_db()
    assert (response.owner, response.internal_deadline) == (editor, date(2026, 12, 1))
    assert response.status == ResponseStatus.PLANNED
    event = AuditEvent.objects.get(action="tracker.response.edited")
    assert event.actor == campaigner and event.object_id == str(response.pk)
    assert event.data == {
        "item_id": response.item_id,
        "fields": ["internal_deadline", "notes", "owner"],
        "owner": {"from": campaigner.pk, "to": editor.pk},
    }
    assert "Sam Jones" not in str(event.data)
    assert not AuditEvent.objects.filter(action="tracker.response.transitioned").exists()


def test_an_edit_that_changes_nothing_writes_nothing(campaigner) -> None:
    response = ResponseFactory(owner=campaigner, notes="As before")
    response_edit(
        response=response,
        actor=campaigner,
        item=response.item,
        owner=campaigner,
        internal_deadline=response.internal_deadline,
        article=None,
        notes="As before",
        not_responding_reason="",
    )
    assert not AuditEvent.objects.filter(action__startswith="tracker.response.").exists()


def test_edit_with_a_move_saves_the_reason_first_and_audits_both(campaigner) -> None:
    response = ResponseFactory()
    response_edit(
        response=response,
        actor=campaigner,
        item=response.item,
        owner=None,
        internal_deadline=None,
        article=None,
        notes="",
        not_responding_reason="Another network leads on this.",
        move_to=ResponseStatus.NOT_RESPONDING,
    )
    response.refresh_from_db()
    assert response.status == ResponseStatus.NOT_RESPONDING
    assert response.not_responding_reason == "Another network leads on this."
    assert AuditEvent.objects.get(action="tracker.response.edited").data["fields"] == ["not_responding_reason"]
    assert AuditEvent.objects.filter(action="tracker.response.transitioned", data__to="not-responding").exists()


def test_a_refused_move_undoes_the_edit_with_it(campaigner) -> None:
    response = ResponseFactory()
    with pytest.raises(TransitionNotAllowed):
        response_edit(
            response=response,
            actor=campaigner,
            item=response.item,
            owner=campaigner,
            internal_deadline=None,
            article=None,
            notes="",
            not_responding_reason="",
            move_to=ResponseStatus.SUBMITTED,
        )
    response.refresh_from_db()
    assert response.owner is None
    assert not AuditEvent.objects.filter(action__startswith="tracker.response.").exists()


def test_delete_is_audited_with_ids_only(editor) -> None:
    response = ResponseFactory(notes="Private thoughts")
    item_id, response_id = response.item_id, response.pk
    response_delete(response=response, actor=editor)
    assert not Response.objects.filter(pk=response_id).exists()
    assert TrackedItem.objects.filter(pk=item_id).exists()
    event = AuditEvent.objects.get(action="tracker.response.deleted")
    assert event.actor == editor and event.object_id == str(response_id)
    assert event.data == {"item_id": item_id, "status": ResponseStatus.PLANNED}


@pytest.mark.parametrize("persona", ["administrator", "caseworker"])
def test_roles_that_do_not_run_the_tracker_cannot_change_responses(persona, request) -> None:
    user = request.getfixturevalue(persona)
    response = ResponseFactory()
    with pytest.raises(PermissionDenied):
        response_create(item=TrackedItemFactory(), actor=user)
    with pytest.raises(PermissionDenied):
        response_edit(
            response=response,
            actor=user,
            item=response.item,
            owner=user,
            internal_deadline=None,
            article=None,
            notes="",
            not_responding_reason="",
        )
    with pytest.raises(PermissionDenied):
        response_transition(response=response, target=ResponseStatus.DRAFTING, actor=user)
    with pytest.raises(PermissionDenied):
        response_delete(response=response, actor=user)
    response.refresh_from_db()
    assert response.owner is None and response.status == ResponseStatus.PLANNED
    assert not AuditEvent.objects.filter(action__startswith="tracker.response.").exists()


def test_the_response_workflow_is_the_table_the_engine_runs(campaigner, monkeypatch) -> None:
    # Changing the declared table changes what the service allows: it reads no other rules.
    from chorus.core.workflow import Workflow
    from chorus.tracker import services, workflow

    response = ResponseFactory()
    without_drafting = Workflow(
        model=Response,
        state_field="status",
        audit_action=workflow.RESPONSE_WORKFLOW.audit_action,
        transitions=tuple(t for t in workflow.TRANSITIONS if t.name != "start_drafting"),
    )
    monkeypatch.setattr(services, "RESPONSE_WORKFLOW", without_drafting)
    with pytest.raises(TransitionNotAllowed):
        response_transition(response=response, target=ResponseStatus.DRAFTING, actor=campaigner)
    monkeypatch.undo()
    response_transition(response=response, target=ResponseStatus.DRAFTING, actor=campaigner)
    assert AuditEvent.objects.get(action="tracker.response.transitioned").data["transition"] == "start_drafting"
