"""Staff at work in a real browser, each signed in with their own role (never as a superuser):
a caseworker triages a request from the home page's panel, and a campaigner moderates
organisations and downloads the signatories. axe runs on every staff page they open, and
each walk takes the staff guide's pictures (``guide_picture``). The editor's walk, a test
then the issue through the confirmation, is in e2e/test_bulletin.py."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page

from chorus.campaigns.admin_views import CSV_HEADER
from chorus.campaigns.models import DisplayChoice, Moderation, Signature, SignatureKind, SignatureStatus
from chorus.campaigns.selectors import consent_scope
from chorus.campaigns.tests.factories import CampaignIndexPageFactory, OpenLetterPageFactory
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from chorus.people.models import ConsentPurpose
from chorus.people.services import consent_give, person_get_or_create
from chorus.support.models import CannedReply, Message, MessageKind, SupportRequest
from chorus.support.tests.factories import make_request
from chorus.support.workflow import Status
from e2e.conftest import assert_accessible, guide_picture, sign_in_as_staff, tab_to, wait_for_mail

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MEMBER = "member@example.org"


def _history(page: Page) -> str:
    return page.locator("main h2:text-is('History') + ul").inner_text()


def test_a_caseworker_triages_a_request_from_the_home_page(
    page: Page, live_server: Any, caseworker: Any, settings: Any
) -> None:
    settings.CHORUS_MIN_FORM_FILL_SECONDS = 0
    base = live_server.url
    home = make_site()
    areas = PriorityAreaIndexPageFactory(parent=home)
    benefits = PriorityAreaPageFactory(parent=areas, title="Benefits")
    PriorityAreaPageFactory(parent=areas, title="Surveillance")
    support_request, _ = make_request(email=MEMBER, priority_area_id=benefits.pk)
    CannedReply.objects.create(title="Which trust?", text="Thank you for telling us. Which trust runs it?")
    mail.outbox = []
    sign_in_as_staff(page, caseworker, base)

    # The home page's panel says what needs the desk, and each line links to its list.
    page.goto(base + "/admin/")
    panel = page.locator("section[aria-labelledby='dashboard-support']")
    assert "Support desk" in panel.inner_text()
    new_line = panel.locator("a[href='/admin/support/?status=new']")
    assert new_line.inner_text().split() == ["1", "new", "requests", "to", "triage"]
    assert_accessible(page)
    guide_picture(page, "caseworker-home-panel.png")

    # By keyboard, as someone who does not use a mouse would.
    tab_to(page, "main a[href='/admin/support/?status=new']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/admin/support/?status=new")
    assert page.input_value("select[name=status]") == Status.NEW
    assert support_request.reference in page.inner_text("table.support-queue")
    assert_accessible(page)
    guide_picture(page, "support-queue-new-requests.png")
    tab_to(page, f"main a[href='/admin/support/{support_request.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_selector("h2:has-text('What they told us')")
    assert_accessible(page)

    # Take it on.
    page.select_option("#id_assignee", value=str(caseworker.pk))
    page.click("main form:has(#id_assignee) button[type=submit]")
    page.wait_for_selector("text=Assignment saved.")
    assert_accessible(page)
    assert caseworker.username in page.locator("dt:text-is('Assigned to') + dd").inner_text()

    # The member chose the wrong priority area.
    page.select_option("#id_priority_area", label="Surveillance")
    page.click("main button:has-text('Save the correction')")
    page.wait_for_selector("text=Corrected: Priority area: Benefits → Surveillance")
    assert_accessible(page)
    assert page.locator("dt:text-is('Priority area') + dd").inner_text() == "Surveillance"

    # A canned reply goes into the message box, is made to fit, and is sent by keyboard.
    page.select_option("#canned-reply", label="Which trust?")
    page.focus("#canned-reply")
    tab_to(page, "main button:has-text('Insert into the message')")
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('id_body').value.startsWith('Thank you for telling us')")
    assert page.evaluate("document.activeElement.id") == "id_body"  # ready to edit
    page.keyboard.press("Control+End")
    page.keyboard.type(" Is it the ward in Leeds?")
    guide_picture(page, "support-request-write.png", showing="#write-heading")
    tab_to(page, "main button[name=internal][value=message]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Message sent to the member.")
    assert_accessible(page)
    conversation = page.locator("section.support-conversation").inner_text()
    assert "Which trust runs it? Is it the ward in Leeds?" in conversation

    # The member is emailed that there is a message, never the message itself.
    [notice] = wait_for_mail(MEMBER, subject="new message")
    assert notice.subject == f"You have a new message from Chorus ({support_request.reference})"
    assert "/support/request/" in notice.body
    assert "Which trust" not in notice.body

    page.fill("#id_body", "Rang the ward manager: she will call back on Monday.")
    page.click("main button[name=internal][value=note]")
    page.wait_for_selector("text=Internal note added.")
    assert "she will call back on Monday" in page.locator("section.support-notes").inner_text()
    assert_accessible(page)

    page.click("main button[name=transition][value=start]")
    page.wait_for_selector("text=Status changed.")
    assert_accessible(page)
    history = _history(page)
    assert f"Start work (New → In progress) by {caseworker.username}" in history
    assert "Type or priority area corrected (Priority area: Benefits → Surveillance)" in history
    guide_picture(page, "support-request-history.png", showing="main h2:text-is('History')")

    support_request.refresh_from_db()
    assert support_request.status == Status.IN_PROGRESS
    assert support_request.assignee_id == caseworker.pk
    assert support_request.priority_area is not None and support_request.priority_area.title == "Surveillance"
    kinds = set(Message.objects.filter(support_request=support_request).values_list("kind", flat=True))
    assert kinds == {MessageKind.TO_MEMBER, MessageKind.INTERNAL_NOTE}
    # The note stays with staff: the member was told of one new message, not two.
    assert len(wait_for_mail(MEMBER, subject="new message")) == 1
    assert SupportRequest.objects.count() == 1


def _organisation(letter: Any, *, name: str, contact: str, email: str) -> Signature:
    person, _ = person_get_or_create(email=email)
    return Signature.objects.create(
        action=letter, person=person, name=contact, contact=contact, kind=SignatureKind.ORGANISATION,
        organisation=name, organisation_type="user_led", moderation=Moderation.PENDING,
        display=DisplayChoice.NOT_LISTED, status=SignatureStatus.CONFIRMED, confirmed_at=timezone.now(),
    )  # fmt: skip


def test_a_campaigner_moderates_then_downloads_the_signatories(page: Page, live_server: Any, campaigner: Any) -> None:
    base = live_server.url
    index = CampaignIndexPageFactory(parent=make_site())
    letter = OpenLetterPageFactory(parent=index, title="Cameras off our wards", slug="cameras-off")
    welcome = _organisation(letter, name="Peer Voices", contact="Jo Peer", email="peer@example.org")
    turned_down = _organisation(letter, name="Totally Real Charity", contact="A. Nonymous", email="real@example.org")
    person, _ = person_get_or_create(email="robin@example.org")
    Signature.objects.create(
        action=letter, person=person, name="Robin Ash", display=DisplayChoice.FULL_NAME,
        status=SignatureStatus.CONFIRMED, confirmed_at=timezone.now(),
    )  # fmt: skip
    consent_give(
        person=person, purpose=ConsentPurpose.PUBLISH_NAME, wording="Show my name", wording_version="t",
        source="test", scope=consent_scope(letter.pk),
    )  # fmt: skip
    sign_in_as_staff(page, campaigner, base)

    moderation_url = f"/admin/campaigns/{letter.pk}/moderation/"
    page.goto(base + "/admin/")
    panel = page.locator("section[aria-labelledby='dashboard-campaigns']")
    line = panel.locator(f"a[href='{moderation_url}']")
    assert line.inner_text().split()[:4] == ["2", "organisations", "awaiting", "moderation"]
    assert_accessible(page)
    guide_picture(page, "campaigner-home-panel.png")

    tab_to(page, f"main a[href='{moderation_url}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{moderation_url}")
    assert page.locator("main table caption").first.inner_text() == "Organisations waiting (2)"
    assert_accessible(page)
    guide_picture(page, "campaign-moderation.png")

    page.check(f"#sig-{welcome.pk}")
    page.click(f"main form:has(#sig-{welcome.pk}) button[value=approve]")
    page.wait_for_selector("text=1 organisation approved.")
    assert_accessible(page)
    page.check(f"#sig-{turned_down.pk}")
    page.click(f"main form:has(#sig-{turned_down.pk}) button[value=reject]")
    page.wait_for_selector("text=1 organisation rejected.")
    assert "No organisations are waiting." in page.inner_text("main")
    assert_accessible(page)
    welcome.refresh_from_db()
    turned_down.refresh_from_db()
    assert (welcome.moderation, turned_down.moderation) == (Moderation.APPROVED, Moderation.REJECTED)

    page.click("main a:has-text('Back to the dashboard')")
    page.wait_for_url(f"**/admin/campaigns/{letter.pk}/")
    assert_accessible(page)
    guide_picture(page, "campaign-dashboard-delivery.png", showing="main h2:text-is('Delivery')")
    with page.expect_download() as download_info:
        tab_to(page, f"main a[href='/admin/campaigns/{letter.pk}/signatories.csv']", max_presses=200)
        page.keyboard.press("Enter")
    download = download_info.value
    assert download.suggested_filename == "signatories-cameras-off.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == CSV_HEADER
    assert sorted(row[:2] for row in rows[1:]) == [
        ["Peer Voices", SignatureKind.ORGANISATION.label],
        ["Robin Ash", SignatureKind.INDIVIDUAL.label],
    ]
    everything = "\n".join(",".join(row) for row in rows)
    assert "Totally Real Charity" not in everything  # rejected: never listed as an organisation
    assert "@" not in everything and "Jo Peer" not in everything  # no addresses, no contact people

    page.click(f"main a[href='/admin/campaigns/{letter.pk}/delivery-packs/']")
    page.wait_for_url(f"**/admin/campaigns/{letter.pk}/delivery-packs/")
    assert_accessible(page)
    guide_picture(page, "campaign-delivery-packs.png")
