"""The console log: task runs quiet whatever the worker command sets, no line printed twice."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chorus.core.logfilters import BelowLevelFrom

ROOT = Path(__file__).resolve().parents[3]

# What the task worker does when it starts (its verbosity 1 sets INFO), then one line of each kind.
WORKER_THEN_LOG = """
import logging, django
django.setup()
from django_tasks_db.management.commands.db_worker import Command
Command().configure_logging(1)
logging.getLogger("django.tasks").info("task run line")
logging.getLogger("django_tasks_db").info("worker run line")
logging.getLogger("django.tasks").error("task failed line")
logging.getLogger("django.db.backends.schema").info("django info line")
logging.getLogger("chorus.campaigns").info("chorus info line")
"""


def _console_after_worker_start(**env: str) -> str:
    result = subprocess.run(  # noqa: S603 (the script is this module's constant)
        [sys.executable, "-c", WORKER_THEN_LOG],
        cwd=ROOT,
        # DEBUG on, as `make run` has it: Django's own console handler is live then.
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stderr


@pytest.mark.slow
def test_task_runs_stay_off_the_console_though_the_worker_sets_info() -> None:
    console = _console_after_worker_start(TASKS_LOG_LEVEL="WARNING", LOG_LEVEL="INFO")
    assert "task run line" not in console
    assert "worker run line" not in console
    assert console.count("task failed line") == 1  # failures still show
    assert console.count("django info line") == 1  # once, not also through Django's own handler
    assert console.count("chorus info line") == 1


@pytest.mark.slow
def test_task_runs_show_when_asked_for() -> None:
    console = _console_after_worker_start(TASKS_LOG_LEVEL="INFO", LOG_LEVEL="INFO")
    assert console.count("task run line") == 1
    assert console.count("worker run line") == 1


def _record(name: str, level: int) -> logging.LogRecord:
    return logging.LogRecord(name, level, __file__, 1, "message", None, None)


def test_the_filter_holds_back_only_the_named_loggers_and_their_children() -> None:
    quiet = BelowLevelFrom(["django.tasks"], "WARNING")
    assert not quiet.filter(_record("django.tasks", logging.INFO))
    assert not quiet.filter(_record("django.tasks.backends", logging.INFO))
    assert quiet.filter(_record("django.tasks", logging.WARNING))
    assert quiet.filter(_record("django.tasksmith", logging.INFO))  # a name that only starts the same
    assert quiet.filter(_record("django", logging.INFO))


def test_an_unknown_level_is_refused_when_the_log_is_set_up() -> None:
    with pytest.raises(ValueError, match="Unknown log level 'VERBOSE'"):
        BelowLevelFrom(["django.tasks"], "VERBOSE")
    assert BelowLevelFrom(["django.tasks"], "warning").level == logging.WARNING
