"""Long-lived objects are frozen out of the garbage collector's sight, once per process."""

from __future__ import annotations

import gc
import importlib
import sys
from collections.abc import Iterator

import pytest
from django.tasks import task
from django.tasks.signals import task_finished
from django.urls import clear_url_caches, get_resolver

from chorus.core import longlived


@pytest.fixture(autouse=True)
def nothing_frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    gc.unfreeze()
    monkeypatch.setattr(longlived, "_frozen_after_task", False)
    yield
    gc.unfreeze()


@task()
def say_hello() -> str:
    return "hello"


def test_a_worker_freezes_what_it_has_loaded_after_its_first_task() -> None:
    assert gc.get_freeze_count() == 0
    say_hello.enqueue()  # the test settings run tasks at once, and send task_finished
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # Django, Wagtail and every model, at least


def test_only_the_first_task_freezes() -> None:
    say_hello.enqueue()
    gc.unfreeze()  # as if nothing were frozen: a second task must not freeze again
    say_hello.enqueue()
    assert gc.get_freeze_count() == 0


def test_the_receiver_is_connected_when_the_apps_load() -> None:
    uid = "chorus.core.freeze_after_first_task"
    assert task_finished.disconnect(dispatch_uid=uid)  # True only if it was connected
    task_finished.connect(longlived.freeze_after_first_task, dispatch_uid=uid)


def test_the_web_entry_point_loads_every_urlconf_and_freezes() -> None:
    clear_url_caches()
    sys.modules.pop("config.wsgi", None)
    wsgi = importlib.import_module("config.wsgi")
    assert callable(wsgi.application)
    assert gc.get_freeze_count() > 10_000
    assert "url_patterns" in vars(get_resolver())  # loaded before any request
