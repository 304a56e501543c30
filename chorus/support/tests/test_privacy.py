"""Retention, subject access, erasure, and what a database dump would reveal."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client, override_settings

from chorus.core.models import AuditEvent
from chorus.core.periodic import periodic_jobs
from chorus.support import privacy
from chorus.support.models import Message, SupportRequest
from chorus.support.selectors import what_members_raised
from chorus.support.services.conversation import support_member_reply, support_message_send
from chorus.support.services.transitions import support_request_transition
from chorus.support.tasks import support_retention_run
from chorus.support.tests.factories import make_request
from chorus.support.workflow import Status

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _resolved(caseworker: Any, when: datetime, **kwargs: Any) -> tuple[SupportRequest, str]:
    support_request, token = make_request(now=when, **kwargs)
    support_request_transition(support_request=support_request, transition="start", actor=caseworker, now=when)
    support_request_transition(support_request=support_request, transition="resolve", actor=caseworker, now=when)
    support_request.refresh_from_db()
    return support_request, token


def test_retention_job_is_registered() -> None:
    assert "chorus.support.tasks.support_retention_run" in {job.task_path for job in periodic_jobs()}


@override_settings(CHORUS_SUPPORT_RETENTION_DAYS=365)
def test_closed_requests_are_anonymised_after_a_year_and_counts_survive(caseworker: Any) -> None:
    closed_at = datetime(2026, 1, 10, 10, tzinfo=LONDON)
    old, token = _resolved(caseworker, closed_at)
    still_open, _ = make_request(now=closed_at, email="")
    recent, _ = _resolved(caseworker, closed_at + timedelta(days=200), email="")
    before = what_members_raised()

    with time_machine.travel(closed_at + timedelta(days=364), tick=False):
        assert support_retention_run.call() == 0
    with time_machine.travel(closed_at + timedelta(days=366), tick=False):
        assert support_retention_run.call() == 1

    old.refresh_from_db()
    assert old.anonymised_at is not None
    assert old.description == "" and old.where_detail == "" and old.contact_name == ""
    assert old.sender is None and old.email_token_sealed == "" and old.email_token_hash == ""
    assert not Message.objects.filter(support_request=old).exists()
    assert Client().get(f"/support/request/{token}/").status_code == 404
    for other in (still_open, recent):
        other.refresh_from_db()
        assert other.anonymised_at is None and other.description
    assert what_members_raised() == before
    assert AuditEvent.objects.get(action="support.request.anonymised").data == {"count": 1}


def test_data_held_lists_requests_and_messages_but_not_notes(caseworker: Any) -> None:
    support_request, _ = make_request(email="held@example.org")
    support_message_send(support_request=support_request, actor=caseworker, body="Our reply", internal=False)
    support_message_send(support_request=support_request, actor=caseworker, body="Staff-only note", internal=True)
    support_member_reply(support_request=support_request, body="My answer")
    assert support_request.sender is not None
    groups = privacy.data_held(support_request.sender)
    assert len(groups) == 1
    values = [item.value for item in groups[0].items]
    assert "The ward has started filming patients at night without asking." in values
    assert "Our reply" in values and "My answer" in values
    assert "Staff-only note" not in values
    assert support_request.reference in groups[0].title


def test_erase_anonymises_the_persons_requests(caseworker: Any) -> None:
    mine, _ = make_request(email="erase@example.org")
    other, _ = make_request(email="other@example.org")
    assert mine.sender is not None
    report = privacy.erase(mine.sender)
    assert report.erased == 1
    assert report.kept
    mine.refresh_from_db()
    other.refresh_from_db()
    assert mine.description == "" and mine.sender is None
    assert other.description
    assert privacy.data_held(other.sender) != []  # type: ignore[arg-type]


def test_request_content_never_appears_in_a_database_dump(caseworker: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("The dump is taken with SQLite's iterdump")
    markers = {
        "description": "MARKER-DESCRIPTION-7F3A",
        "where_detail": "MARKER-WHERE-7F3A",
        "links": "https://marker-links-7f3a.example",
        "group_name": "MARKER-GROUP-7F3A",
        "access_needs": "MARKER-ACCESS-7F3A",
        "help_other": "MARKER-HELP-7F3A",
        "membership": "MARKER-MEMBERSHIP-7F3A",
        "name": "MARKER-NAME-7F3A",
        "phone": "MARKER-PHONE-7F3A",
    }
    support_request, token = make_request(email="marker-7f3a@example.org", contact_method="phone", **markers)
    support_message_send(support_request=support_request, actor=caseworker, body="MARKER-STAFF-7F3A", internal=False)
    support_message_send(support_request=support_request, actor=caseworker, body="MARKER-NOTE-7F3A", internal=True)
    support_member_reply(support_request=support_request, body="MARKER-REPLY-7F3A")
    support_request_transition(support_request=support_request, transition="start", actor=caseworker)
    support_request_transition(
        support_request=support_request, transition="resolve", actor=caseworker, outcome_message="MARKER-OUTCOME-7F3A"
    )
    connection.ensure_connection()
    dump = "\n".join(connection.connection.iterdump()).lower()
    # Whole markers: "7f3a" alone turns up by chance in the hex of a hash now and then.
    written = [*markers.values(), "marker-7f3a@example.org", "MARKER-STAFF-7F3A", "MARKER-NOTE-7F3A"]
    written += ["MARKER-REPLY-7F3A", "MARKER-OUTCOME-7F3A"]
    for marker in written:
        assert marker.lower() not in dump, marker
    assert token.lower() not in dump
    assert support_request.reference.lower() in dump  # the dump itself worked
    assert SupportRequest.objects.get().status == Status.RESOLVED


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_request_content_never_appears_in_pg_dump(caseworker: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("pg_dump needs PostgreSQL")
    import shutil
    import subprocess

    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("pg_dump is not installed")
    support_request, token = make_request(
        email="marker-9c2e@example.org", description="MARKER-DESCRIPTION-9C2E", group_name="MARKER-GROUP-9C2E"
    )
    support_message_send(support_request=support_request, actor=caseworker, body="MARKER-NOTE-9C2E", internal=True)
    support_member_reply(support_request=support_request, body="MARKER-REPLY-9C2E")
    settings = connection.settings_dict
    dump = subprocess.run(  # noqa: S603 - fixed arguments, test database only
        [
            pg_dump,
            "--data-only",
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"] or "postgres",
            settings["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.lower()
    assert support_request.reference.lower() in dump
    # Whole markers: "9c2e" alone turns up by chance in the hex of a hash now and then.
    for marker in ("marker-9c2e@example.org", "MARKER-DESCRIPTION-9C2E", "MARKER-GROUP-9C2E"):
        assert marker.lower() not in dump, marker
    for marker in ("MARKER-NOTE-9C2E", "MARKER-REPLY-9C2E"):
        assert marker.lower() not in dump, marker
    assert token.lower() not in dump
