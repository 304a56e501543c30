"""Periodic jobs are declared in code beside their tasks and checked when a process starts."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.tasks import Task, task
from django.test import override_settings

from chorus.core import leases
from chorus.core.checks import lease_errors, periodic_job_errors
from chorus.core.leases import DeclaredLease
from chorus.core.periodic import PeriodicJob, PeriodicRegistry, periodic, periodic_jobs, registry


@task()
def tidy_up() -> int:
    return 1


@task()
def tidy_one(action_id: int, *, full: bool = False) -> int:
    return action_id


def not_a_task() -> None:
    """A function someone forgot to decorate with @task."""


# Every periodic job. The names of those listed in settings before are unchanged: each
# name keys a ScheduledJob row in existing databases.
EXPECTED = {
    "core.prune_task_results": ("chorus.core.tasks.prune_task_results", timedelta(days=1)),
    "core.requeue_lost_task_runs": ("chorus.core.tasks.requeue_lost_task_runs", timedelta(minutes=1)),
    "core.seal_audit_log": ("chorus.core.tasks.seal_audit_log", timedelta(minutes=1)),
    "core.send_outbox": ("chorus.core.tasks.send_outbox", timedelta(seconds=30)),
    "core.prune_outbox": ("chorus.core.tasks.prune_outbox", timedelta(days=1)),
    "core.verify_audit_log": ("chorus.core.tasks.verify_audit_log", timedelta(days=1)),
    "core.prune_submission_keys": ("chorus.core.tasks.prune_submission_keys", timedelta(hours=1)),
    "accounts.prune_sign_ins": ("chorus.accounts.tasks.prune_sign_in_records", timedelta(hours=1)),
    "people.retention": ("chorus.people.tasks.people_retention_run", timedelta(hours=1)),
    "campaigns.refresh_counts": ("chorus.campaigns.tasks.refresh_counts", timedelta(seconds=5)),
    "campaigns.file_signatures": ("chorus.campaigns.tasks.file_signatures", timedelta(seconds=30)),
    "campaigns.finish_updates": ("chorus.campaigns.tasks.finish_campaign_updates", timedelta(minutes=5)),
    "campaigns.recount_all": ("chorus.campaigns.tasks.recount_all", timedelta(days=1)),
    "campaigns.trend_check": ("chorus.campaigns.tasks.trend_check", timedelta(hours=1)),
    "campaigns.retention": ("chorus.campaigns.tasks.apply_retention", timedelta(days=1)),
    "campaigns.expire_delivery_packs": ("chorus.campaigns.tasks.expire_delivery_packs", timedelta(minutes=15)),
    "campaigns.release_letters": ("chorus.campaigns.tasks.release_letters", timedelta(minutes=5)),
    "campaigns.send_letter_bundles": ("chorus.campaigns.tasks.send_letter_bundles", timedelta(minutes=15)),
    "campaigns.ask_letter_replies": ("chorus.campaigns.tasks.ask_letter_replies", timedelta(hours=1)),
    "support-retention": ("chorus.support.tasks.support_retention_run", timedelta(hours=6)),
    "support-close-inactive": ("chorus.support.tasks.support_close_inactive_run", timedelta(hours=6)),
    "bulletin-draft": ("chorus.bulletin.tasks.assemble_weekly_draft", timedelta(hours=1)),
    "bulletin-scheduled": ("chorus.bulletin.tasks.start_scheduled_issues", timedelta(minutes=1)),
    "bulletin-stale-claims": ("chorus.bulletin.tasks.recover_stale_claims", timedelta(minutes=1)),
    "bulletin-pending-cleanup": ("chorus.bulletin.tasks.remove_unconfirmed", timedelta(days=1)),
    "bulletin-ended-cleanup": ("chorus.bulletin.tasks.remove_ended", timedelta(days=1)),
    "tracker-import": ("chorus.tracker.tasks.import_all_sources", timedelta(days=1)),
    "tracker-reminders": ("chorus.tracker.tasks.send_response_reminders", timedelta(days=1)),
    "grants-drafts-cleanup": ("chorus.grants.tasks.delete_unsent_drafts", timedelta(days=1)),
    "grants-retention": ("chorus.grants.tasks.apply_application_retention", timedelta(days=1)),
    "grants-decision-reminders": ("chorus.grants.tasks.send_decision_reminders", timedelta(days=1)),
    "api.taggings_prune": ("chorus.api.tasks.api_taggings_prune", timedelta(hours=1)),
    "representatives.clean_up": ("chorus.representatives.tasks.clean_up_imports", timedelta(hours=1)),
}


def test_each_app_declares_its_jobs_by_their_existing_names() -> None:
    assert not hasattr(settings, "CHORUS_PERIODIC_JOBS")  # one place only: the code
    jobs = periodic_jobs()
    assert {job.name: (job.task_path, job.every) for job in jobs} == EXPECTED
    assert all(isinstance(job.task, Task) for job in jobs)


def test_the_declared_jobs_pass_the_check() -> None:
    assert periodic_job_errors(periodic_jobs()) == []
    assert lease_errors(leases.leases_declared()) == []


def test_the_decorator_records_the_task_and_returns_it_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    own = PeriodicRegistry()
    monkeypatch.setattr("chorus.core.periodic.registry", own)
    decorated = periodic(every=timedelta(minutes=5), name="test.tidy")(tidy_up)
    assert decorated is tidy_up
    assert own.jobs() == [PeriodicJob(name="test.tidy", task=tidy_up, every=timedelta(minutes=5))]


def _ids(errors: list[object]) -> list[str]:
    return [error.id for error in errors]  # type: ignore[attr-defined]


def test_a_name_declared_twice_is_refused() -> None:
    jobs = [
        PeriodicJob(name="test.tidy", task=tidy_up, every=timedelta(minutes=5)),
        PeriodicJob(name="test.tidy", task=tidy_up, every=timedelta(hours=1)),
    ]
    errors = periodic_job_errors(jobs)
    assert _ids(errors) == ["core.E001"]
    assert "'test.tidy' is declared 2 times" in errors[0].msg


def test_a_target_that_is_not_a_task_is_refused() -> None:
    errors = periodic_job_errors([PeriodicJob(name="test.plain", task=not_a_task, every=timedelta(minutes=5))])
    assert _ids(errors) == ["core.E002"]
    assert "not_a_task, which is not a Task" in errors[0].msg
    assert "above @task" in str(errors[0].hint)


def test_a_task_that_needs_arguments_is_refused() -> None:
    errors = periodic_job_errors([PeriodicJob(name="test.one", task=tidy_one, every=timedelta(minutes=5))])
    assert _ids(errors) == ["core.E003"]


@pytest.mark.parametrize("every", [timedelta(0), timedelta(seconds=-5), 60])
def test_an_interval_that_is_not_a_positive_timedelta_is_refused(every: object) -> None:
    errors = periodic_job_errors([PeriodicJob(name="test.tidy", task=tidy_up, every=every)])  # type: ignore[arg-type]
    assert _ids(errors) == ["core.E004"]


def test_a_bad_lease_is_refused() -> None:
    errors = lease_errors(
        [
            DeclaredLease(task=not_a_task, duration=timedelta(hours=1)),
            DeclaredLease(task=tidy_up, duration=timedelta(0)),
        ]
    )
    assert _ids(errors) == ["core.E005", "core.E006"]


@pytest.fixture
def broken_declarations(monkeypatch: pytest.MonkeyPatch) -> None:
    """The real jobs, plus a duplicate name and a job on a plain function."""
    declared = [
        *periodic_jobs(),
        PeriodicJob(name="campaigns.refresh_counts", task=tidy_up, every=timedelta(seconds=5)),
        PeriodicJob(name="test.plain", task=not_a_task, every=timedelta(minutes=5)),
    ]
    monkeypatch.setattr(registry, "declared", declared)


@pytest.mark.django_db
@pytest.mark.usefixtures("broken_declarations")
def test_manage_py_check_fails_on_a_broken_declaration() -> None:
    with pytest.raises(SystemCheckError) as refused:
        call_command("check")
    message = str(refused.value)
    assert "core.E001" in message and "'campaigns.refresh_counts'" in message
    assert "core.E002" in message and "test.plain" in message


@pytest.mark.django_db
@pytest.mark.usefixtures("broken_declarations")
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
@pytest.mark.parametrize("command", [["run_scheduler", "--once"], ["db_worker", "--batch", "--no-reload"]])
def test_the_scheduler_and_the_worker_refuse_to_start_on_a_broken_declaration(command: list[str]) -> None:
    # call_command skips the checks unless asked; run from the command line, they run.
    with pytest.raises(SystemCheckError, match=r"core\.E001"):
        call_command(*command, skip_checks=False)


def test_settings_comments_say_what_a_setting_does_not_which_issue_added_it() -> None:
    root = Path(__file__).resolve().parents[3]
    files = [*sorted((root / "config" / "settings").glob("*.py")), root / ".env.example"]
    mentions = [
        f"{path.name}:{number}"
        for path in files
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if line.lstrip().startswith("#") and re.search(r"\bissue \d+", line, re.IGNORECASE)
    ]
    assert mentions == []
