"""Logging filters for the console log (``LOGGING`` in config/settings/base.py)."""

from __future__ import annotations

import logging
from collections.abc import Iterable


class BelowLevelFrom(logging.Filter):
    """Drops records below ``level`` from the named loggers and their children.

    A level set on a logger is not enough for the task worker: ``manage.py db_worker``
    sets its loggers (``django.tasks``, ``django_tasks_db``) to INFO when it starts, so
    each task run would print two lines, several times a second, burying everything
    else (the demo's printed staff login first of all). A filter on the handler holds
    whatever the command does, and keeps warnings and failed tasks.
    """

    def __init__(self, loggers: Iterable[str], level: str | int) -> None:
        super().__init__()
        self.names = tuple(loggers)
        self.prefixes = tuple(f"{name}." for name in self.names)
        self.level = _level_number(level)

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= self.level:
            return True
        return not (record.name in self.names or record.name.startswith(self.prefixes))


def _level_number(level: str | int) -> int:
    """A level's number, refusing an unknown name when the log is set up rather than at
    every record (``TASKS_LOG_LEVEL=VERBOSE``, say)."""
    if isinstance(level, int):
        return level
    levels = logging.getLevelNamesMapping()
    if level.upper() not in levels:
        raise ValueError(f"Unknown log level {level!r}: use one of {', '.join(sorted(levels))}.")
    return levels[level.upper()]
