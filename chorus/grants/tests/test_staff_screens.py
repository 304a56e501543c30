"""Staff read what groups send: the list of sent applications and one application in full,
for the roles with the permission, each reading audited; drafts stay the group's own."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from chorus.accounts.models import User
from chorus.core.models import AuditEvent
from chorus.grants.models import Application, FundPage, RoundPage
from chorus.grants.tests.factories import make_mixed_round
from chorus.grants.tests.test_applying import _fill, _key, _start
from chorus.grants.workflow import ApplicationStatus
from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_page(fund: FundPage) -> RoundPage:
    return make_mixed_round(fund)


@pytest.fixture
def sent(round_page: RoundPage) -> Application:
    group = Client()
    token = _start(group, round_page)
    _fill(group, round_page, token)
    response = group.post(f"/funding/application/{token}/check/", {"submission_key": _key()})
    assert response.status_code == 302
    return Application.objects.get(status=ApplicationStatus.RECEIVED)


@pytest.fixture
def draft(round_page: RoundPage) -> Application:
    _start(Client(), round_page, email="still.writing@example.org")
    return Application.objects.get(status=ApplicationStatus.DRAFT)


def test_the_screens_send_visitors_to_sign_in(sent: Application) -> None:
    for url in ("/admin/grants/", f"/admin/grants/{sent.pk}/"):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("role", ["caseworker", "campaigner", "editor"])
def test_roles_without_the_permission_are_refused(role: str, sent: Application, request: Any) -> None:
    user: User = request.getfixturevalue(role)
    for url in ("/admin/grants/", f"/admin/grants/{sent.pk}/"):
        response = client_for(user).get(url)
        assert response.status_code == 403
        assert "Leeds Hearing Voices" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="grants.application.viewed").exists()


@pytest.mark.parametrize("role", ["grants_officer", "administrator"])
def test_the_list_shows_sent_applications_and_only_counts_drafts(
    role: str, sent: Application, draft: Application, request: Any
) -> None:
    user: User = request.getfixturevalue(role)
    body = client_for(user).get("/admin/grants/").content.decode()
    assert sent.reference and sent.reference in body
    assert "Leeds Hearing Voices" in body
    assert "(1 draft not sent)" in body
    assert f"/admin/grants/{draft.pk}/" not in body
    assert client_for(user).get(f"/admin/grants/{draft.pk}/").status_code == 404


def test_reading_an_application_shows_every_answer_and_is_audited(grants_officer: User, sent: Application) -> None:
    body = client_for(grants_officer).get(f"/admin/grants/{sent.pk}/").content.decode()
    for shown in ("Leeds Hearing Voices", "Sam Jones", "0113 496 0000"):
        assert shown in body
    assert "sam.jones@example.org" in body.lower()
    assert "Weekly peer support meetings in the library" in body
    assert "Large print" in body
    event = AuditEvent.objects.get(action="grants.application.viewed")
    assert event.actor_id == grants_officer.pk and event.object_id == str(sent.pk)


def test_staff_read_the_group_in_their_own_words_and_amounts_in_pounds(
    grants_officer: User, sent: Application
) -> None:
    # The group's page says "Your name"; staff read about the group, not as it.
    body = client_for(grants_officer).get(f"/admin/grants/{sent.pk}/").content.decode()
    assert "Contact name" in body and "Group&#x27;s name" in body
    assert "Your name" not in body and "Your group&#x27;s name" not in body
    assert "What would help them take part" in body
    assert "£450" in body


def test_an_answer_to_a_question_since_removed_is_still_shown(grants_officer: User, sent: Application) -> None:
    sent.answers.create(
        question_id="gone-question", value="An answer to an older question", updated_at=sent.created_at
    )
    body = client_for(grants_officer).get(f"/admin/grants/{sent.pk}/").content.decode()
    assert "A question since removed from this grant size" in body
    assert "An answer to an older question" in body


def test_the_list_filters_by_round_and_status(grants_officer: User, sent: Application, fund: FundPage) -> None:
    other_round = make_mixed_round(fund, title="Summer round")
    body = client_for(grants_officer).get(f"/admin/grants/?round={sent.round_id}&status=received").content.decode()
    assert sent.reference in body
    body = client_for(grants_officer).get(f"/admin/grants/?round={sent.round_id}&status=awarded").content.decode()
    assert sent.reference not in body and "that matches these filters" in body
    body = client_for(grants_officer).get(f"/admin/grants/?round={other_round.pk}").content.decode()
    assert sent.reference not in body
