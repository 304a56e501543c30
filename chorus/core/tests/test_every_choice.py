"""Every option of every choice field on every public form is accepted through its real view.

A form test that only ever picks the default let a support form refuse every priority
area (issue 22). Here the forms are found from the anti-bot mixin every public form
carries, and the options are read from each form as its view builds it, so a new public
form without a journey (in public_forms.py) fails, and a new option is tried without anyone adding it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.core import signing
from django.core.cache import cache
from django.test import Client

from chorus.bulletin.forms import PreferencesForm, SubscribeForm
from chorus.campaigns.forms import OpenLetterSignForm, PetitionSignForm
from chorus.core.antibot import _SALT, AntiBotFormMixin
from chorus.core.tests.public_forms import Journey, public_form_journeys
from chorus.grants.forms import AboutGroupForm, AccessForm, BandForm, EligibilityForm, QuestionsForm
from chorus.support.forms import AlertForm, CampaignForm

pytestmark = pytest.mark.django_db


def _long_ago() -> str:
    """A fill-time stamp from half a minute back: a person who took their time."""
    return signing.dumps(time.time() - 30, salt=_SALT)


def _choice_fields(form: forms.Form) -> Iterator[tuple[str, forms.ChoiceField]]:
    for name, field in form.fields.items():
        # ModelChoiceField and the multiple-choice fields are all ChoiceFields.
        if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
            yield name, field


def options_of(form: forms.Form) -> list[tuple[str, str | list[str]]]:
    """(field name, value to post) for every option of every choice field, as the form offers them."""
    found: list[tuple[str, str | list[str]]] = []
    for name, field in _choice_fields(form):
        values = [str(value) for value, _label in field.choices]  # type: ignore[misc,union-attr]
        real = [value for value in values if value != ""]
        assert real, f"{type(form).__name__}.{name} offers nothing to choose: the test would prove nothing"
        many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        for value in values:
            if value == "" and field.required:
                continue
            found.append((name, [value] if many else value))
    return found


@pytest.fixture
def journeys() -> dict[type[forms.Form], Journey]:
    return public_form_journeys()


def _public_forms() -> set[type[forms.Form]]:
    found: set[type[forms.Form]] = set()
    waiting: list[type[Any]] = [AntiBotFormMixin]
    while waiting:
        cls = waiting.pop()
        children = cls.__subclasses__()
        waiting.extend(children)
        if not children and cls.__module__.startswith("chorus.") and ".tests." not in cls.__module__:
            found.add(cls)
    return found


def test_every_public_form_has_a_journey(journeys: dict[type[forms.Form], Journey]) -> None:
    missing = _public_forms() - set(journeys)
    assert not missing, f"Add a journey to this test for: {sorted(cls.__name__ for cls in missing)}"


def test_the_base_answers_of_every_form_are_accepted(journeys: dict[type[forms.Form], Journey]) -> None:
    for journey in journeys.values():
        cache.clear()  # rate limits are not what this test is about
        response = getattr(Client(), journey.method)(journey.url, {**journey.answers, "form_started": _long_ago()})
        journey.accepted(response, "", "")


@pytest.mark.parametrize(
    "form_class",
    [
        AlertForm,
        CampaignForm,
        OpenLetterSignForm,
        PetitionSignForm,
        SubscribeForm,
        PreferencesForm,
        EligibilityForm,
        AboutGroupForm,
        BandForm,
        QuestionsForm,
        AccessForm,
    ],
    ids=lambda cls: cls.__name__,
)
def test_every_option_of_every_choice_field_is_accepted(
    journeys: dict[type[forms.Form], Journey], form_class: type[forms.Form]
) -> None:
    journey = journeys[form_class]
    options = options_of(journey.form)
    assert options
    for name, value in options:
        cache.clear()  # rate limits are not what this test is about
        response = getattr(Client(), journey.method)(
            journey.url, {**journey.answers, name: value, "form_started": _long_ago()}
        )
        try:
            journey.accepted(response, name, value)
        except AssertionError as error:
            raise AssertionError(f"{form_class.__name__}: {name}={value!r} was refused") from error
