"""The public forms, each with where it is posted and answers it accepts (for tests across them all)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from chorus.bulletin.forms import PreferencesForm, SubscribeForm
from chorus.bulletin.tests.factories import make_subscriber
from chorus.bulletin.tokens import manage_token
from chorus.campaigns.forms import EasyReadSignForm, OpenLetterSignForm, PetitionSignForm
from chorus.campaigns.letter_forms import LetterDetailsForm
from chorus.campaigns.models import SignatureIntake
from chorus.campaigns.tests.factories import CampaignIndexPageFactory, letter, petition
from chorus.campaigns.tests.letter_factories import letter_action, seats_with_postcodes
from chorus.core.models import OutboxMessage
from chorus.grants.forms import (
    AboutGroupForm,
    AccessForm,
    BandForm,
    EligibilityForm,
    QuestionsForm,
    StartForm,
    question_field_name,
)
from chorus.grants.models import Application
from chorus.grants.services.applications import application_link_request, application_save_band
from chorus.grants.tests.factories import ELIGIBILITY, make_fund, make_mixed_round, make_round
from chorus.pages.blocks import picture_sentences
from chorus.pages.models import HomePage
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from chorus.people.forms import PrivacyRequestForm
from chorus.support.forms import AlertForm, CampaignForm, LostLinkForm


@dataclass
class Journey:
    """How to post one public form and tell that it was taken."""

    url: str
    form: forms.Form  # built as its view builds it
    answers: dict[str, Any]  # otherwise valid, including what any option may make required
    accepted: Callable[[Any, str, str | list[str]], None]
    # "get" for a form that stores nothing and answers on its own page (the eligibility checker).
    method: str = "post"


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


def _letter_details_accepted(response: Any, _name: str, _value: str | list[str]) -> None:
    # Step 1 taken: the writer is shown their MP and the letter to write.
    content = response.content.decode()
    assert response.status_code == 200, content
    assert "There is a problem" not in content, content
    assert 'name="body"' in content


def _subscribe_accepted(response: Any, _name: str, _value: str | list[str]) -> None:
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/bulletin/check-your-email/"
    assert OutboxMessage.objects.exists()


def _preferences_accepted(response: Any, _name: str, _value: str | list[str]) -> None:
    assert response.status_code == 302, response.content.decode()
    assert response["Location"].endswith("?done=saved")


def _eligibility_answered(response: Any, _name: str, _value: str | list[str]) -> None:
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" not in content, content
    assert "You can apply." in content or "Your group cannot apply to this round." in content


def _apply_started(response: Any, _name: str, _value: str | list[str]) -> None:
    assert response.status_code == 302, response.content.decode()
    assert response["Location"].endswith("/check-your-email/")


def _step_saved(response: Any, _name: str, _value: str | list[str]) -> None:
    # A step that saves goes on to the next one; one with a problem is shown again (400).
    assert response.status_code == 302, response.content.decode()
    assert "/funding/application/" in response["Location"]


def public_form_journeys() -> dict[type[forms.Form], Journey]:
    """Every public form with the page it is on, built as its view builds it, and answers it accepts."""
    home: HomePage = make_site()
    areas = PriorityAreaIndexPageFactory(parent=home)
    for title in ("Surveillance", "Benefits", "Detention"):
        PriorityAreaPageFactory(parent=areas, title=title)
    campaigns = CampaignIndexPageFactory(parent=home)
    open_letter = letter(campaigns)
    with_postcode = petition(campaigns, collect_postcode=True)
    with_easy_read = letter(campaigns, easy_read_summary=picture_sentences(("camera", "Some wards have cameras.")))
    seats_with_postcodes()
    to_your_mp = letter_action(campaigns)
    subscription = make_subscriber("kept@example.org")
    funding_round = make_round(make_fund(home))
    eligibility = {"answered": "yes", **{f"question_{n}": "yes" for n in range(1, len(ELIGIBILITY) + 1)}}
    person = {"name": "Ali Rivers", "email": "ali@example.org", "website": ""}
    # An application in a round that asks one of each kind of question, at its questions step.
    applying_round = make_mixed_round(make_fund(home, title="Peer Support Fund"), title="Spring round")
    application_link_request(round_page=applying_round, email="apply@example.org")
    draft = Application.objects.get(round=applying_round)
    small = applying_round.bands.get(name="Small grants")
    application_save_band(application=draft, band=small)
    steps = f"/funding/application/{draft.token_sealed}/"
    questions = {block.value["question"]: question_field_name(block.id) for block in small.questions}
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
        EasyReadSignForm: Journey(
            f"{with_easy_read.url}easy-read/sign/",
            EasyReadSignForm(),
            {**person, "show_name": "on"},
            _signing_accepted,
        ),
        LetterDetailsForm: Journey(
            f"/campaigns/{to_your_mp.pk}/letter/",
            LetterDetailsForm(action=to_your_mp),
            {**person, "step": "details", "postal_address": "1 Example Street\nLondon", "postcode": "WC1X 8HP"},
            _letter_details_accepted,
        ),
        SubscribeForm: Journey("/bulletin/subscribe/", SubscribeForm(), {**person}, _subscribe_accepted),
        PrivacyRequestForm: Journey("/privacy/", PrivacyRequestForm(), {**person}, lambda *_: None),
        LostLinkForm: Journey("/support/lost-link/", LostLinkForm(), {**person}, lambda *_: None),
        EligibilityForm: Journey(
            funding_round.url,
            EligibilityForm([question for question, _answer, _explanation in ELIGIBILITY]),
            eligibility,
            _eligibility_answered,
            method="get",
        ),
        StartForm: Journey(f"/funding/apply/{applying_round.pk}/", StartForm(), {**person}, _apply_started),
        AboutGroupForm: Journey(
            f"{steps}about/",
            AboutGroupForm(),
            {
                "group_name": "Leeds Voices",
                "contact_name": "Ali Rivers",
                "is_registered": "yes",
                "registered_with": "charity_ew",
                "registered_number": "1234567",
            },
            _step_saved,
        ),
        BandForm: Journey(
            f"{steps}size/", BandForm(list(applying_round.bands.all())), {"band": str(small.pk)}, _step_saved
        ),
        QuestionsForm: Journey(
            f"{steps}questions/",
            QuestionsForm(small.questions),
            {
                questions["What will you do?"]: "Weekly meetings.",
                questions["Where do you meet?"]: "Online",
                questions["How much do you need?"]: "450",
            },
            _step_saved,
        ),
        AccessForm: Journey(
            f"{steps}access/",
            AccessForm(),
            {"other": "A quiet room", "apply_by": "call", "call_times": "Mornings"},
            _step_saved,
        ),
        PreferencesForm: Journey(
            f"/bulletin/preferences/{manage_token(subscription.pk)}/",
            PreferencesForm(),
            {"action": "save"},
            _preferences_accepted,
        ),
    }
