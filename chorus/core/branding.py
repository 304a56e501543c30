"""The organisation's name, for what is made outside a page: emails.

The name is an editor's setting in ``chorus.pages``; core imports no app, so pages registers
where to read it in its ``ready()`` (as apps register sections and outbox composers). Until
then, and if reading it fails, the name is ``WAGTAIL_SITE_NAME``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import DatabaseError

logger = logging.getLogger(__name__)

name_sources: list[Callable[[], str]] = []


def register_organisation_name(source: Callable[[], str]) -> None:
    """Called once, by the app that holds the organisation's settings."""
    name_sources[:] = [source]


def organisation_name() -> str:
    for source in name_sources:
        try:
            name = source()
        except DatabaseError:
            # An email is still worth sending under the configured name.
            logger.warning("The organisation's name could not be read; emails use WAGTAIL_SITE_NAME.")
            break
        if name:
            return name
    return str(settings.WAGTAIL_SITE_NAME)
