"""Factories for campaign actions. Tests build only what they need."""

from __future__ import annotations

from typing import Any

import factory
import wagtail_factories

from chorus.campaigns.models import CampaignIndexPage, OpenLetterPage, PetitionPage
from chorus.campaigns.services.signing import SignerDetails
from chorus.campaigns.workflow import ActionState
from chorus.pages.tests.factories import make_site


class CampaignIndexPageFactory(wagtail_factories.PageFactory):
    title = "Campaigns"
    slug = "campaigns"

    class Meta:
        model = CampaignIndexPage


class OpenLetterPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Open letter {n}")
    summary = "We ask for change."
    addressee = "The health secretary"
    body = [("paragraph", "<p>Dear health secretary, please listen.</p>")]
    state = ActionState.OPEN

    class Meta:
        model = OpenLetterPage


class PetitionPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Petition {n}")
    summary = "Sign to ask for change."
    target = "NHS England"
    ask = "Stop it."
    body = [("paragraph", "<p>Please sign.</p>")]
    goal = 10
    milestones = "2, 5, 10"
    state = ActionState.OPEN

    class Meta:
        model = PetitionPage


def make_campaigns() -> CampaignIndexPage:
    home = make_site()
    index: CampaignIndexPage = CampaignIndexPageFactory(parent=home)
    return index


def letter(index: CampaignIndexPage, **kwargs: Any) -> OpenLetterPage:
    page: OpenLetterPage = OpenLetterPageFactory(parent=index, **kwargs)
    return page


def petition(index: CampaignIndexPage, **kwargs: Any) -> PetitionPage:
    page: PetitionPage = PetitionPageFactory(parent=index, **kwargs)
    return page


def details(email: str = "sam@example.org", **kwargs: Any) -> SignerDetails:
    return SignerDetails(email=email, name=kwargs.pop("name", "Sam Rivers"), **kwargs)
