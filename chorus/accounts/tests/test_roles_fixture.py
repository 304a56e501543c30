"""The `roles` fixture (conftest.py) answers roles_sync's permission look-ups from one query;
what it leaves in the database must be exactly what roles_sync itself leaves."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from chorus.accounts.roles import ROLES
from chorus.accounts.services import roles_sync
from chorus.campaigns.tests.factories import make_campaigns

pytestmark = pytest.mark.django_db


def roles_as_stored() -> dict[str, Any]:
    return {
        "groups": {
            group.name: sorted(group.permissions.values_list("content_type__app_label", "codename"))
            for group in Group.objects.all()
        },
        "collections": sorted(
            GroupCollectionPermission.objects.values_list("group__name", "collection_id", "permission__codename")
        ),
        "pages": sorted(GroupPagePermission.objects.values_list("group__name", "page_id", "permission__codename")),
    }


@pytest.fixture
def campaigns_index(db: Any) -> Any:
    # Made before `roles`, so the fixture's page-type grants have a page to apply to.
    return make_campaigns()


def test_the_roles_fixture_stores_what_roles_sync_stores(
    campaigns_index: Any, roles: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from_fixture = roles_as_stored()
    assert from_fixture["groups"] and from_fixture["collections"]
    assert any(page_id == campaigns_index.pk for _, page_id, _ in from_fixture["pages"])
    monkeypatch.undo()  # the real look-ups from here on
    Group.objects.filter(name__in=[role.name for role in ROLES]).delete()  # and their grants
    roles_sync()
    assert roles_as_stored() == from_fixture
