"""An action's Easy Read version: pictures, its own short sign form, and the editor's warning."""

from __future__ import annotations

import html
import re
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from wagtail.rich_text import RichText

from chorus.accounts.models import User
from chorus.campaigns import views
from chorus.campaigns.models import DisplayChoice, Signature, SignatureKind, SignatureStatus
from chorus.campaigns.tests.factories import letter, petition
from chorus.campaigns.tests.test_views import form_data
from chorus.campaigns.workflow import ActionState
from chorus.pages.blocks import picture_sentences
from conftest import client_for

pytestmark = pytest.mark.django_db

EASY = [("camera", "Some wards have cameras."), ("pen", "You can sign our letter.")]


@pytest.fixture
def signed_slowly(settings: Any) -> None:
    settings.CHORUS_MIN_FORM_FILL_SECONDS = 0


def field_names(page: str) -> set[str]:
    """The names of the fields a person fills in on the signing form (not the site search)."""
    form = page[page.index('<form method="post"') :]
    form = form[: form.index("</form>")]
    return set(re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"', form)) - {"website", "form_started"}


def test_the_easy_read_version_shows_pictures_and_leads_to_the_short_form(index: Any, client: Client) -> None:
    action = letter(index, easy_read_summary=picture_sentences(*EASY))
    response = client.get(action.url + "easy-read/")
    page = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert 'alt="A camera"' in page and "Some wards have cameras." in page
    assert f'href="{action.url}easy-read/sign/"' in page
    assert "OpenMoji" in page[page.index("<footer") :]


def test_the_short_form_asks_less_in_plain_words(index: Any, client: Client) -> None:
    for action in (
        letter(index, easy_read_summary=picture_sentences(*EASY)),
        petition(index, easy_read_summary=picture_sentences(*EASY), collect_postcode=True),
    ):
        full = client.get(action.url + "sign/").content.decode()
        short_response = client.get(action.url + "easy-read/sign/")
        short = short_response.content.decode()
        assert short_response.status_code == 200 and not short_response.cookies
        assert field_names(short) == {"name", "email", "show_name"}
        assert field_names(short) < field_names(full)
        assert f'action="/campaigns/{action.pk}/easy-read/sign/"' in short
        assert "Press the button in it. Then your name counts." in short
        assert 'alt="An email"' in short


def test_the_short_form_is_only_where_there_is_an_easy_read_version(index: Any, client: Client) -> None:
    action = letter(index)
    assert client.get(action.url + "easy-read/sign/").status_code == 404
    assert client.get(f"/campaigns/{action.pk}/easy-read/sign/").status_code == 404


def test_a_closed_action_takes_no_signature_from_the_short_form(index: Any, client: Client) -> None:
    action = letter(index, easy_read_summary=picture_sentences(*EASY), state=ActionState.CLOSED)
    assert "not open for signatures" in client.get(action.url + "easy-read/sign/").content.decode()


def test_signing_with_the_short_form_uses_the_same_service_flow_and_email(
    index: Any, client: Client, signed_slowly: None, django_capture_on_commit_callbacks: Any
) -> None:
    action = letter(index, easy_read_summary=picture_sentences(*EASY))
    full_url, short_url = action.url + "sign/", action.url + "easy-read/sign/"
    with django_capture_on_commit_callbacks(execute=True):
        full = client.post(
            full_url, form_data(client, full_url, kind="individual", name="Al Ng", email="al@example.org")
        )
        short = client.post(
            f"/campaigns/{action.pk}/easy-read/sign/",
            form_data(client, short_url, name="Bo Kay", email="bo@example.org", show_name="on"),
        )
    # The same next page, the same kind of row, the same confirmation email.
    assert short.status_code == full.status_code == 302
    assert short["Location"] == full["Location"] == action.url + "sign/check-your-email/"
    signed = {signature.name: signature for signature in Signature.objects.filter(action=action)}
    assert set(signed) == {"Al Ng", "Bo Kay"}
    short_signature = signed["Bo Kay"]
    assert short_signature.kind == SignatureKind.INDIVIDUAL and short_signature.status == SignatureStatus.PENDING
    assert short_signature.display == DisplayChoice.FIRST_NAME_INITIAL  # they ticked "show my name"
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == mail.outbox[1].subject
    assert "/campaigns/confirm/" in str(mail.outbox[1].body)


def test_the_short_form_hands_its_details_to_signature_submit(index: Any, client: Client, signed_slowly: None) -> None:
    action = letter(index, easy_read_summary=picture_sentences(*EASY))
    url = action.url + "easy-read/sign/"
    with mock.patch.object(views, "signature_submit") as submit:
        response = client.post(url, form_data(client, url, name="Bo Kay", email="bo@example.org"))
    assert response.status_code == 302
    (call,) = submit.call_args_list
    details = call.kwargs["details"]
    assert (details.name, details.email, details.wants_bulletin, details.wants_updates) == (
        "Bo Kay",
        "bo@example.org",
        False,
        False,
    )


def test_a_mistake_on_the_short_form_is_explained_and_never_cached(
    index: Any, client: Client, signed_slowly: None
) -> None:
    action = letter(index, easy_read_summary=picture_sentences(*EASY))
    url = action.url + "easy-read/sign/"
    response = client.post(url, form_data(client, url, name="Bo Kay", email="not an address"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "Check your email address. It looks like name@example.org." in page
    assert 'value="Bo Kay"' in page
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert not Signature.objects.exists()


def test_editor_sees_the_warning_under_a_campaigns_easy_read_version(editor: User, index: Any) -> None:
    action = letter(
        index, easy_read_summary=[("paragraph", RichText("<p>The consultation asks about accountability.</p>"))]
    )
    page = html.unescape(client_for(editor).get(f"/admin/pages/{action.pk}/edit/").content.decode())
    assert "Long words: consultation, accountability." in page
