"""Urgent help, the organisation's own face, the privacy notice and the accessibility statement."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import dateformat, timezone
from django.utils.html import escape

from chorus.pages.colours import contrast_ratio
from chorus.pages.models import (
    AccessibilityStatementSettings,
    HelpNowSettings,
    OrganisationSettings,
    validate_accent_colour,
)
from chorus.pages.privacy_notice import NOTICE, period_in_words
from chorus.pages.tests.factories import StandardPageFactory, make_site
from chorus.support.models import SupportPage
from chorus.support.tests.factories import make_request

pytestmark = pytest.mark.django_db

DATA_PROTECTION = Path(__file__).resolve().parents[3] / "docs" / "data-protection.md"
HELP_LINKS = ['href="tel:999"', 'href="tel:111"', 'href="tel:116123"', 'href="sms:85258?body=SHOUT"']


def _page(url: str) -> str:
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _words(html: str) -> str:
    return " ".join(html.split())


def _shows_help_panel(html: str) -> bool:
    return 'id="need-help-now"' in html and all(link in html for link in HELP_LINKS)


# --- "Need help now?" -------------------------------------------------------------------------


def test_the_help_page_gives_each_service_with_a_link_that_calls_or_texts_it() -> None:
    make_site()
    html = _page("/help-now/")
    assert _shows_help_panel(html)
    assert '<h1 id="help-now-heading">Need help now?</h1>' in html
    assert "not a crisis service" in html
    assert "option 2" in html and "Samaritans" in html and "Shout" in html


def test_every_page_links_to_the_help_page_from_its_footer() -> None:
    make_site()
    for url in ["/", "/privacy-notice/", "/accessibility/"]:
        assert '<a href="/help-now/">Need help now?</a>' in _page(url)


def test_editors_wording_replaces_the_default() -> None:
    make_site()
    help_now = HelpNowSettings.load()
    help_now.heading = "If you need someone now"
    help_now.samaritans_text = "Samaritans listen, day or night:"
    help_now.save()
    html = _page("/help-now/")
    assert "If you need someone now" in html
    assert "Samaritans listen, day or night:" in html


def test_the_support_pages_confirmation_and_private_page_show_the_panel() -> None:
    home = make_site()
    support = SupportPage(title="Get support", slug="get-support", intro="i", alert_text="a", campaign_text="c")
    home.add_child(instance=support)
    support.save_revision().publish()
    _, token = make_request()
    for url in ["/get-support/", "/support/policy-issue/", "/support/campaign/", f"/support/request/{token}/"]:
        assert _shows_help_panel(_page(url)), url


def test_reading_pages_elsewhere_do_not_carry_the_panel() -> None:
    home = make_site()
    StandardPageFactory(parent=home, slug="about", title="About us")
    for url in ["/", "/about/", "/privacy-notice/"]:
        assert not _shows_help_panel(_page(url)), url


# --- The organisation's name, logo, colour and details -------------------------------------------


def test_the_home_page_title_is_the_organisations_name_and_other_pages_end_with_it() -> None:
    home = make_site()
    StandardPageFactory(parent=home, slug="about", title="About us")
    organisation = OrganisationSettings.load()
    organisation.name = "Voices in Mind"
    organisation.save()
    assert "<title>Voices in Mind</title>" in _page("/")
    assert "<title>About us – Voices in Mind</title>" in _page("/about/")
    assert "<title>Privacy notice – Voices in Mind</title>" in _page("/privacy-notice/")


def test_the_header_shows_the_logo_and_name_and_the_footer_the_charity_details() -> None:
    make_site()
    organisation = OrganisationSettings.load()
    organisation.name = "Voices in Mind"
    organisation.charity_number = "1234567"
    organisation.registered_address = "1 High Street\nLeeds LS1 1AA"
    organisation.save()
    html = _page("/")
    header = html.split('<header class="site-header">')[1].split("</header>")[0]
    assert re.search(r'<img class="site-name__logo" src="[^"]*img/logo\.svg" alt="" width="56" height="56">', header)
    assert "Voices in Mind" in header
    footer = html.split('<footer class="site-footer">')[1]
    assert "Registered charity number 1234567" in footer
    assert "1 High Street<br>Leeds LS1 1AA" in footer


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#00703c", "#ffffff", 6.21),
        ("#767676", "#ffffff", 4.54),
    ],
)
def test_contrast_is_computed_as_wcag_defines_it(first: str, second: str, expected: float) -> None:
    assert contrast_ratio(first, second) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(second, first) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize("colour", ["#00703c", "#1d4f91", "#767676", "#000000"])
def test_a_dark_enough_accent_colour_is_accepted(colour: str) -> None:
    validate_accent_colour(colour)


@pytest.mark.parametrize("colour", ["#777777", "#ffdd00", "#4cc38a", "#ffffff", "green", "#12345", "#gggggg"])
def test_an_unreadable_or_malformed_accent_colour_is_refused(colour: str) -> None:
    with pytest.raises(ValidationError):
        validate_accent_colour(colour)


def test_the_settings_form_refuses_a_light_accent_colour() -> None:
    organisation = OrganisationSettings.load()
    organisation.accent_colour = "#ffdd00"
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert "too light" in str(refused.value.message_dict["accent_colour"])


def test_a_chosen_accent_colour_is_served_as_a_stylesheet_of_our_own(django_capture_on_commit_callbacks: Any) -> None:
    make_site()
    assert "organisation.css" not in _page("/")  # the default colour needs no extra request
    organisation = OrganisationSettings.load()
    organisation.accent_colour = "#5A2A82"
    with django_capture_on_commit_callbacks(execute=True):
        organisation.save()  # retires the cached home page
    assert '<link rel="stylesheet" href="/organisation.css?colour=5a2a82">' in _page("/")
    css = Client().get("/organisation.css?colour=5a2a82")
    assert css["Content-Type"].startswith("text/css")
    assert "--accent: #5a2a82;" in css.content.decode()
    assert "prefers-color-scheme: light" in css.content.decode()


def test_a_logo_that_is_not_svg_or_png_is_refused() -> None:
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    image = Image.objects.create(title="Logo", file=get_test_image_file(filename="logo.jpg"))
    organisation = OrganisationSettings.load()
    organisation.logo = image
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean()
    assert "logo" in refused.value.message_dict


# --- Favicon and meta description ---------------------------------------------------------------


def test_every_page_links_its_icons_and_they_are_served(settings: object) -> None:
    make_site()
    html = _page("/")
    assert re.search(r'<link rel="icon" href="[^"]*img/favicon\.svg" type="image/svg\+xml">', html)
    assert re.search(r'<link rel="icon" href="[^"]*img/favicon-32\.png" type="image/png" sizes="32x32">', html)
    static_dir = Path(__file__).resolve().parents[2] / "static" / "img"
    for name in ["favicon.svg", "favicon-32.png", "favicon-180.png", "logo.svg"]:
        assert (static_dir / name).is_file()
    redirect = Client().get("/favicon.ico")
    assert redirect.status_code == 301 and redirect["Location"].endswith("img/favicon-32.png")


def test_the_meta_description_is_the_search_description_else_the_intro_else_the_networks() -> None:
    home = make_site()
    described = StandardPageFactory(
        parent=home, slug="described", intro="Our intro.", search_description="For search."
    )
    introduced = StandardPageFactory(parent=home, slug="introduced", intro="Only an intro here.")
    bare = StandardPageFactory(parent=home, slug="bare", intro="")
    assert '<meta name="description" content="For search.">' in _page(f"/{described.slug}/")
    assert '<meta name="description" content="Only an intro here.">' in _page(f"/{introduced.slug}/")
    network = escape(OrganisationSettings.load().description)
    assert f'<meta name="description" content="{network}">' in _page(f"/{bare.slug}/")
    assert '<meta name="description" content="Where to get urgent' in _page("/help-now/")
    # Search results are kept out of search engines but still describe themselves.
    results = _page("/search/?q=cameras")
    assert f'<meta name="description" content="{network}">' in results
    assert '<meta name="robots" content="noindex">' in results


# --- The privacy notice ---------------------------------------------------------------------------


def _documented_retention_settings() -> set[str]:
    text = DATA_PROTECTION.read_text()
    return set(re.findall(r"`([A-Z][A-Z0-9_]*_(?:DAYS|HOURS|MINUTES|SECONDS))`", text))


def test_the_notice_covers_every_retention_rule_the_data_map_documents() -> None:
    in_notice = {name for entry in NOTICE for name in entry.retention_settings()}
    documented = _documented_retention_settings()
    assert documented, "the data map names no retention settings: has its format changed?"
    assert documented - in_notice == set(), "documented in docs/data-protection.md but missing from the notice"
    assert in_notice - documented == set(), "in the notice but not documented in docs/data-protection.md"


def test_the_data_map_lists_every_section_of_the_notice_with_the_settings_it_states() -> None:
    row = re.compile(r"^\| (.+?) \| \[/privacy-notice/#([a-z-]+)\]\(.*?\) \| (.+?) \|$", re.M)
    rows = row.findall(DATA_PROTECTION.read_text())
    documented = {slug: (feature, set(re.findall(r"`([A-Z0-9_]+)`", names))) for feature, slug, names in rows}
    assert set(documented) == {entry.slug for entry in NOTICE}
    for entry in NOTICE:
        assert documented[entry.slug] == (entry.feature, set(entry.retention_settings())), entry.slug


def test_the_notice_shows_each_feature_with_the_periods_configured() -> None:
    make_site()
    with override_settings(CHORUS_CAMPAIGNS_RETENTION_DAYS=90, SESSION_COOKIE_AGE=3600):
        html = _page("/privacy-notice/")
    for entry in NOTICE:
        assert f'<h2 id="{entry.slug}">{escape(entry.feature)}</h2>' in html
    assert "Until 90 days after the letter or petition closes" in html
    assert "signed out after 1 hour without activity" in html
    assert "{" not in html.split("<main")[1].split("</main>")[0]
    assert 'href="/privacy/"' in html


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("CHORUS_CAMPAIGNS_RETENTION_DAYS", 1, "1 day"),
        ("CHORUS_CAMPAIGNS_PACK_KEEP_HOURS", 24, "24 hours"),
        ("CHORUS_PRIVACY_LINK_MINUTES", 60, "60 minutes"),
        ("STAFF_SESSION_MAX_SECONDS", 43200, "12 hours"),
        ("STAFF_SESSION_MAX_SECONDS", 1800, "30 minutes"),
    ],
)
def test_periods_are_said_in_words(name: str, value: int, words: str) -> None:
    setting = "SESSION_COOKIE_AGE" if name == "STAFF_SESSION_IDLE_SECONDS" else name
    with override_settings(**{setting: value}):
        assert period_in_words(name) == words


def test_every_page_links_the_privacy_notice_and_accessibility_statement_from_its_footer() -> None:
    make_site()
    footer = _page("/").split('<footer class="site-footer">')[1]
    assert '<a href="/privacy-notice/">Privacy notice</a>' in footer
    assert '<a href="/accessibility/">Accessibility statement</a>' in footer


# --- The accessibility statement ------------------------------------------------------------------


def test_the_accessibility_statement_follows_the_gov_uk_model() -> None:
    make_site()
    html = _words(_page("/accessibility/"))
    for heading in [
        "Compliance status",
        "Content that is not accessible",
        "Asking for another format",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "How we tested this website",
        "Preparation of this statement",
    ]:
        assert f">{heading}</h2>" in html, heading
    assert "Equality and Human Rights Commission (EHRC)" in html
    assert "Equality Commission for Northern Ireland (ECNI)" in html
    assert f"prepared on {dateformat.format(timezone.localdate(), 'j F Y')}" in html


def test_editors_change_the_accessibility_statement() -> None:
    make_site()
    statement = AccessibilityStatementSettings.load()
    statement.body = "<h2>Compliance status</h2><p>Partially compliant: two known problems.</p>"
    statement.save()
    assert "Partially compliant: two known problems." in _page("/accessibility/")


# --- Every form links the privacy notice ----------------------------------------------------------


def test_every_public_form_links_the_privacy_notice_for_its_feature() -> None:
    from chorus.campaigns.tests.factories import letter, make_campaigns

    action = letter(make_campaigns())  # builds the site too
    _, token = make_request()
    for url, section in [
        ("/support/policy-issue/", "support"),
        ("/support/campaign/", "support"),
        (f"/support/request/{token}/", "support"),
        (f"/campaigns/{action.pk}/sign/", "signing"),
        ("/bulletin/subscribe/", "bulletin"),
        ("/privacy/", "privacy-requests"),
    ]:
        html = _page(url)
        form_end = html.index("</form>", html.index('method="post"'))
        assert f'<a href="/privacy-notice/#{section}">how we use your data</a>' in html[form_end:], url


def test_the_bulletins_how_we_use_your_data_link_goes_to_the_privacy_notice() -> None:
    make_site()
    html = _page("/bulletin/subscribe/")
    assert '<a href="/privacy-notice/#bulletin">how we use your data</a>' in html
    assert '<a href="/privacy/">how we use your data</a>' not in html


def test_the_demo_loads_the_settings_and_keeps_an_editors_changes() -> None:
    from chorus.pages.demo import load_settings

    load_settings()
    organisation = OrganisationSettings.load()
    assert organisation.name == "Chorus Network"
    assert organisation.charity_number and organisation.registered_address and organisation.contact_email
    assert HelpNowSettings.objects.get().heading == "Need help now?"
    assert "Enforcement procedure" in AccessibilityStatementSettings.objects.get().body
    organisation.charity_number = "7654321"
    organisation.save()
    load_settings()
    assert OrganisationSettings.load().charity_number == "7654321"
    assert OrganisationSettings.objects.count() == 1


# --- Emails carry the organisation's name ------------------------------------------------------


def test_emails_carry_the_organisations_name_in_their_layout() -> None:
    from chorus.core.mail import render_email

    organisation = OrganisationSettings.load()
    organisation.name = "Voices in Mind"
    organisation.save()
    rendered = render_email(template="core/email/audit_log_mismatch", context={})
    assert '<p class="email-masthead"' in rendered.html
    assert "Voices in Mind</p>" in rendered.html


def test_emails_fall_back_to_the_configured_name_when_the_setting_cannot_be_read() -> None:
    from django.db import DatabaseError

    from chorus.core import branding

    def unreadable() -> str:
        raise DatabaseError("database is locked")

    registered = list(branding.name_sources)
    branding.register_organisation_name(unreadable)
    try:
        with override_settings(WAGTAIL_SITE_NAME="Configured name"):
            assert branding.organisation_name() == "Configured name"
    finally:
        branding.name_sources[:] = registered
    assert branding.organisation_name() == "Chorus Network"
