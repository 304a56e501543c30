"""The organisation's name and details, for what is made outside a page: emails, the PDF
delivery pack.

They are an editor's settings in ``chorus.pages``; core imports no app, so pages registers
where to read them in its ``ready()`` (as apps register sections and outbox composers). Until
then, and if reading them fails, the name is ``WAGTAIL_SITE_NAME`` and the details are empty.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Sender:
    """Who sends what Chorus makes, and how to reach them (an empty field: not set)."""

    name: str
    contact_email: str = ""
    address: str = ""
    charity_number: str = ""
    company_number: str = ""


sender_sources: list[Callable[[], Sender]] = []


def register_organisation_sender(source: Callable[[], Sender]) -> None:
    """Called once, by the app that holds the organisation's settings."""
    sender_sources[:] = [source]


def organisation_sender() -> Sender:
    for source in sender_sources:
        try:
            sender = source()
        except DatabaseError:
            # A pack is still worth making under the configured name.
            logger.warning("The organisation's details could not be read; WAGTAIL_SITE_NAME is used.")
            break
        if sender.name:
            return sender
    return Sender(name=str(settings.WAGTAIL_SITE_NAME))
