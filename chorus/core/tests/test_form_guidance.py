"""What every public form tells people: one error summary that takes the focus, and
fields needed only after a choice labelled "(needed if …)" and shown with that choice."""

from __future__ import annotations

import re
import time

import pytest
from django import forms
from django.core import signing
from django.core.cache import cache
from django.test import Client

from chorus.core.antibot import _SALT
from chorus.core.tests.public_forms import Journey, public_form_journeys

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r'<div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabindex="-1"')
FORMS_SCRIPT = re.compile(r'<script src="/static/js/forms(\.[0-9a-f]+)?\.js" defer></script>')


@pytest.fixture
def journeys() -> dict[type[forms.Form], Journey]:
    return public_form_journeys()


def _wrong(journey: Journey) -> dict[str, object]:
    """Answers every form refuses: the required fields left empty, or a choice that does not exist."""
    answers: dict[str, object] = {"website": "", "form_started": signing.dumps(time.time() - 30, salt=_SALT)}
    if "topics" in journey.form.fields and not any(field.required for field in journey.form.fields.values()):
        answers["topics"] = ["999999"]
    if journey.method == "get":
        # A form answered on its own page (the eligibility checker) knows it was sent from
        # what the journey adds besides its fields: keep that, leave the fields empty.
        answers.update({name: value for name, value in journey.answers.items() if name not in journey.form.fields})
    return answers


def test_every_public_form_comes_back_with_the_one_shared_error_summary(
    journeys: dict[type[forms.Form], Journey],
) -> None:
    for form_class, journey in journeys.items():
        cache.clear()
        response = getattr(Client(), journey.method)(journey.url, _wrong(journey))
        content = response.content.decode()
        assert response.status_code in {200, 400}, form_class.__name__
        # The markup of includes/error_summary.html, which js/forms.js focuses on load.
        assert len(SUMMARY.findall(content)) == 1, form_class.__name__
        assert re.search(r'<li><a href="#id_\w+">', content), form_class.__name__
        assert FORMS_SCRIPT.search(content), form_class.__name__


NEEDED_IF = [
    ("/support/policy-issue/", "id_where_detail", "where_category", "nation local", "it is happening in one nation"),
    ("/support/policy-issue/", "id_email", "contact_method", "email", "you choose email"),
    ("/support/policy-issue/", "id_phone", "contact_method", "phone", "you choose a phone call"),
    ("/support/campaign/", "id_group_name", "applicant_type", "group", "you are part of a group"),
    ("/support/campaign/", "id_help_other", "help_types", "other", "you ticked something else"),
]


@pytest.mark.parametrize(("url", "field_id", "choice", "values", "words"), NEEDED_IF)
def test_a_field_one_choice_needs_says_so_and_goes_with_that_choice(
    url: str, field_id: str, choice: str, values: str, words: str
) -> None:
    content = Client().get(url).content.decode()
    label = re.search(rf'<label for="{field_id}">(.*?)</label>', content, re.S)
    assert label and f"(needed if {words}" in label.group(1) and "(optional)" not in label.group(1)
    wrapper = re.search(rf'<div([^>]*)>\s*<label for="{field_id}">', content)
    assert wrapper and f'data-shown-if="{choice}" data-shown-values="{values}"' in wrapper.group(1)


def test_signing_for_an_organisation_labels_and_groups_its_fields(journeys: dict[type[forms.Form], Journey]) -> None:
    sign_url = next(journey.url for cls, journey in journeys.items() if cls.__name__ == "OpenLetterSignForm")
    needed = '<span class="optional">(needed if you are signing for an organisation)</span>'
    for data in (None, {"kind": "individual", "name": "", "email": ""}):  # blank, and back with errors
        response = Client().get(sign_url) if data is None else Client().post(sign_url, data)
        content = response.content.decode()
        assert '<fieldset data-shown-if="kind" data-shown-values="organisation">' in content
        assert f"Organisation name {needed}" in content
        assert f"Type of organisation {needed}" in content
