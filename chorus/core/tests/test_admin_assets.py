"""Our own static files on Wagtail's admin pages: the staff stylesheet and the script
that names rich-text editors (what they do is checked in a real browser, in e2e/)."""

from __future__ import annotations

import pytest

from chorus.accounts.models import User
from chorus.pages.tests.factories import StandardPageFactory, make_site
from conftest import client_for

pytestmark = pytest.mark.django_db

STYLESHEET = '<link rel="stylesheet" href="/static/css/staff.css">'
SCRIPT = '<script src="/static/js/editor-field-names.js" defer></script>'


def test_the_dashboard_and_the_page_editor_load_both(editor: User) -> None:
    page = StandardPageFactory(parent=make_site(), body=[("paragraph", "<p>Text.</p>")])
    client = client_for(editor)
    for url in ("/admin/", f"/admin/pages/{page.pk}/edit/"):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert STYLESHEET in body and SCRIPT in body, url
