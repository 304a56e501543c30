"""Who the integration API shares, what it says about them, and how erasures reach the CRM."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from chorus.api.models import Scope, Tag, Tagging
from chorus.api.tests.osdi_fixtures import ROOT, World, get, issue, make_world
from chorus.bulletin.models import Subscription, SubscriptionStatus
from chorus.bulletin.services.subscriptions import status_change
from chorus.core.models import AuditEvent
from chorus.people.models import ConsentPurpose, ConsentRecord, Person, PersonTombstone
from chorus.people.services import consent_withdraw, people_retention_apply, person_erase
from chorus.people.tests.factories import give_consent, make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def token() -> str:
    return issue([Scope.PEOPLE_READ, Scope.SIGNATURES_READ])[1]


def people(client: Client, token: str, **params: Any) -> list[dict[str, Any]]:
    response = get(client, ROOT + "people", token, **params)
    assert response.status_code == 200, response.content
    return list(response.json()["_embedded"]["osdi:people"])


def ids(records: list[dict[str, Any]]) -> set[str]:
    return {record["identifiers"][0] for record in records}


def chorus_id(person: Person) -> str:
    return f"chorus:{person.uuid}"


def test_only_people_who_agreed_to_hear_from_the_network_are_shared(world: World, client: Client, token: str) -> None:
    shared = ids(people(client, token))
    assert shared == {chorus_id(world.shared), chorus_id(world.updates_only)}
    # Someone who only asked to be contacted about their support request is never shared,
    # nor is anyone who withdrew; neither can be fetched one by one either.
    for person in (world.support_only, world.withdrawn):
        assert get(client, f"{ROOT}people/{person.uuid}", token).status_code == 404
    # Their signatures are not shared either.
    signatures = get(client, ROOT + "signatures", token).json()["_embedded"]["osdi:signatures"]
    assert ids(signatures) == {f"chorus:{world.signature.uuid}"}


def test_a_person_reads_as_osdi_and_carries_nothing_special(world: World, client: Client, token: str) -> None:
    Subscription.objects.create(person=world.shared, status=SubscriptionStatus.ACTIVE)
    record = get(client, f"{ROOT}people/{world.shared.uuid}", token).json()
    assert record["identifiers"] == [chorus_id(world.shared)]
    assert (record["given_name"], record["family_name"]) == ("Rowan", "Ash Tree")
    assert record["email_addresses"] == [{"address": "rowan@example.org", "primary": True, "status": "subscribed"}]
    assert record["postal_addresses"] == [{"postal_code": "AB1 2CD"}]
    assert record["custom_fields"] == {"consent_bulletin": True, "consent_campaign_updates": False}
    assert record["_links"]["self"]["href"].endswith(f"/api/osdi/v1/people/{world.shared.uuid}")
    text = get(client, ROOT + "people", token).content.decode()
    # Access needs, support requesters and database ids never appear.
    assert "Easy Read" not in text and "access" not in text and "Sol" not in text
    assert f'"id": {world.shared.pk}' not in text and '"id":' not in text


def test_email_status_follows_the_bulletin(world: World, client: Client, token: str) -> None:
    subscription = Subscription.objects.create(person=world.shared, status=SubscriptionStatus.SUSPENDED)
    record = get(client, f"{ROOT}people/{world.shared.uuid}", token).json()
    assert record["email_addresses"][0]["status"] == "bouncing"
    Subscription.objects.filter(pk=subscription.pk).update(status=SubscriptionStatus.UNSUBSCRIBED)
    record = get(client, f"{ROOT}people/{world.shared.uuid}", token).json()
    assert record["email_addresses"][0]["status"] == "unsubscribed"


def test_withdrawing_makes_a_tombstone_at_once(world: World, client: Client, token: str) -> None:
    since = timezone.now() + timedelta(minutes=1)
    with time_machine.travel(since + timedelta(seconds=1), tick=False):
        consent_withdraw(person=world.shared, purpose=ConsentPurpose.BULLETIN, via="privacy page")
    assert chorus_id(world.shared) not in ids(people(client, token))
    stones = get(client, ROOT + "people/tombstones", token, since=since.isoformat()).json()
    rows = stones["_embedded"]["chorus:tombstones"]
    assert [(row["identifiers"], row["reason"]) for row in rows] == [([chorus_id(world.shared)], "consent_withdrawn")]


def test_erasure_leaves_a_tombstone_with_the_identifier_only(world: World, client: Client, token: str) -> None:
    Tagging.objects.create(tag=Tag.objects.create(name="volunteer"), person=world.shared)
    person_erase(person=world.shared, via="privacy page")
    stone = PersonTombstone.objects.get()
    assert (stone.person_uuid, stone.reason) == (world.shared.uuid, "erased")
    rows = get(client, ROOT + "people/tombstones", token).json()["_embedded"]["chorus:tombstones"]
    assert {"identifiers": [chorus_id(world.shared)], "reason": "erased"}.items() <= next(
        row for row in rows if row["identifiers"] == [chorus_id(world.shared)]
    ).items()
    # The CRM's tags on them went with them.
    assert not Tagging.objects.exists()
    assert get(client, f"{ROOT}people/{world.shared.uuid}", token).status_code == 404


def test_retention_leaves_a_tombstone_too(db: Any, client: Client, token: str) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=5000), tick=False):
        old = make_person("old@example.org", name="Old Timer")
    people_retention_apply()
    assert PersonTombstone.objects.get().person_uuid == old.uuid
    rows = get(client, ROOT + "people/tombstones", token).json()["_embedded"]["chorus:tombstones"]
    assert rows[0]["reason"] == "retention"


def test_tombstones_since_leaves_out_older_ones(world: World, client: Client, token: str) -> None:
    person_erase(person=world.shared, via="privacy page")
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert get(client, ROOT + "people/tombstones", token, since=later).json()["total_records"] == 0
    response = get(client, ROOT + "people/tombstones", token, since="yesterday-ish")
    assert response.status_code == 400 and response.json()["response_code"] == 400


def test_modified_date_filters(world: World, client: Client, token: str) -> None:
    now = timezone.now()
    before, after = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"), (now + timedelta(hours=1)).isoformat()
    assert len(people(client, token, filter=f"modified_date gt '{before}'")) == 2
    assert len(people(client, token, **{"$filter": f"modified_date ge {before}"})) == 2
    assert people(client, token, filter=f"modified_date gt '{after}'") == []
    assert len(people(client, token, filter=f"modified_date lt '{after}' and modified_date ge '{before}'")) == 2
    # A consent given later moves the person's modified date on.
    with time_machine.travel(now + timedelta(hours=2), tick=False):
        give_consent(world.updates_only, ConsentPurpose.BULLETIN)
    assert ids(people(client, token, filter=f"modified_date gt '{after}'")) == {chorus_id(world.updates_only)}


def test_withdrawing_or_a_bulletin_status_change_moves_modified_date_on(
    world: World, client: Client, token: str
) -> None:
    """What the filter reads is kept on the person by the services that change it."""
    later = timezone.now() + timedelta(hours=2)
    since = f"modified_date gt '{(later - timedelta(minutes=1)).isoformat()}'"
    assert people(client, token, filter=since) == []
    with time_machine.travel(later, tick=False):
        consent_withdraw(person=world.updates_only, purpose=ConsentPurpose.CAMPAIGN_UPDATES, scope="x", via="test")
    assert people(client, token, filter=since) == [], "nothing was withdrawn: nothing changed"
    with time_machine.travel(later, tick=False):
        subscription = Subscription.objects.create(person=world.shared, status=SubscriptionStatus.ACTIVE)
        status_change(subscription, SubscriptionStatus.PAUSED)
        subscription.save()
    assert ids(people(client, token, filter=since)) == {chorus_id(world.shared)}
    give_consent(world.updates_only, ConsentPurpose.BULLETIN)  # now, before ``since``: still shared after
    scope = ConsentRecord.objects.get(person=world.updates_only, purpose=ConsentPurpose.CAMPAIGN_UPDATES).scope
    with time_machine.travel(later, tick=False):
        consent_withdraw(person=world.updates_only, purpose=ConsentPurpose.CAMPAIGN_UPDATES, scope=scope, via="test")
    assert ids(people(client, token, filter=since)) == {chorus_id(world.shared), chorus_id(world.updates_only)}


def test_pages_carry_totals_and_links(world: World, client: Client, token: str) -> None:
    for number in range(5):
        give_consent(make_person(f"p{number}@example.org", name=f"P {number}"), ConsentPurpose.BULLETIN)
    first = get(client, ROOT + "people", token, per_page=3).json()
    assert (first["page"], first["per_page"], first["total_records"], first["total_pages"]) == (1, 3, 7, 3)
    assert "prev" not in first["_links"]
    second = get(client, first["_links"]["next"]["href"], token).json()
    assert second["page"] == 2 and second["_links"]["prev"]["href"]
    last = get(client, ROOT + "people", token, per_page=3, page=3).json()
    assert "next" not in last["_links"] and len(last["_embedded"]["osdi:people"]) == 1
    seen = ids(first["_embedded"]["osdi:people"]) | ids(second["_embedded"]["osdi:people"])
    assert len(seen) == 6


def test_each_request_is_one_audit_event_with_counts_and_no_identifiers(world: World, client: Client) -> None:
    token, plain = issue([Scope.PEOPLE_READ])
    get(client, ROOT + "people", plain)
    get(client, f"{ROOT}people/{world.shared.uuid}", plain)
    events = list(AuditEvent.objects.filter(action="api.token.used").order_by("pk"))
    assert [(event.object_id, event.data["endpoint"], event.data["records"]) for event in events] == [
        (str(token.pk), "people.list", 2),
        (str(token.pk), "people.get", 1),
    ]
    for event in events:
        assert str(world.shared.uuid) not in f"{event.screen}{event.data}"
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_petitions_show_the_public_count_and_target(world: World, client: Client, token: str) -> None:
    from chorus.campaigns.models import SignatureCount

    SignatureCount.objects.update_or_create(action_id=world.action.pk, defaults={"total": 42})
    rows = get(client, ROOT + "petitions", token).json()["_embedded"]["osdi:petitions"]
    assert len(rows) == 1
    petition = rows[0]
    assert petition["total_signatures"] == world.action.count().total == 42
    assert petition["target"] == [{"name": "NHS England"}]
    assert petition["browser_url"].endswith("/stop-ward-cameras/")
    assert petition["identifiers"] == [f"chorus:{world.action.translation_key}"]


def test_tags_on_people_no_longer_shared_are_pruned_so_retention_can_run(world: World) -> None:
    from chorus.api.services import taggings_prune

    tag = Tag.objects.create(name="volunteer")
    Tagging.objects.create(tag=tag, person=world.shared)
    Tagging.objects.create(tag=tag, person=world.withdrawn)
    assert taggings_prune() == 1
    assert list(Tagging.objects.values_list("person_id", flat=True)) == [world.shared.pk]
    assert AuditEvent.objects.get(action="api.taggings.pruned").data == {"count": 1}
