"""The Content-Security-Policy: strict everywhere, with two exceptions for signed-in staff
in Wagtail's admin (its inline scripts and styles, and the live preview's frame)."""

from __future__ import annotations

import pytest
from django.test import Client

from chorus.accounts.models import User
from chorus.pages.tests.factories import StandardPageFactory, make_site
from conftest import client_for

pytestmark = pytest.mark.django_db


def _directives(policy: str) -> dict[str, str]:
    directives = {}
    for part in filter(None, (part.strip() for part in policy.split(";"))):
        name, _, value = part.partition(" ")
        directives[name] = value
    return directives


def test_the_live_preview_may_be_framed_by_the_site_itself(editor: User) -> None:
    page = StandardPageFactory(parent=make_site(), body=[("paragraph", "<p>Text.</p>")])
    client = client_for(editor)
    preview_url = f"/admin/pages/{page.pk}/edit/preview/"
    # The editor posts its form to the preview first; the frame then loads it with GET.
    form = {"title": page.title, "slug": page.slug, "body-count": "0"}
    assert client.post(preview_url, form).status_code == 200
    preview = client.get(preview_url)
    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert _directives(preview["Content-Security-Policy"])["frame-ancestors"] == "'self'"

    editor_page = client.get(f"/admin/pages/{page.pk}/edit/")
    assert editor_page["X-Frame-Options"] == "DENY"
    assert _directives(editor_page["Content-Security-Policy"])["frame-ancestors"] == "'none'"


def test_signed_in_staff_get_inline_scripts_and_styles_in_the_admin_only(editor: User) -> None:
    make_site()
    client = client_for(editor)
    admin = _directives(client.get("/admin/")["Content-Security-Policy"])
    assert admin["script-src"] == "'self' 'unsafe-inline'"
    assert admin["style-src"] == "'self' 'unsafe-inline'"
    assert admin["default-src"] == "'self'" and admin["connect-src"] == "'self'"  # nothing else leaves the site
    # The public site stays strict for the same signed-in person.
    public = _directives(client.get("/")["Content-Security-Policy"])
    assert public["script-src"] == "'self'" and public["style-src"] == "'self'"


def test_the_sign_in_page_and_public_pages_keep_the_strict_policy(client: Client) -> None:
    make_site()
    for url in ("/admin/login/", "/"):
        response = client.get(url)
        policy = _directives(response["Content-Security-Policy"])
        assert policy["script-src"] == "'self'", url
        assert policy["style-src"] == "'self'", url
        assert policy["frame-ancestors"] == "'none'" and response["X-Frame-Options"] == "DENY", url
