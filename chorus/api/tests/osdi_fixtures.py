"""Shared setup for the integration API's tests: tokens and a small world of people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from chorus.api.models import ApiToken, Scope
from chorus.api.tokens import api_token_issue
from chorus.campaigns.models import PetitionPage, Signature, SignatureStatus
from chorus.campaigns.tests.factories import make_campaigns, petition
from chorus.people.models import ConsentPurpose, Person
from chorus.people.tests.factories import give_consent, make_person

ROOT = "/api/osdi/v1/"
ALL_READ = [Scope.PEOPLE_READ, Scope.SIGNATURES_READ]


def issue(scopes: list[str] | None = None, *, days: int = 30) -> tuple[ApiToken, str]:
    issued = api_token_issue(name="CRM sync", scopes=scopes or ALL_READ, expires_in_days=days, created_by=None)
    return issued.token, issued.plain


def get(client: Client, path: str, token: str | None, *, header: str = "bearer", **params: Any) -> Any:
    headers = {}
    if token is not None:
        headers = {"Authorization": f"Bearer {token}"} if header == "bearer" else {"OSDI-API-Token": token}
    return client.get(path, params, headers=headers)


@dataclass
class World:
    action: PetitionPage
    shared: Person  # bulletin consent
    updates_only: Person  # campaign updates consent only
    support_only: Person  # only agreed to be contacted about a support request
    withdrawn: Person  # gave and withdrew the bulletin consent
    signature: Signature


def make_world() -> World:
    index = make_campaigns()
    action = petition(index, title="Stop ward cameras", target="NHS England")
    action.save_revision().publish()
    shared = make_person("rowan@example.org", name="Rowan Ash Tree", postcode="AB1 2CD", access_needs="Easy Read")
    give_consent(shared, ConsentPurpose.BULLETIN)
    updates_only = make_person("kit@example.org", name="Kit")
    give_consent(updates_only, ConsentPurpose.CAMPAIGN_UPDATES, scope=f"campaigns.action:{action.pk}")
    support_only = make_person("sol@example.org", name="Sol Private")
    give_consent(support_only, ConsentPurpose.CONTACT_ABOUT_REQUEST)
    withdrawn = make_person("wren@example.org", name="Wren Gone")
    give_consent(withdrawn, ConsentPurpose.BULLETIN)
    from chorus.people.services import consent_withdraw

    consent_withdraw(person=withdrawn, purpose=ConsentPurpose.BULLETIN, via="privacy page")
    now = timezone.now()
    signature = Signature.objects.create(
        action=action, person=shared, name="Rowan Ash Tree", status=SignatureStatus.CONFIRMED, confirmed_at=now
    )
    Signature.objects.create(
        action=action, person=support_only, name="Sol Private", status=SignatureStatus.CONFIRMED, confirmed_at=now
    )
    return World(action, shared, updates_only, support_only, withdrawn, signature)


def expire(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
