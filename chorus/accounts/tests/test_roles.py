"""Roles are defined in code and synced to groups: each group holds exactly its permissions."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission

from chorus.accounts.models import User
from chorus.accounts.roles import EDITOR, GRANTS_OFFICER, ROLES, page_permissions_for, permissions_for
from chorus.accounts.services import roles_sync
from chorus.core.models import AuditEvent
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import make_site
from conftest import client_for

pytestmark = pytest.mark.django_db


def group_permissions(name: str) -> set[str]:
    group = Group.objects.get(name=name)
    return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}


def test_each_role_has_a_group_with_exactly_its_permissions() -> None:
    roles_sync()
    for role in ROLES:
        assert group_permissions(role.name) == permissions_for(role), role.name
        assert "wagtailadmin.access_admin" in group_permissions(role.name)


def test_editor_may_manage_coalitions_and_documents() -> None:
    roles_sync()
    editor_permissions = group_permissions(EDITOR.name)
    assert {"pages.change_coalition", "wagtaildocs.add_document", "wagtailimages.choose_image"} <= editor_permissions


def test_editor_can_open_the_document_and_image_upload_screens(editor: User) -> None:
    # Wagtail asks for the permission on a collection as well; the group's alone was not enough,
    # and the upload screens sent editors back to the dashboard.
    client = client_for(editor)
    for url in ("/admin/documents/multiple/add/", "/admin/images/multiple/add/"):
        response = client.get(url)
        assert response.status_code == 200, url


def test_a_role_without_document_permissions_gets_none_on_collections(campaigner: User) -> None:
    response = client_for(campaigner).get("/admin/documents/multiple/add/")
    assert response.status_code == 302


def test_sync_removes_permissions_added_by_hand_and_is_repeatable() -> None:
    roles_sync()
    group = Group.objects.get(name=EDITOR.name)
    group.permissions.add(Permission.objects.get(codename="delete_user"))
    first = roles_sync()
    assert "accounts.delete_user" not in group_permissions(EDITOR.name)
    assert roles_sync() == first
    assert Group.objects.filter(name__in=[role.name for role in ROLES]).count() == len(ROLES)


def test_sync_is_audited() -> None:
    roles_sync()
    assert AuditEvent.objects.filter(action="accounts.roles.synced").exists()


def test_editor_can_publish_pages(editor: User) -> None:
    home = make_site()
    news = ArticleIndexPageFactory(parent=home)
    article = ArticlePageFactory(parent=news)
    permissions = article.permissions_for_user(editor)
    assert permissions.can_edit()
    assert permissions.can_publish()
    assert news.permissions_for_user(editor).can_add_subpage()


def test_other_roles_cannot_publish_pages(campaigner: User, caseworker: User) -> None:
    home = make_site()
    for user in (campaigner, caseworker):
        assert not home.permissions_for_user(user).can_publish()


def test_editor_can_reach_the_admin(editor: User) -> None:
    response = client_for(editor).get("/admin/")
    assert response.status_code == 200


def test_editor_can_open_the_page_editor(editor: User) -> None:
    home = make_site()
    response = client_for(editor).get(f"/admin/pages/{home.pk}/edit/")
    assert response.status_code == 200


def test_anonymous_visitor_is_sent_to_the_admin_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_user_without_a_role_cannot_reach_the_admin() -> None:
    user = User.objects.create_user(username="nobody", password="correct-horse-battery")
    response = client_for(user).get("/admin/")
    assert response.status_code in {302, 403}
    assert "/admin/login/" in response.get("Location", "/admin/login/")


def test_campaigners_may_write_and_publish_actions_under_a_campaigns_index(campaigner: User) -> None:
    from chorus.campaigns.tests.factories import CampaignIndexPageFactory

    home = make_site()
    index = CampaignIndexPageFactory(parent=home)
    news = ArticleIndexPageFactory(parent=home)
    roles_sync()  # page-type grants apply to the index pages that exist
    campaigns_permissions = index.permissions_for_user(campaigner)
    assert campaigns_permissions.can_add_subpage()
    assert campaigns_permissions.can_publish()
    assert not news.permissions_for_user(campaigner).can_add_subpage()


def test_grants_officer_runs_funding_pages_and_its_description_says_so() -> None:
    # Grants are built in slices (PRODUCT.md 3.6): the role runs the fund and round pages and
    # reads the applications groups send; whoever gives the role is told what it is for.
    assert permissions_for(GRANTS_OFFICER) == {
        "wagtailadmin.access_admin",
        "grants.view_application",
        "grants.review_application",
        "grants.decide_application",
    }
    assert page_permissions_for(GRANTS_OFFICER) == {"grants.FundPage": ["add_page", "change_page", "publish_page"]}
    assert "no screens" not in GRANTS_OFFICER.description
    assert "funding rounds" in GRANTS_OFFICER.description
    assert "applications" in GRANTS_OFFICER.description


def test_sync_reads_the_permissions_in_one_query() -> None:
    # A query per permission (a few hundred) made syncing, and every staff test, slow. Reading
    # each group's own permissions (one query per role, to update them) is another matter.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        roles_sync()
    lookups = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT")
        and 'FROM "auth_permission"' in q["sql"]
        and "auth_group_permissions" not in q["sql"]
    ]
    assert len(lookups) == 1, lookups[:3]


def test_sync_names_a_permission_that_does_not_exist(monkeypatch: pytest.MonkeyPatch) -> None:
    from chorus.accounts import roles

    monkeypatch.setattr(roles, "BASE_PERMISSIONS", [*roles.BASE_PERMISSIONS, "nowhere.do_nothing"])
    with pytest.raises(Permission.DoesNotExist, match=r"nowhere\.do_nothing"):
        roles_sync()
