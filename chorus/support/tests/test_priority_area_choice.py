"""Issue 22's blocking bug: every priority area was refused on both support forms."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.core import signing
from django.test import Client

from chorus.core.antibot import _SALT
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from chorus.support.forms import AlertForm

pytestmark = pytest.mark.django_db

ALERT = {
    "description": "Our local trust now asks for immigration papers before therapy.",
    "where_category": "uk",
    "contact_method": "none",
}
CAMPAIGN = {
    "applicant_type": "individual",
    "description": "We want the ward cameras switched off.",
    "help_types": ["amplify"],
    "contact_method": "email",
    "name": "Ali",
    "email": "ali@example.org",
}


def _started() -> str:
    return signing.dumps(time.time() - 30, salt=_SALT)


@pytest.fixture
def areas() -> list[Any]:
    index = PriorityAreaIndexPageFactory(parent=make_site())
    return [PriorityAreaPageFactory(parent=index, title=title) for title in ("Surveillance", "Benefits")]


@pytest.mark.parametrize(("url", "answers"), [("/support/policy-issue/", ALERT), ("/support/campaign/", CAMPAIGN)])
def test_every_priority_area_is_accepted(areas: list[Any], url: str, answers: dict[str, Any]) -> None:
    for area in areas:
        response = Client().post(url, {**answers, "priority_area": str(area.pk), "form_started": _started()})
        content = response.content.decode()
        assert "Select a valid choice" not in content
        assert "Check your answers" in content
        assert area.title in content


def test_an_answer_with_an_error_is_described_by_it_once_validated(areas: list[Any]) -> None:
    form = AlertForm({**ALERT, "priority_area": str(areas[0].pk), "description": ""})
    assert not form.is_valid()
    html = str(form["description"])
    assert 'aria-describedby="id_description_helptext id_description_error"' in html
    assert "priority_area" not in form.errors
