"""One-time form keys: a repeat with the same key and answers gets the first result and does nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django import forms
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from chorus.core.idempotency import (
    SubmissionKeyForm,
    SubmissionKeyFormMixin,
    submission_key_new,
    submission_keys_prune,
    submission_once,
)
from chorus.core.models import AuditEvent, SubmissionKey
from chorus.core.periodic import periodic_jobs
from chorus.core.tests.keys import keys_on

pytestmark = pytest.mark.django_db

PRIVATE = "/support/request/a-long-private-token/?sent=1"


class Counter:
    """An action that records each run in the database and returns a private address."""

    def __init__(self, result: str = PRIVATE) -> None:
        self.runs = 0
        self.result = result

    def __call__(self) -> str:
        self.runs += 1
        AuditEvent.objects.create(created_at=timezone.now(), action="core.test.acted")
        return self.result


def test_a_repeat_gets_the_first_result_and_does_nothing() -> None:
    key, act = submission_key_new(), Counter()
    first = submission_once(key=key, scope="tests.form", action=act)
    assert (first.result, first.repeated) == (PRIVATE, False)
    again = submission_once(key=key, scope="tests.form", action=Counter("/elsewhere/"))
    assert (again.result, again.repeated) == (PRIVATE, True)
    assert act.runs == 1
    assert AuditEvent.objects.filter(action="core.test.acted").count() == 1
    assert SubmissionKey.objects.count() == 1


def test_different_keys_each_act() -> None:
    act = Counter()
    submission_once(key=submission_key_new(), scope="tests.form", action=act)
    submission_once(key=submission_key_new(), scope="tests.form", action=act)
    assert act.runs == 2


def test_a_key_used_in_another_scope_is_another_key() -> None:
    key, act = submission_key_new(), Counter()
    submission_once(key=key, scope="support.message:1:7", action=act)
    other = submission_once(key=key, scope="support.message:2:7", action=act)
    assert not other.repeated and act.runs == 2


def test_changed_answers_with_the_same_key_are_a_new_post() -> None:
    # Someone went back, changed the message and sent it again: that is not a double click.
    key, act = submission_key_new(), Counter()
    posted = QueryDict(mutable=True)
    posted.setlist("body", ["First words"])
    posted["csrfmiddlewaretoken"] = "one"
    submission_once(key=key, scope="tests.form", answers=posted, action=act)
    same = posted.copy()
    same["csrfmiddlewaretoken"] = "another"  # the CSRF token and the key itself are not answers
    assert submission_once(key=key, scope="tests.form", answers=same, action=act).repeated
    changed = posted.copy()
    changed.setlist("body", ["Other words"])
    assert not submission_once(key=key, scope="tests.form", answers=changed, action=act).repeated
    assert act.runs == 2


def test_each_of_several_values_counts_as_an_answer() -> None:
    key, act = submission_key_new(), Counter()
    two, one = QueryDict("ids=1&ids=2"), QueryDict("ids=1")
    submission_once(key=key, scope="tests.bulk", answers=two, action=act)
    assert not submission_once(key=key, scope="tests.bulk", answers=one, action=act).repeated
    assert submission_once(key=key, scope="tests.bulk", answers=QueryDict("ids=1&ids=2"), action=act).repeated
    assert act.runs == 2


@pytest.mark.parametrize("key", ["", "short", "x" * 65, "has spaces in it here!", "<script>alert(1)</script>"])
def test_a_missing_or_garbled_key_acts_every_time_as_before(key: str) -> None:
    act = Counter()
    for _ in range(2):
        done = submission_once(key=key, scope="tests.form", action=act)
        assert (done.result, done.repeated) == (PRIVATE, False)
    assert act.runs == 2
    assert not SubmissionKey.objects.exists()


def test_an_action_that_fails_leaves_nothing_and_the_key_unused() -> None:
    key = submission_key_new()

    def fails() -> str:
        AuditEvent.objects.create(created_at=timezone.now(), action="core.test.half-done")
        raise RuntimeError("the mail server said no")

    with pytest.raises(RuntimeError):
        submission_once(key=key, scope="tests.form", action=fails)
    assert not AuditEvent.objects.filter(action="core.test.half-done").exists()
    assert not SubmissionKey.objects.exists()
    act = Counter()
    assert not submission_once(key=key, scope="tests.form", action=act).repeated  # tried again: it acts
    assert act.runs == 1


def test_without_a_key_a_failed_action_leaves_nothing_either() -> None:
    def fails() -> str:
        AuditEvent.objects.create(created_at=timezone.now(), action="core.test.half-done")
        raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        submission_once(key="", scope="tests.form", action=fails)
    assert not AuditEvent.objects.filter(action="core.test.half-done").exists()


def test_the_table_holds_neither_the_key_nor_the_result_in_clear() -> None:
    key = submission_key_new()
    submission_once(key=key, scope="tests.form", action=Counter())
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, scope, result FROM core_submissionkey")
        stored_key, scope, result = cursor.fetchone()
    assert scope == "tests.form"
    assert key not in stored_key and len(stored_key) == 64
    assert "private-token" not in result and result.startswith("v1.")
    assert SubmissionKey.objects.get().result == PRIVATE


def test_keys_are_deleted_a_day_after_use(settings: Any) -> None:
    assert settings.CHORUS_RETENTION_SUBMISSION_KEYS_HOURS == 24
    key = submission_key_new()
    submission_once(key=key, scope="tests.form", action=Counter())
    with time_machine.travel(timezone.now() + timedelta(hours=23, minutes=59)):
        assert submission_keys_prune() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        assert submission_keys_prune() == 1
    act = Counter()
    assert not submission_once(key=key, scope="tests.form", action=act).repeated
    assert act.runs == 1


def test_the_prune_job_runs_every_hour() -> None:
    jobs = {job.task_path: job.every for job in periodic_jobs()}
    assert jobs["chorus.core.tasks.prune_submission_keys"] == timedelta(hours=1)


# --- the hidden field -------------------------------------------------------------------


class MessageForm(SubmissionKeyFormMixin):
    body = forms.CharField()


def test_each_new_form_carries_its_own_key_without_an_id() -> None:
    first, second = str(MessageForm()["submission_key"]), str(MessageForm()["submission_key"])
    assert keys_on(first) and keys_on(second) and keys_on(first) != keys_on(second)
    # Several forms on one page each carry a key: an id would repeat.
    assert " id=" not in first
    assert len(keys_on(str(SubmissionKeyForm()["submission_key"]))[0]) == 24


def test_a_form_shown_again_with_errors_keeps_its_key() -> None:
    key = submission_key_new()
    form = MessageForm({"submission_key": key, "body": ""})
    assert not form.is_valid() and "submission_key" not in form.errors
    assert keys_on(str(form["submission_key"])) == [key]


@pytest.mark.parametrize("posted", [None, "", "garbled<key>", "x"])
def test_a_missing_or_garbled_key_is_no_error_and_is_replaced_on_the_page(posted: str | None) -> None:
    data = {"body": "Hello"} if posted is None else {"body": "Hello", "submission_key": posted}
    form = MessageForm(data)
    assert form.is_valid()
    assert form.cleaned_data["submission_key"] == ""
    shown = keys_on(str(form["submission_key"]))
    assert len(shown) == 1 and len(shown[0]) == 24
