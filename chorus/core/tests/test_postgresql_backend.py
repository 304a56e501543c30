"""The PostgreSQL backend health-checks a connection only after it sat idle."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from chorus.core.postgresql import base

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend only"),
]


def test_a_connection_alive_a_moment_ago_is_not_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[bool] = []
    monkeypatch.setattr(base.base.DatabaseWrapper, "close_if_health_check_failed", lambda self: checks.append(True))
    connection.ensure_connection()
    connection.health_check_done = False
    connection.last_known_alive = time.monotonic()
    connection.close_if_health_check_failed()
    assert checks == []
    assert connection.health_check_done


def test_an_idle_connection_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    checks: list[bool] = []
    monkeypatch.setattr(base.base.DatabaseWrapper, "close_if_health_check_failed", lambda self: checks.append(True))
    connection.ensure_connection()
    connection.health_check_done = False
    connection.last_known_alive = time.monotonic() - base.HEALTHY_FOR_SECONDS - 1
    connection.close_if_health_check_failed()
    assert checks == [True]
