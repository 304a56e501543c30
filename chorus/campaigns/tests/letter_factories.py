"""Letter actions, seats and letters for tests.

``letter_action(index)`` makes an open action to the writer's own MP; ``seats_with_postcodes()``
the seats and postcodes (England, Wales, the Speaker's, a vacant seat, a split postcode); and
``confirmed_letter(action, email=…)`` a letter written and confirmed through the services.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import factory
import wagtail_factories

from chorus.campaigns.models import (
    CampaignIndexPage,
    ConstituentLetter,
    LetterStatus,
    LetterTargetKind,
    LetterToRepresentativePage,
)
from chorus.campaigns.services.letters import LetterDetails, letter_confirm, letter_submit, writer_index
from chorus.campaigns.workflow import ActionState
from chorus.representatives.tests.factories import add_postcodes, make_seat

HOLBORN = "E14001063"
CARDIFF = "W07000081"
CHORLEY = "E14001172"  # the Speaker's seat
RUNCORN = "E14001300"  # vacant


class LetterToRepresentativePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Write to your MP {n}")
    summary = "Ask your MP to act."
    body = [("paragraph", "<p>Why this matters.</p>")]
    ask = "Vote for the change."
    briefing = "<p>Say how it affects you. Do not copy the whole suggested letter.</p>"
    suggested_letter = "I am writing to ask you to support the change in Parliament."
    prompts = "How does this affect you or people you know?\nWhat would you like your MP to do?"
    state = ActionState.OPEN

    class Meta:
        model = LetterToRepresentativePage


def letter_action(index: CampaignIndexPage, **kwargs: Any) -> LetterToRepresentativePage:
    page: LetterToRepresentativePage = LetterToRepresentativePageFactory(parent=index, **kwargs)
    return page


def named_letter_action(index: CampaignIndexPage, **kwargs: Any) -> LetterToRepresentativePage:
    defaults: dict[str, Any] = {
        "target_kind": LetterTargetKind.NAMED,
        "target_name": "Example Minister",
        "target_role": "Minister for Mental Health",
        "target_email": "minister@example.org",
        "target_postal_address": "39 Victoria Street, London, SW1H 0EU",
    }
    return letter_action(index, **{**defaults, **kwargs})


def seats_with_postcodes() -> None:
    """Seats in England and Wales, the Speaker's, a vacant one, and postcodes for every lookup answer."""
    make_seat(HOLBORN, "Holborn and St Pancras", mp="Example MP for Holborn", party="Example Party")
    make_seat(CARDIFF, "Cardiff East", mp="Example MP for Cardiff", party="Another Party", email="cardiff@example.org")
    make_seat(CHORLEY, "Chorley", mp="Example Speaker", party="Speaker", is_speaker=True, email="speaker@example.org")
    make_seat(RUNCORN, "Runcorn and Helsby", mp=None)
    add_postcodes(
        {
            "WC1X 8HP": HOLBORN,
            "CF24 0AA": CARDIFF,
            "PR7 1AA": CHORLEY,
            "WA7 1AA": RUNCORN,
            "CF10 9ZZ": [CARDIFF, HOLBORN],
            "EC1A 9ZZ": HOLBORN,
        },
        terminated={"EC1A 9ZZ": date(2019, 6, 1)},
    )


def letter_details(
    *, email: str = "sam@example.org", target_key: str = HOLBORN, body: str = "", **kwargs: Any
) -> LetterDetails:
    return LetterDetails(
        email=email,
        name=kwargs.pop("name", "Sam Rivers"),
        postal_address=kwargs.pop("postal_address", "1 Example Street\nLondon"),
        postcode=kwargs.pop("postcode", "WC1X 8HP"),
        body=body or "My sister waited nine months for a bed and I want you to know what that did to our family.",
        target_key=target_key,
    )


def confirmed_letter(action: LetterToRepresentativePage, **kwargs: Any) -> ConstituentLetter:
    """A letter written and confirmed through the services, waiting its turn."""
    details = letter_details(**kwargs)
    letter_submit(action=action, details=details, ip_hash=f"test-{details.email}")
    letter = ConstituentLetter.objects.get(
        action=action,
        target_key=details.target_key,
        writer_index=writer_index(action_id=action.pk, email=details.email),
        erased_at__isnull=True,
    )
    letter.token_sent_at = letter.created_at
    letter.save(update_fields=["token_sent_at"])
    letter_confirm(letter=letter)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.QUEUED
    return letter
