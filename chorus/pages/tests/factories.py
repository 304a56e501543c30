"""Factories for the page tree. Tests build only what they need."""

from __future__ import annotations

import factory
import wagtail_factories
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from chorus.pages.models import (
    Coalition,
    CoalitionIndexPage,
    HomePage,
    PriorityAreaIndexPage,
    PriorityAreaPage,
    StandardPage,
)


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Chorus"
    intro = "A user-led network working on mental-health policy."

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Standard page {n}")
    intro = "An introduction."

    class Meta:
        model = StandardPage


class PriorityAreaIndexPageFactory(wagtail_factories.PageFactory):
    title = "Our priorities"

    class Meta:
        model = PriorityAreaIndexPage


class PriorityAreaPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Priority area {n}")
    summary = "What this area is about."

    class Meta:
        model = PriorityAreaPage


class CoalitionIndexPageFactory(wagtail_factories.PageFactory):
    title = "Coalitions"

    class Meta:
        model = CoalitionIndexPage


class CoalitionFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Coalition {n}")
    slug = factory.Sequence(lambda n: f"coalition-{n}")
    description = "A group of organisations working together."
    our_role = "We are a member."

    class Meta:
        model = Coalition


def make_site() -> HomePage:
    """A default site whose root is a fresh home page, replacing Wagtail's welcome page."""
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    root = Page.get_first_root_node()
    if root is None:  # a transactional test flushed the tree that migrations made
        root = Page.add_root(
            instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page))
        )
    home = HomePageFactory(parent=root)
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Chorus")
    return home
