"""Our response's workflow: only declared moves, by the right roles, with reasons and articles, audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chorus.core.models import AuditEvent
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import make_site
from chorus.tracker.models import ChangeKind, ItemChange, ResponseStatus
from chorus.tracker.services import TransitionNotAllowed, response_create, response_transition
from chorus.tracker.tests.factories import ResponseFactory, TrackedItemFactory
from chorus.tracker.workflow import PUBLIC_LABELS, TRANSITIONS, allowed_targets

pytestmark = pytest.mark.django_db


def test_every_state_has_a_public_label_and_transitions_use_known_states() -> None:
    assert set(PUBLIC_LABELS) == set(ResponseStatus.values)
    for transition in TRANSITIONS:
        assert transition.source in ResponseStatus.values and transition.target in ResponseStatus.values
    assert allowed_targets(ResponseStatus.PUBLISHED) == []


def test_create_starts_planned_records_the_change_and_audits(campaigner) -> None:
    item = TrackedItemFactory()
    response = response_create(item=item, actor=campaigner, owner=campaigner)
    assert response.status == ResponseStatus.PLANNED
    assert ItemChange.objects.get(item=item).kind == ChangeKind.RESPONSE_CHANGED
    event = AuditEvent.objects.get(action="tracker.response.created")
    assert event.actor == campaigner and event.data == {"item_id": item.pk}


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
