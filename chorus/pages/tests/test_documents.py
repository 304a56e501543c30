"""Documents editors upload are office files: HTML, SVG and other files a browser would run are refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.documents import get_document_model
from wagtail.models import Collection

from conftest import client_for

pytestmark = pytest.mark.django_db

Document = get_document_model()

HOSTILE = {
    "page.html": b"<!doctype html><script>alert(document.cookie)</script>",
    "picture.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "page.htm": b"<script>alert(1)</script>",
    "page.xhtml": b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
    "feed.xml": b"<?xml version='1.0'?><x/>",
    "code.js": b"alert(1)",
}


@pytest.fixture
def uploader(db: Any) -> Any:
    """Someone who may upload documents. A superuser: the refusal is for everyone, whatever the role."""
    from chorus.accounts.models import User

    return User.objects.create_superuser(username="sam-superuser", password="correct-horse-battery")


def _upload(client: Any, name: str, content: bytes) -> Any:
    return client.post(
        "/admin/documents/add/",
        {
            "title": name,
            "file": SimpleUploadedFile(name, content),
            "collection": Collection.get_first_root_node().pk,
        },
    )


def test_the_allow_list_has_no_format_a_browser_runs() -> None:
    allowed = set(settings.WAGTAILDOCS_EXTENSIONS)
    assert "pdf" in allowed and "docx" in allowed and "odt" in allowed
    assert not allowed & {"html", "htm", "xhtml", "svg", "svgz", "xml", "js", "mjs", "swf", "shtml"}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_uploading_a_document_a_browser_would_run_is_refused(name: str, uploader: Any) -> None:
    response = _upload(client_for(uploader), name, HOSTILE[name])
    assert response.status_code == 200  # the form again, with the error
    assert "File extension" in response.content.decode() and "is not allowed" in response.content.decode()
    assert not Document.objects.exists()


def test_uploading_a_pdf_is_accepted(uploader: Any) -> None:
    response = _upload(client_for(uploader), "briefing.pdf", b"%PDF-1.7\n%%EOF\n")
    assert response.status_code == 302
    assert Document.objects.get().title == "briefing.pdf"


def test_the_multiple_upload_screen_refuses_html_too(uploader: Any) -> None:
    response = client_for(uploader).post(
        "/admin/documents/multiple/add/",
        {"files[]": SimpleUploadedFile("page.html", HOSTILE["page.html"])},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    assert response.status_code == 200
    assert response.json()["success"] is False
    assert not Document.objects.exists()
