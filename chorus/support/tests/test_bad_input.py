"""Bad input on the support forms and the triage desk: a message with the answers kept, or a 400."""

from __future__ import annotations

import html
import re
import time
from typing import Any
from unittest import mock

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client

from chorus.core.antibot import _SALT
from chorus.core.ids import MAX_ID
from chorus.core.models import AuditEvent
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from chorus.support.models import Message, SupportRequest
from chorus.support.tests.factories import make_request
from chorus.support.views import ANSWERS_MAX_AGE
from chorus.support.workflow import Status
from conftest import client_for

pytestmark = pytest.mark.django_db

NOT_IDS = ["²", "١٢", str(MAX_ID + 1), "99999999999999999999", "-1", "x"]
TOO_BIG = "9999999999999999999999999"


@pytest.fixture(autouse=True)
def _clear_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def support_request() -> SupportRequest:
    return make_request(email="")[0]


# --- the public forms ---

ALERT = {
    "description": "Our local trust now asks for immigration papers before therapy.",
    "where_category": "local",
    "where_detail": "Bristol",
    "contact_method": "email",
    "name": "Ali",
    "email": "ali@example.org",
    "website": "",
}


def _started() -> str:
    return signing.dumps(time.time() - 30, salt=_SALT)


def _checked_answers(client: Client) -> str:
    check = client.post("/support/policy-issue/", {**ALERT, "form_started": _started(), "action": "check"})
    assert "Check your answers" in check.content.decode()
    answers = re.search(r'name="answers" value="([^"]+)"', check.content.decode())
    assert answers is not None
    return answers.group(1)


@pytest.mark.parametrize("action", ["zzz", "", "Send", "send "])
def test_only_the_send_button_sends(action: str) -> None:
    client = Client()
    for data in ({**ALERT, "form_started": _started()}, {"answers": _checked_answers(client)}):
        response = client.post("/support/policy-issue/", {**data, "action": action})
        assert response.status_code == 200
        content = response.content.decode()
        assert "Check your answers" not in content
        if "description" in data:
            assert "immigration papers before therapy" in content  # the answers are kept
    assert not SupportRequest.objects.exists()


def test_a_campaign_request_with_an_unknown_action_is_not_sent() -> None:
    response = Client().post(
        "/support/campaign/",
        {
            "applicant_type": "individual",
            "description": "A campaign about ward cameras.",
            "help_types": ["other"],
            "help_other": "Advice",
            "contact_method": "email",
            "name": "Al",
            "email": "al@example.org",
            "form_started": _started(),
            "action": "zzz",
        },
    )
    assert response.status_code == 200
    assert "A campaign about ward cameras." in response.content.decode()
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize("action", ["change", "send"])
def test_expired_answers_come_back_in_the_form_to_check_again(action: str) -> None:
    client = Client()
    answers = _checked_answers(client)
    later = time.time() + ANSWERS_MAX_AGE + 60
    with mock.patch("time.time", return_value=later):
        response = client.post("/support/policy-issue/", {"action": action, "answers": answers})
        content = response.content.decode()
        assert response.status_code == 200
        assert "your checked answers had expired" in content
        assert "immigration papers before therapy" in content and 'value="Bristol"' in content
        assert not SupportRequest.objects.exists()
        # The person checks them again and sends: the fill-time check starts afresh.
        started = re.search(r'name="form_started" value="([^"]+)"', content)
        assert started is not None
        fresh = signing.loads(html.unescape(started.group(1)), salt=_SALT)
        assert fresh == pytest.approx(later, abs=5)


