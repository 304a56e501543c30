"""Personas and shared fixtures for every app's tests."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from chorus.accounts.models import User
from chorus.accounts.roles import ADMINISTRATOR, CAMPAIGNER, CASEWORKER, EDITOR, GRANTS_OFFICER, Role
from chorus.accounts.services import roles_sync


@pytest.fixture
def roles(db: Any) -> None:
    roles_sync()


def _staff(role: Role, username: str) -> User:
    user = User.objects.create_user(
        username=username, password="correct-horse-battery", email=f"{username}@chorus.test"
    )
    user.groups.add(Group.objects.get(name=role.name))
    return user


@pytest.fixture
def editor(roles: None) -> User:
    return _staff(EDITOR, "edna-editor")


@pytest.fixture
def campaigner(roles: None) -> User:
    return _staff(CAMPAIGNER, "cam-campaigner")


@pytest.fixture
def caseworker(roles: None) -> User:
    return _staff(CASEWORKER, "casey-caseworker")


@pytest.fixture
def grants_officer(roles: None) -> User:
    return _staff(GRANTS_OFFICER, "grace-grants")


@pytest.fixture
def administrator(roles: None) -> User:
    return _staff(ADMINISTRATOR, "ada-administrator")


def client_for(user: User) -> Client:
    """A client signed in as the user, with second-factor verification done.

    Tests of the sign-in itself use the real login form instead.
    """
    client = Client()
    client.force_login(user)
    return client
