"""Who may reach the tracker's staff screens: anonymous -> sign in, wrong role -> refused, right role -> 200."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chorus.core.models import AuditEvent
from chorus.tracker.models import ImportRun
from chorus.tracker.permissions import ROLE_PERMISSIONS
from chorus.tracker.tests.factories import ResponseFactory, SubmissionWindowFactory
from chorus.tracker.workflow import STAFF_ROLES, TRANSITIONS
from conftest import client_for

pytestmark = pytest.mark.django_db

DUE = "/admin/tracker/due/"
STAFF_SCREENS = [
    "/admin/tracker/items/",
    "/admin/tracker/items/new/",
    "/admin/tracker/responses/",
    "/admin/tracker/imports/",
]


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    for path in [DUE, *STAFF_SCREENS]:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/admin/login/"), path


@pytest.mark.parametrize("persona", ["caseworker", "grants_officer"])
def test_other_roles_get_403_on_whats_due(persona: str, request: pytest.FixtureRequest) -> None:
    response = client_for(request.getfixturevalue(persona)).get(DUE)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="tracker.due.viewed").exists()


@pytest.mark.parametrize("persona", ["caseworker", "grants_officer"])
def test_other_roles_cannot_reach_the_tracker_admin(persona: str, request: pytest.FixtureRequest) -> None:
    client = client_for(request.getfixturevalue(persona))
    for path in STAFF_SCREENS:
        response = client.get(path)
        # Wagtail answers a missing model permission by sending staff back to the dashboard.
        assert response.status_code == 302, path
        assert response["Location"] == "/admin/", path


@pytest.mark.parametrize("persona", ["campaigner", "editor", "administrator"])
def test_tracker_roles_see_whats_due_and_it_is_audited(persona: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(persona)
    window = SubmissionWindowFactory(item__title="Mental health plan")
    ResponseFactory(item=window.item, owner=user)
    response = client_for(user).get(DUE)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert "Mental health plan" in response.content.decode()
    event = AuditEvent.objects.get(action="tracker.due.viewed")
    assert event.actor == user and event.data == {"rows": 1}


@pytest.mark.parametrize("persona", ["campaigner", "editor"])
def test_campaigners_and_editors_manage_items(persona: str, request: pytest.FixtureRequest) -> None:
    client = client_for(request.getfixturevalue(persona))
    for path in STAFF_SCREENS:
        assert client.get(path).status_code == 200, path


def test_administrators_can_read_but_not_add(administrator: Any) -> None:
    client = client_for(administrator)
    assert client.get("/admin/tracker/items/").status_code == 200
    assert client.get("/admin/tracker/items/new/").status_code == 302
    assert client.get("/admin/tracker/imports/").status_code == 200


def test_import_runs_can_be_read_but_not_edited(editor: Any) -> None:
    run = ImportRun.objects.create(source="govuk", succeeded=True, counts={"insert": 1}, report=["insert: X [1]"])
    client = client_for(editor)
    assert client.get(f"/admin/tracker/imports/inspect/{run.pk}/").status_code == 200
    assert client.get(f"/admin/tracker/imports/edit/{run.pk}/").status_code == 302


def test_role_permissions_are_declared_for_editors_and_campaigners() -> None:
    for role in ("Editor", "Campaigner"):
        assert "tracker.change_trackeditem" in ROLE_PERMISSIONS[role]
        assert "tracker.change_response" in ROLE_PERMISSIONS[role]
    assert "Caseworker" not in ROLE_PERMISSIONS


def test_the_roles_that_own_and_move_responses_are_the_roles_that_may_change_them() -> None:
    # One rule in three places: owners and moves (workflow.STAFF_ROLES), and permissions.
    changers = {role for role, permissions in ROLE_PERMISSIONS.items() if "tracker.change_response" in permissions}
    assert changers == {role.name for role in STAFF_ROLES} == {"Editor", "Campaigner"}
    assert all(t.who == frozenset(STAFF_ROLES) for t in TRANSITIONS)
    viewers = {role for role, permissions in ROLE_PERMISSIONS.items() if "tracker.view_response" in permissions}
    assert viewers == {"Editor", "Campaigner", "Administrator"}


# Who may do what with our responses, role by role.
RESPONSE_MATRIX = {
    # persona: (list, what's due, add, edit, delete)
    "editor": (200, 200, 200, 200, 200),
    "campaigner": (200, 200, 200, 200, 200),
    "administrator": (200, 200, 302, 302, 302),
    "caseworker": (302, 403, 302, 302, 302),
    "grants_officer": (302, 403, 302, 302, 302),
}


@pytest.mark.parametrize("persona", sorted(RESPONSE_MATRIX))
def test_response_permission_matrix(persona: str, request: pytest.FixtureRequest) -> None:
    response = ResponseFactory()
    client = client_for(request.getfixturevalue(persona))
    paths = [
        "/admin/tracker/responses/",
        DUE,
        "/admin/tracker/responses/new/",
        f"/admin/tracker/responses/edit/{response.pk}/",
        f"/admin/tracker/responses/delete/{response.pk}/",
    ]
    assert tuple(client.get(path).status_code for path in paths) == RESPONSE_MATRIX[persona]


def test_whats_due_links_to_the_edit_screen_only_for_those_who_may_edit(campaigner: Any, administrator: Any) -> None:
    response = ResponseFactory(item=SubmissionWindowFactory(item__title="Mental health plan").item)
    edit_url = f"/admin/tracker/responses/edit/{response.pk}/"
    assert edit_url in client_for(campaigner).get(DUE).content.decode()
    page = client_for(administrator).get(DUE).content.decode()
    assert "Mental health plan" in page and edit_url not in page


def test_whats_due_menu_item_only_for_tracker_roles(campaigner: Any, caseworker: Any) -> None:
    assert "Policy deadlines" in client_for(campaigner).get("/admin/").content.decode()
    assert "Policy deadlines" not in client_for(caseworker).get("/admin/").content.decode()
