"""The delivery pack names who sends it and how to reach them, and is set in one typeface."""

from __future__ import annotations

import re
import zlib
from typing import Any

import pytest
from django.template.loader import render_to_string

from chorus.campaigns.delivery_packs import delivery_pack_context, delivery_pack_render
from chorus.campaigns.tests.factories import letter
from chorus.core import branding
from chorus.pages.models import OrganisationSettings

pytestmark = pytest.mark.django_db

BASE_FONT = re.compile(rb"/BaseFont\s*/(?:[A-Z]{6}\+)?([A-Za-z0-9-]+)")
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
# A weight or slant of one typeface is still that typeface: "DejaVu-Sans-Bold" is "DejaVu-Sans".
STYLE = re.compile(r"-(Bold|Oblique|Italic|Light|ExtraLight|BoldOblique|BoldItalic|Condensed)+$")


def _fonts(pdf: bytes) -> set[str]:
    """Every font the PDF uses, by family (subset prefixes and weights set aside)."""
    found = set(BASE_FONT.findall(pdf))
    for stream in STREAM.findall(pdf):
        try:
            found |= set(BASE_FONT.findall(zlib.decompress(stream)))
        except zlib.error:
            continue
    return {STYLE.sub("", name.decode()) for name in found}


@pytest.fixture
def organisation(db: Any) -> OrganisationSettings:
    settings = OrganisationSettings.load()
    settings.name = "Voices in Mind"
    settings.contact_email = "campaigns@voicesinmind.example"
    settings.registered_address = "1 High Street\nLeeds LS1 1AA"
    settings.charity_number = "1234567"
    settings.save()
    return settings


def test_the_pack_names_the_sender_and_a_contact(index: Any, organisation: Any) -> None:
    action = letter(index)
    html = render_to_string("campaigns/admin/delivery_pack.html", delivery_pack_context(action=action))
    assert "From Voices in Mind" in html
    assert 'href="mailto:campaigns@voicesinmind.example"' in html
    assert "1 High Street" in html and "Registered charity 1234567" in html


def test_without_a_contact_address_the_pack_gives_the_website(index: Any, settings: Any) -> None:
    settings.SITE_URL = "https://voices.example"
    action = letter(index)
    html = render_to_string("campaigns/admin/delivery_pack.html", delivery_pack_context(action=action))
    assert f"From {branding.organisation_sender().name}" in html
    assert "mailto:" not in html
    assert "https://voices.example" in html


def test_the_sender_falls_back_to_the_site_name_when_settings_cannot_be_read(settings: Any) -> None:
    from django.db import DatabaseError

    def unreadable() -> branding.Sender:
        raise DatabaseError("gone")

    settings.WAGTAIL_SITE_NAME = "Configured name"
    registered = list(branding.sender_sources)
    branding.register_organisation_sender(unreadable)
    try:
        assert branding.organisation_sender() == branding.Sender(name="Configured name")
    finally:
        branding.sender_sources[:] = registered


def test_the_pdf_uses_one_typeface_throughout(index: Any, organisation: Any) -> None:
    pdf, _ = delivery_pack_render(action=letter(index))
    # Before, the page numbers in the margin came out in a serif face and the rest in a sans.
    assert _fonts(pdf) == {"DejaVu-Sans"}
