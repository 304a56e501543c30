"""/healthz/: which dependency is unwell, and whether the node should be taken out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.db import OperationalError
from django.test import Client, override_settings
from django.utils import timezone

from chorus.core import tasks

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_all_well_is_ok_uncached_and_cookie_free(client: Client) -> None:
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": {"status": "ok"},
        "cache": {"status": "ok"},
        "tasks": {"status": "not used"},  # the test settings run tasks at once
    }
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert not response.cookies


def test_a_dead_database_takes_the_node_out(client: Client) -> None:
    refused = OperationalError("connection to server at 10.0.0.5 failed")
    with mock.patch("chorus.core.health.connection.cursor", side_effect=refused):
        response = client.get("/healthz/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "down"
    assert body["database"] == {"status": "down", "error": "OperationalError"}  # no address, no message
    assert body["tasks"] == {"status": "unknown"}
    assert body["cache"] == {"status": "ok"}


def test_a_broken_cache_of_another_kind_is_reported_too(client: Client) -> None:
    with mock.patch("django.core.cache.backends.locmem.LocMemCache.set", side_effect=OSError("disk full")):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["cache"] == {"status": "down"}


@override_settings(TASKS=DATABASE_QUEUE, CHORUS_HEALTH_TASK_WAIT_SECONDS=300)
def test_the_queue_is_ok_while_due_tasks_are_young(client: Client) -> None:
    tasks.prune_task_results.enqueue()
    tasks.prune_task_results.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()  # not due yet
    body = client.get("/healthz/").json()
    assert body["status"] == "ok"
    assert body["tasks"]["status"] == "ok"
    assert body["tasks"]["due"] == 1
    assert body["tasks"]["oldest_wait_seconds"] < 5


@override_settings(TASKS=DATABASE_QUEUE, CHORUS_HEALTH_TASK_WAIT_SECONDS=300)
def test_a_backlog_degrades_the_node_without_taking_it_out(client: Client) -> None:
    with time_machine.travel(timezone.now() - timedelta(minutes=10)):
        tasks.prune_task_results.enqueue()
        # Deferred to five minutes ago: it has waited since it was due, not since it was queued.
        tasks.prune_task_results.using(run_after=timezone.now() + timedelta(minutes=5)).enqueue()
    response = client.get("/healthz/")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    assert body["status"] == "degraded"
    assert body["tasks"]["status"] == "backlog"
    assert body["tasks"]["due"] == 2
    assert 600 <= body["tasks"]["oldest_wait_seconds"] < 610
