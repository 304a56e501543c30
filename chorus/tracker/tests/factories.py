"""Factories for tracked items, their windows and stages, our responses and the tracker page."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import factory
import wagtail_factories

from chorus.tracker.models import (
    ItemKind,
    Response,
    ResponseStatus,
    Stage,
    StageName,
    SubmissionWindow,
    TrackedItem,
    TrackerPage,
)

LONDON = ZoneInfo("Europe/London")


def london(*args: int) -> datetime.datetime:
    """An aware datetime in UK local time, e.g. london(2026, 10, 25, 23, 59)."""
    return datetime.datetime(*args, tzinfo=LONDON)  # type: ignore[misc]


class TrackerPageFactory(wagtail_factories.PageFactory):
    title = "Policy tracker"
    slug = "tracker"
    intro = "Consultations, inquiries and bills we follow."

    class Meta:
        model = TrackerPage


class TrackedItemFactory(factory.django.DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Consultation on care {n}")
    slug = factory.Sequence(lambda n: f"consultation-on-care-{n}")
    kind = ItemKind.CONSULTATION
    owner_body = "Department of Health and Social Care"
    summary = "The government wants views on how care is arranged."
    source_url = "https://www.gov.uk/government/consultations/example"
    respond_url = "https://www.gov.uk/government/consultations/example/respond"

    class Meta:
        model = TrackedItem


class SubmissionWindowFactory(factory.django.DjangoModelFactory):
    item = factory.SubFactory(TrackedItemFactory)
    label = "Consultation"
    opens_at = factory.LazyFunction(lambda: london(2026, 10, 1, 9, 0))
    closes_at = factory.LazyFunction(lambda: london(2026, 12, 1, 23, 59))

    class Meta:
        model = SubmissionWindow


class StageFactory(factory.django.DjangoModelFactory):
    item = factory.SubFactory(TrackedItemFactory)
    name = StageName.OPENED
    date = datetime.date(2026, 10, 1)

    class Meta:
        model = Stage


class ResponseFactory(factory.django.DjangoModelFactory):
    item = factory.SubFactory(TrackedItemFactory)
    status = ResponseStatus.PLANNED

    class Meta:
        model = Response
