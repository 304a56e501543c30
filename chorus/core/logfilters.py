"""Logging filters for the console log (``LOGGING`` in config/settings/base.py)."""

from __future__ import annotations

import logging
import re
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


# What a private link's token is replaced with in a log line.
HIDDEN = "[private]"


class MaskPrivateLinks(logging.Filter):
    """Hides the token of every private link (a support request, a privacy page, a bulletin
    or signature confirmation) in the lines Django logs about requests.

    Django's request logger writes the path of every 4xx and 5xx answer, and its server
    logger every request line; a private link's token in a log would let anyone who reads
    the log open the page. Which paths hold a token is read from the URLconf (every route
    with a ``token`` parameter), so a new private link is covered as soon as it exists.
    Put on the ``django.request`` and ``django.server`` loggers, it applies to every handler.
    """

    def __init__(self) -> None:
        super().__init__()
        self._patterns: list[re.Pattern[str]] | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if self._patterns is None:
            self._patterns = private_link_patterns()
        message = original = record.getMessage()
        for pattern in self._patterns:
            message = pattern.sub(_hide_token, message)
        if message != original:
            record.msg, record.args = message, ()
        return True


def _hide_token(match: re.Match[str]) -> str:
    start, end = match.start("token") - match.start(), match.end("token") - match.start()
    return match.group(0)[:start] + HIDDEN + match.group(0)[end:]


def private_link_patterns() -> list[re.Pattern[str]]:
    """A pattern per route with a ``token`` parameter, finding that route's paths anywhere in a line."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: list[re.Pattern[str]] = []

    def walk(entries: Iterable[URLPattern | URLResolver], prefix: str) -> None:
        for entry in entries:
            regex = entry.pattern.regex
            body = regex.pattern.removeprefix("^").removesuffix(r"\Z").removesuffix("$")
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + body)
            elif "token" in regex.groupindex:
                found.append(re.compile("/" + prefix + body))

    walk(get_resolver().url_patterns, "")
    return found
