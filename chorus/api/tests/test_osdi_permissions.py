"""Each endpoint of the integration API without a token, with a wrong-scope, an expired and a
revoked token, and with the right one."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from chorus.api.models import ApiToken, Scope, Tag, Tagging
from chorus.api.tests.osdi_fixtures import ROOT, World, expire, get, issue, make_world
from chorus.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return make_world()


def endpoints(world: World) -> dict[str, tuple[str, str | None]]:
    """path -> the scope it needs (None: any usable token)."""
    tag = Tag.objects.create(name="volunteer")
    tagging = Tagging.objects.create(tag=tag, person=world.shared)
    person, petition = world.shared.uuid, world.action.translation_key
    return {
        "": ("", None),
        "people": ("people", Scope.PEOPLE_READ),
        "tombstones": ("people/tombstones", Scope.PEOPLE_READ),
        "person": (f"people/{person}", Scope.PEOPLE_READ),
        "person taggings": (f"people/{person}/taggings", Scope.PEOPLE_READ),
        "person signatures": (f"people/{person}/signatures", Scope.SIGNATURES_READ),
        "petitions": ("petitions", Scope.SIGNATURES_READ),
        "petition": (f"petitions/{petition}", Scope.SIGNATURES_READ),
        "petition signatures": (f"petitions/{petition}/signatures", Scope.SIGNATURES_READ),
        "signatures": ("signatures", Scope.SIGNATURES_READ),
        "signature": (f"signatures/{world.signature.uuid}", Scope.SIGNATURES_READ),
        "tags": ("tags", Scope.PEOPLE_READ),
        "tag": (f"tags/{tag.uuid}", Scope.PEOPLE_READ),
        "tag taggings": (f"tags/{tag.uuid}/taggings", Scope.PEOPLE_READ),
        "taggings": ("taggings", Scope.PEOPLE_READ),
        "tagging": (f"taggings/{tagging.uuid}", Scope.PEOPLE_READ),
    }


NAMES = [
    "",
    "people",
    "tombstones",
    "person",
    "person taggings",
    "person signatures",
    "petitions",
    "petition",
    "petition signatures",
    "signatures",
    "signature",
    "tags",
    "tag",
    "tag taggings",
    "taggings",
    "tagging",
]


def assert_osdi_error(response: Any, status: int) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["response_code"] == status
    assert body["resource_status"][0]["errors"][0]["description"]
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("name", NAMES)
def test_each_endpoint_refuses_and_admits(name: str, world: World, client: Client) -> None:
    path, scope = endpoints(world)[name]
    url = ROOT + path

    assert_osdi_error(get(client, url, None), 401)
    assert_osdi_error(get(client, url, "chorus_pat_nothing_here"), 401)

    # A token with every scope but the one needed (for the entry point: any token works).
    others = [value for value in Scope.values if value != scope]
    _, wrong = issue(others)
    if scope is not None:
        assert_osdi_error(get(client, url, wrong), 403)

    right_token, right = issue([scope] if scope else [Scope.WEBHOOKS])
    expired_token, expired = issue([scope] if scope else [Scope.WEBHOOKS])
    expire(expired_token)
    assert_osdi_error(get(client, url, expired), 401)
    revoked_token, revoked = issue([scope] if scope else [Scope.WEBHOOKS])
    ApiToken.objects.filter(pk=revoked_token.pk).update(revoked_at=timezone.now())
    assert_osdi_error(get(client, url, revoked), 401)

    for header in ("bearer", "osdi"):
        response = get(client, url, right, header=header)
        assert response.status_code == 200, response.content
        assert response["Content-Type"].startswith("application/hal+json")
        assert response["Cache-Control"] == "private, no-store"
    # Each admitted request is one audit event for that token.
    assert AuditEvent.objects.filter(action="api.token.used", object_id=str(right_token.pk)).count() == 2


def test_a_wrong_scope_is_audited_against_the_token(world: World, client: Client) -> None:
    token, plain = issue([Scope.SIGNATURES_READ])
    get(client, ROOT + "people", plain)
    event = AuditEvent.objects.get(action="api.token.refused")
    assert event.object_id == str(token.pk) and event.data == {"scope": "people:read"}


def test_the_entry_point_links_to_every_collection(world: World, client: Client) -> None:
    _, plain = issue()
    links = get(client, ROOT, plain).json()["_links"]
    for rel in ("osdi:people", "osdi:petitions", "osdi:signatures", "osdi:tags", "osdi:taggings", "chorus:tombstones"):
        assert get(client, links[rel]["href"], plain).status_code == 200, rel
    assert links["curies"][0]["name"] == "osdi"


def test_writing_a_tag_needs_the_tags_write_scope(world: World, client: Client) -> None:
    for scopes, status in (([Scope.PEOPLE_READ], 403), ([Scope.TAGS_WRITE], 201)):
        _, plain = issue(scopes)
        response = client.post(
            ROOT + "tags",
            '{"name": "volunteer"}',
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {plain}",
        )
        assert response.status_code == status
    assert_osdi_error(client.post(ROOT + "tags", "{}", content_type="application/json"), 401)
