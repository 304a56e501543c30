"""Staff accounts in Wagtail's user screens: superuser status is only a superuser's to give."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group

from chorus.accounts.forms import SUPERUSER_LABEL
from chorus.accounts.models import User
from chorus.accounts.roles import ADMINISTRATOR, CASEWORKER, GRANTS_OFFICER
from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(roles: None) -> User:
    return User.objects.create_superuser("sam-superuser", "sam@chorus.test", "correct-horse-battery")


def account_form(user: User, **changes: Any) -> dict[str, Any]:
    data = {
        "username": user.username,
        "email": user.email or f"{user.username}@chorus.test",
        "first_name": user.first_name or "First",
        "last_name": user.last_name or "Last",
        "password1": "",
        "password2": "",
        "is_active": "on",
        "groups": [str(group.pk) for group in user.groups.all()],
    }
    data.update(changes)
    return data


def new_account(**changes: Any) -> dict[str, Any]:
    data = {
        "username": "new-person",
        "email": "new@chorus.test",
        "first_name": "New",
        "last_name": "Person",
        "password1": "a-long-enough-passphrase-1",
        "password2": "a-long-enough-passphrase-1",
        "groups": [str(Group.objects.get(name=CASEWORKER.name).pk)],
    }
    data.update(changes)
    return data


def test_an_administrator_sees_no_superuser_checkbox(administrator: User, caseworker: User) -> None:
    for path in (f"/admin/users/edit/{caseworker.pk}/", "/admin/users/new/"):
        page = client_for(administrator).get(path)
        assert page.status_code == 200, path
        assert "is_superuser" not in page.context["form"].fields, path
        assert 'name="is_superuser"' not in page.content.decode(), path


def test_an_administrator_posting_is_superuser_changes_nothing(administrator: User, caseworker: User) -> None:
    client = client_for(administrator)
    page = client.post(f"/admin/users/edit/{caseworker.pk}/", account_form(caseworker, is_superuser="on"))
    assert page.status_code == 302, page.content.decode()[:2000]
    caseworker.refresh_from_db()
    assert not caseworker.is_superuser
    page = client.post("/admin/users/new/", new_account(is_superuser="on"))
    assert page.status_code == 302, page.content.decode()[:2000]
    created = User.objects.get(username="new-person")
    assert not created.is_superuser and created.groups.get().name == CASEWORKER.name


def test_an_administrator_cannot_make_themselves_a_superuser(administrator: User) -> None:
    page = client_for(administrator).post(
        f"/admin/users/edit/{administrator.pk}/", account_form(administrator, is_superuser="on")
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_there_is_no_copy_screen_for_accounts(administrator: User, superuser: User) -> None:
    # Wagtail's copy view saves a POST over the account it copies, with the full creation form.
    client = client_for(administrator)
    assert client.get(f"/admin/users/copy/{administrator.pk}/").status_code == 404
    page = client.post(f"/admin/users/copy/{administrator.pk}/", new_account(is_superuser="on"))
    assert page.status_code == 404
    administrator.refresh_from_db()
    assert not administrator.is_superuser


def test_only_superusers_open_a_superusers_account(administrator: User, superuser: User) -> None:
    client = client_for(administrator)
    page = client.get(f"/admin/users/edit/{superuser.pk}/")
    assert page.status_code == 302 and page["Location"] == "/admin/"
    page = client.post(f"/admin/users/edit/{superuser.pk}/", account_form(superuser, email="mine@evil.test"))
    superuser.refresh_from_db()
    assert superuser.email == "sam@chorus.test" and superuser.is_superuser
    listing = client.get("/admin/users/").content.decode()
    assert f"/admin/users/edit/{superuser.pk}/" not in listing
    assert f"/admin/users/edit/{administrator.pk}/" in listing


def test_a_superuser_sees_the_checkbox_labelled_as_what_it_is(superuser: User, caseworker: User) -> None:
    page = client_for(superuser).get(f"/admin/users/edit/{caseworker.pk}/")
    field = page.context["form"].fields["is_superuser"]
    assert field.label == SUPERUSER_LABEL
    assert "not the Administrator role" in field.help_text
    assert SUPERUSER_LABEL in page.content.decode()


def test_a_superuser_can_grant_and_remove_superuser_status(superuser: User, caseworker: User) -> None:
    client = client_for(superuser)
    edit = f"/admin/users/edit/{caseworker.pk}/"
    assert client.post(edit, account_form(caseworker, is_superuser="on")).status_code == 302
    caseworker.refresh_from_db()
    assert caseworker.is_superuser
    assert client.post(edit, account_form(caseworker)).status_code == 302
    caseworker.refresh_from_db()
    assert not caseworker.is_superuser


def test_nobody_removes_their_own_superuser_status(superuser: User) -> None:
    page = client_for(superuser).get(f"/admin/users/edit/{superuser.pk}/")
    assert "is_superuser" not in page.context["form"].fields
    page = client_for(superuser).post(f"/admin/users/edit/{superuser.pk}/", account_form(superuser))
    assert page.status_code == 302, page.content.decode()[:2000]
    superuser.refresh_from_db()
    assert superuser.is_superuser


def test_roles_are_shown_with_what_they_are_for(administrator: User, caseworker: User) -> None:
    page = client_for(administrator).get(f"/admin/users/edit/{caseworker.pk}/")
    body = page.content.decode()
    assert f"{ADMINISTRATOR.name}: {ADMINISTRATOR.description}" in body
    assert f"{GRANTS_OFFICER.name}: {GRANTS_OFFICER.description}" in body
    assert page.context["form"].fields["groups"].label == "Roles"


def test_the_user_list_says_superuser_not_admin(superuser: User, administrator: User) -> None:
    body = client_for(administrator).get("/admin/users/").content.decode()
    assert "Superuser" in body