def test_altered_answers_with_the_visible_fields_keep_those_fields() -> None:
    response = Client().post(
        "/support/policy-issue/", {**ALERT, "form_started": _started(), "action": "send", "answers": "forged"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "immigration papers before therapy" in content
    assert "Check your answers" not in content
    assert not SupportRequest.objects.exists()


def test_altered_answers_alone_say_they_expired() -> None:
    response = Client().post("/support/policy-issue/", {"action": "change", "answers": "forged"})
    assert response.status_code == 200
    assert "have expired. Please fill in the form again." in response.content.decode()
    assert not SupportRequest.objects.exists()


@pytest.mark.parametrize("bad", NOT_IDS)
def test_a_priority_area_that_is_not_an_id_is_a_message_with_the_answers_kept(bad: str) -> None:
    response = Client().post(
        "/support/policy-issue/", {**ALERT, "priority_area": bad, "form_started": _started(), "action": "check"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Select a valid choice" in content
    assert "immigration papers before therapy" in content
    assert "Check your answers" not in content


# --- the triage desk ---


def _assert_untouched(support_request: SupportRequest) -> None:
    support_request.refresh_from_db()
    assert support_request.status == Status.NEW and support_request.assignee is None
    assert not AuditEvent.objects.filter(action__in=["support.request.transitioned", "support.request.assigned"])


@pytest.mark.parametrize("bad", NOT_IDS)
def test_bulk_action_on_rows_that_are_not_ids_is_a_bad_request(
    caseworker: Any, support_request: SupportRequest, bad: str
) -> None:
    response = client_for(caseworker).post(
        "/admin/support/", {"ids": [str(support_request.pk), bad], "bulk_action": "transition:acknowledge"}
    )
    assert response.status_code == 400
    _assert_untouched(support_request)


@pytest.mark.parametrize("bad", ["²", str(MAX_ID + 1), "x", "-1"])
def test_bulk_assign_to_someone_who_is_not_an_id_is_a_bad_request(
    caseworker: Any, support_request: SupportRequest, bad: str
) -> None:
    response = client_for(caseworker).post(
        "/admin/support/", {"ids": [str(support_request.pk)], "bulk_action": f"assign:{bad}"}
    )
    assert response.status_code == 400
    _assert_untouched(support_request)


def test_bulk_assign_to_someone_who_cannot_be_assigned_says_so(
    caseworker: Any, editor: Any, support_request: SupportRequest
) -> None:
    client = client_for(caseworker)
    client.post(
        "/admin/support/", {"ids": [support_request.pk], "bulk_action": f"assign:{caseworker.pk}", "confirmed": "1"}
    )
    response = client.post(
        "/admin/support/", {"ids": [support_request.pk], "bulk_action": f"assign:{editor.pk}"}, follow=True
    )
    assert "That person cannot be assigned requests." in response.content.decode()
    support_request.refresh_from_db()
    assert support_request.assignee == caseworker  # not silently unassigned


@pytest.mark.parametrize("bad", [TOO_BIG, "²", "x"])
def test_queue_filter_with_an_area_that_is_not_an_id_still_shows_the_queue(
    caseworker: Any, support_request: SupportRequest, bad: str
) -> None:
    response = client_for(caseworker).get("/admin/support/", {"priority_area": bad})
    assert response.status_code == 200
    assert support_request.reference in response.content.decode()


@pytest.mark.parametrize("bad", [TOO_BIG, str(MAX_ID + 1), "²"])
def test_categorise_with_a_page_that_is_not_an_id_keeps_the_tags_typed(
    caseworker: Any, support_request: SupportRequest, bad: str
) -> None:
    home = make_site()
    area = PriorityAreaPageFactory(parent=PriorityAreaIndexPageFactory(parent=home), title="Data")
    response = client_for(caseworker).post(
        f"/admin/support/{support_request.pk}/",
        {"action": "categorise", "tags": "wards, cameras", "pages": [str(area.pk), bad]},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Select a valid choice" in content
    assert 'value="wards, cameras"' in content
    assert not support_request.tags.exists() and not support_request.linked_pages.exists()


def test_a_request_url_with_an_impossible_id_is_not_found(caseworker: Any) -> None:
    assert client_for(caseworker).get(f"/admin/support/{TOO_BIG}/").status_code == 404


def test_change_status_without_a_status_keeps_the_outcome_message(
    caseworker: Any, support_request: SupportRequest
) -> None:
    response = client_for(caseworker).post(
        f"/admin/support/{support_request.pk}/",
        {"action": "transition", "outcome_message": "We have written to the trust on your behalf."},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Choose the new status with one of its buttons." in content
    assert "We have written to the trust on your behalf." in content
    support_request.refresh_from_db()
    assert support_request.status == Status.NEW


def test_an_outcome_message_that_is_too_long_comes_back_with_its_error(
    caseworker: Any, support_request: SupportRequest
) -> None:
    long_message = "Kept-Marker " + "x" * 5000
    response = client_for(caseworker).post(
        f"/admin/support/{support_request.pk}/",
        {"action": "transition", "transition": "decline", "outcome_message": long_message},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "at most 5000 characters" in content
    assert long_message in content
    support_request.refresh_from_db()
    assert support_request.status == Status.NEW
    assert not Message.objects.exists()


def test_a_refused_status_change_keeps_the_outcome_message(caseworker: Any, support_request: SupportRequest) -> None:
    response = client_for(caseworker).post(
        f"/admin/support/{support_request.pk}/",
        {"action": "transition", "transition": "reopen", "outcome_message": "Kept-Marker text"},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "cannot be moved with" in content
    assert "Kept-Marker text" in content


@pytest.mark.parametrize("bad", [TOO_BIG, "²", "x", "0"])
def test_assigning_someone_who_is_not_staff_shows_an_error(
    caseworker: Any, support_request: SupportRequest, bad: str
) -> None:
    response = client_for(caseworker).post(
        f"/admin/support/{support_request.pk}/", {"action": "assign", "assignee": bad}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    support_request.refresh_from_db()
    assert support_request.assignee is None
