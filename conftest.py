"""Personas and shared fixtures for every app's tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from chorus.accounts.models import User
from chorus.accounts.roles import ADMINISTRATOR, CAMPAIGNER, CASEWORKER, EDITOR, GRANTS_OFFICER, Role
from chorus.accounts.services import roles_sync


@pytest.fixture(scope="session")
def django_db_setup(
    request: pytest.FixtureRequest,
    django_test_environment: None,
    django_db_blocker: Any,
    django_db_modify_db_settings: None,
) -> Iterator[None]:
    """On SQLite, each test process copies a database migrated once, instead of migrating
    its own (chorus/core/tests/template_database.py)."""
    from chorus.core.tests.template_database import database_for_tests_ready, database_for_tests_remove

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        config = database_for_tests_ready(verbosity)
    yield
    with django_db_blocker.unblock():
        database_for_tests_remove(config, verbosity)


def _search_signals(connect: bool) -> None:
    """Connect or disconnect the handlers with which Wagtail's search indexes each saved object."""
    from django.db.models.signals import post_delete, post_save
    from modelsearch import index
    from modelsearch.signal_handlers import post_delete_signal_handler, post_save_signal_handler

    for model in index.get_indexed_models():
        if not getattr(model, "search_auto_update", True):
            continue
        for signal, handler in ((post_save, post_save_signal_handler), (post_delete, post_delete_signal_handler)):
            (signal.connect if connect else signal.disconnect)(handler, sender=model)


@pytest.fixture(scope="session", autouse=True)
def _search_signals_off() -> Iterator[None]:
    """With AUTO_UPDATE off (config/settings/test.py) the index is never written, yet each
    save of a page or snippet still runs a search task that finds nothing to do; without
    the handlers no task runs. The search_index fixture connects them again."""
    _search_signals(connect=False)
    yield
    _search_signals(connect=True)


@pytest.fixture
def search_index(settings: Any) -> Iterator[None]:
    """Pages saved in this test are indexed for search, as in production (off in other tests)."""
    backend = {key: value for key, value in settings.WAGTAILSEARCH_BACKENDS["default"].items() if key != "AUTO_UPDATE"}
    settings.WAGTAILSEARCH_BACKENDS = {"default": backend}
    _search_signals(connect=True)
    yield
    _search_signals(connect=False)


@pytest.fixture(autouse=True)
def reference_index_off(request: pytest.FixtureRequest) -> Iterator[None]:
    """Wagtail records which objects each saved page or snippet refers to, for its admin's
    "usage" screens, which no test reads; each save would pay for it. Production keeps it.
    A test marked `reference_index` keeps it too."""
    if request.node.get_closest_marker("reference_index"):
        yield
        return
    from wagtail.signal_handlers import disable_reference_index_auto_update

    with disable_reference_index_auto_update():
        yield


@pytest.fixture
def roles(db: Any) -> None:
    """Every role's group with its permissions, as `manage.py sync_roles` makes them."""
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
    # Imported here so the root conftest stays importable before apps are ready.
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """Each test starts with empty caches: cached pages, remembered pages and rate-limit
    counters never leak between tests, and every Redis circuit breaker starts closed."""
    from django.core.cache import cache

    from chorus.core.breaker import breakers_reset
    from chorus.core.ratelimit import LOCAL_WINDOWS

    def forget() -> None:
        cache.clear()
        LOCAL_WINDOWS.clear()
        breakers_reset()

    forget()
    yield
    forget()


@pytest.fixture(autouse=True)
def _own_seal_log(settings: Any, tmp_path: Any) -> None:
    """Each test seals into a seal log of its own: heads left by another test (or another
    test process) would name entries this test's database never had."""
    settings.CHORUS_AUDIT_SEAL_LOG = tmp_path / "audit-seals.log"
