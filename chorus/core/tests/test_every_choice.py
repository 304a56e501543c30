"""Every option of every choice field on every public form is accepted through its real view.

A form test that only ever picks the default let a support form refuse every priority
area (issue 22). Here the forms are found from the anti-bot mixin every public form
carries, and the options are read from each form as its view builds it, so a new public
form without a journey below fails, and a new option is tried without anyone adding it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.core import signing
from django.core.cache import cache
from django.test import Client

from chorus.bulletin.forms import PreferencesForm, SubscribeForm
from chorus.bulletin.tests.factories import make_subscriber
from chorus.bulletin.tokens import manage_token
from chorus.campaigns.forms import OpenLetterSignForm, PetitionSignForm
from chorus.campaigns.models import SignatureIntake
from chorus.campaigns.tests.factories import CampaignIndexPageFactory, letter, petition
from chorus.core.antibot import _SALT, AntiBotFormMixin
from chorus.core.models import OutboxMessage
from chorus.pages.models import HomePage
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from chorus.people.forms import PrivacyRequestForm
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
        values = [str(value) for value, _label in field.choices]
        real = [value for value in values if value != ""]
        assert real, f"{type(form).__name__}.{name} offers nothing to choose: the test would prove nothing"
        many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        for value in values:
            if value == "" and field.required:
                continue
            found.append((name, [value] if many else value))
    return found


@dataclass
class Journey:
    """How to post one public form and tell that it was taken."""

    url: str
    form: forms.Form  # built as its view builds it
    answers: dict[str, Any]  # otherwise valid, including what any option may make required
    accepted: Callable[[Any, str, str | list[str]], None]


def _support_accepted(response: Any, _name: str, _value: str | list[str]) -> None:
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" not in content, content
    assert "Check your answers" in content


def _signing_accepted(response: Any, name: str, value: str | list[str]) -> None:
    assert response.status_code == 302, response.content.decode()
    assert response["Location"].endswith("/sign/check-your-email/")
    taken = json.loads(SignatureIntake.objects.latest("pk").answers)
    # An organisation's signature is never listed under a person's name, so its "display" is not kept.
    if name in taken and not (name == "display" and taken.get("kind") == "organisation"):
        assert taken[name] == value


def _subscribe_accepted(response: Any, _name: str, _value: str | list[str]) -> None:
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/bulletin/check-your-email/"
    assert OutboxMessage.objects.exists()


def _preferences_accepted(response: Any, _name: str, _value: str | list[str]) -> None:
    assert response.status_code == 302, response.content.decode()
    assert response["Location"].endswith("?done=saved")


@pytest.fixture
def journeys() -> dict[type[forms.Form], Journey]:
    home: HomePage = make_site()
    areas = PriorityAreaIndexPageFactory(parent=home)
    for title in ("Surveillance", "Benefits", "Detention"):
        PriorityAreaPageFactory(parent=areas, title=title)
    campaigns = CampaignIndexPageFactory(parent=home)
    open_letter = letter(campaigns)
    with_postcode = petition(campaigns, collect_postcode=True)
    subscription = make_subscriber("kept@example.org")
    person = {"name": "Ali Rivers", "email": "ali@example.org", "website": ""}
    support_contact = {**person, "phone": "0113 496 0000"}
    return {
        AlertForm: Journey(
            "/support/policy-issue/",
            AlertForm(),
            {
                "description": "Our trust now asks for papers before therapy.",
                "where_category": "uk",
                "where_detail": "Leeds",
                "contact_method": "none",
                **support_contact,
            },
            _support_accepted,
        ),
        CampaignForm: Journey(
            "/support/campaign/",
            CampaignForm(),
            {
                "applicant_type": "individual",
                "group_name": "Leeds Voices",
                "description": "We want the ward cameras switched off.",
                "help_types": ["amplify"],
                "help_other": "Somewhere to meet",
                "contact_method": "email",
                "access_detail": "Mornings",
                **support_contact,
            },
            _support_accepted,
        ),
        OpenLetterSignForm: Journey(
            f"/campaigns/{open_letter.pk}/sign/",
            OpenLetterSignForm(),
            {
                **person,
                # As an organisation, so the organisation's type is kept and can be checked.
                "kind": "organisation",
                "organisation": "Leeds Voices",
                "organisation_type": "user_led",
                "show_name": "on",
            },
            _signing_accepted,
        ),
        PetitionSignForm: Journey(
            f"/campaigns/{with_postcode.pk}/sign/",
            PetitionSignForm(asks_postcode=True),
            {**person, "postcode": "LS1 4AP", "show_name": "on"},
            _signing_accepted,
        ),
        SubscribeForm: Journey("/bulletin/subscribe/", SubscribeForm(), {**person}, _subscribe_accepted),
        PrivacyRequestForm: Journey("/privacy/", PrivacyRequestForm(), {**person}, lambda *_: None),
        PreferencesForm: Journey(
            f"/bulletin/preferences/{manage_token(subscription.pk)}/",
            PreferencesForm(),
            {"action": "save"},
            _preferences_accepted,
        ),
    }


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
        response = Client().post(journey.url, {**journey.answers, "form_started": _long_ago()})
        journey.accepted(response, "", "")


@pytest.mark.parametrize(
    "form_class",
    [AlertForm, CampaignForm, OpenLetterSignForm, PetitionSignForm, SubscribeForm, PreferencesForm],
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
        response = Client().post(journey.url, {**journey.answers, name: value, "form_started": _long_ago()})
        try:
            journey.accepted(response, name, value)
        except AssertionError as error:
            raise AssertionError(f"{form_class.__name__}: {name}={value!r} was refused") from error
