"""The support desk in a real browser: a member sends an alert by keyboard alone, a caseworker
answers on the triage desk, and the member replies through the private link. axe on every page."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page

from chorus.accounts.models import User
from chorus.accounts.roles import CASEWORKER
from chorus.accounts.services import roles_sync
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory, make_site
from chorus.support.models import CannedReply, Message, MessageAuthor, SupportPage, SupportRequest
from chorus.support.workflow import Status
from e2e.conftest import assert_accessible, assert_accessible_in_dark, assert_reflows, sign_in_as_staff, tab_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server: Any) -> dict[str, Any]:
    home = make_site()
    support_page = SupportPage(
        title="Get support",
        slug="get-support",
        intro="Tell us what is happening, or ask us to back your campaign.",
        alert_text="Let us know about a policy that harms people.",
        campaign_text="Ask for help with your campaign.",
    )
    home.add_child(instance=support_page)
    support_page.save_revision().publish()
    areas = PriorityAreaIndexPageFactory(parent=home)
    PriorityAreaPageFactory(parent=areas, title="Benefits")
    surveillance = PriorityAreaPageFactory(parent=areas, title="Surveillance")
    return {"base": live_server.url, "area": surveillance}


def _caseworker() -> User:
    roles_sync()
    user = User.objects.create_user(username="casey", password="correct-horse-battery", email="casey@chorus.test")
    user.groups.add(Group.objects.get(name=CASEWORKER.name))
    return user


def _messages_settled(page: Page) -> None:
    # Wagtail fades its flash messages in after a short delay; axe must see the final colours.
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('.messages > ul')).opacity === '1'"
        " && document.getAnimations().every(a => !(a instanceof CSSTransition) || a.playState !== 'running')"
    )


def _queue_fits(page: Page, width: int = 320) -> None:
    """At 320 CSS pixels the queue table is no wider than the box it sits in, so no column
    is clipped or needs sideways scrolling (WCAG 1.4.10), and each cell says what it is."""
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": 640})
    try:
        # Polled: Wagtail folds its sidebar away a moment after the resize.
        page.wait_for_function(
            """() => {
                const table = document.querySelector("table.support-queue");
                const box = table.parentElement;
                return table.scrollWidth <= box.clientWidth && box.scrollWidth <= box.clientWidth
                    && table.getBoundingClientRect().right <= window.innerWidth;
            }""",
            polling=100,
            timeout=5000,
        )
        label = page.evaluate(
            """() => getComputedStyle(document.querySelector("table.support-queue td[data-label='Status']"),
                "::before").content"""
        )
        assert label == '"Status: "'
    finally:
        if size:
            page.set_viewport_size(size)


def test_member_alert_caseworker_answer_member_reply(page: Page, site: dict[str, Any]) -> None:
    base = site["base"]

    # 1. The member finds the form and fills it in by keyboard alone.
    page.goto(base + "/get-support/")
    assert_accessible(page)
    tab_to(page, "main a[href='/support/policy-issue/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/support/policy-issue/")
    assert_accessible(page)

    # Sending too early shows the error summary, with answers kept.
    tab_to(page, "#id_description")
    page.keyboard.type("The ward has put cameras in every bedroom and nobody asked us.")
    tab_to(page, "button[value='check']")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    assert "cameras in every bedroom" in page.input_value("#id_description")
    # The error summary takes the focus, so it is read first and the keyboard starts there.
    assert page.evaluate("document.activeElement.id") == "error-summary"

    # A radio group is one Tab stop; the arrow keys choose within it. "Which nation or
    # area?" is needed only for a nation or a local area, and appears with that choice.
    assert not page.is_visible("#id_where_detail")
    tab_to(page, "#id_where_category_0")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "In a local area"
    assert page.is_checked("#id_where_category_2")
    assert page.is_visible("#id_where_detail")
    tab_to(page, "#id_where_detail")
    page.keyboard.type("Leeds")
    # A real priority area, chosen by typing its name on the list (issue 22: every area was refused).
    tab_to(page, "#id_priority_area")
    page.keyboard.type("Surveillance")
    assert page.input_value("#id_priority_area") == str(site["area"].pk)
    tab_to(page, "#id_membership_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_contact_method_0")  # by email
    page.keyboard.press("Space")
    tab_to(page, "#id_email")
    page.keyboard.type("member@example.org")
    tab_to(page, "button[value='check']")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Check your answers')")
    assert_accessible(page)
    assert "Leeds" in page.inner_text("main")
    assert "Surveillance" in page.inner_text("main")

    tab_to(page, "button[value='send']")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Your request CH-')")
    assert_accessible(page)
    assert_reflows(page)  # the long private link wraps on a phone
    private_url = page.inner_text("a.private-link")
    assert "/support/request/" in private_url
    support_request = SupportRequest.objects.get()
    assert support_request.reference in page.inner_text("main")
    assert support_request.priority_area_id == site["area"].pk
    assert "We aim to reply within 2 working days" in page.inner_text("main")

    # 2. A caseworker answers on the triage desk. The request is made overdue first, so
    # axe also checks how overdue rows stand out in the queue.
    SupportRequest.objects.filter(pk=support_request.pk).update(resolution_due=datetime.date(2026, 1, 5))
    CannedReply.objects.create(title="Which trust?", text="Thank you for telling us. Which trust runs it?")
    sign_in_as_staff(page, _caseworker(), base)
    page.goto(base + "/admin/support/")
    assert page.locator("tr.support-overdue").count() == 1
    assert_accessible(page)
    assert "The ward has put cameras in every bedroom" in page.inner_text("table.support-queue")  # the summary
    assert_reflows(page)
    _queue_fits(page)  # each row stacks into labelled lines: nothing is cut off or scrolls sideways
    # A bulk action asks "are you sure" first; Cancel goes back with nothing changed.
    page.check(f"#select-{support_request.pk}")
    page.select_option("#bulk-action", "transition:start")
    page.click("button:has-text('Apply to selected')")
    page.wait_for_selector("text=Yes, apply to 1 request")
    assert "1 request will move to “In progress”" in page.inner_text("main")
    assert_accessible(page)
    assert_reflows(page)
    page.click("main a:has-text('Cancel')")
    page.wait_for_selector("table.support-queue")
    assert SupportRequest.objects.get(pk=support_request.pk).status == Status.NEW
    page.click(f"text={support_request.reference}")
    page.wait_for_selector("h2:has-text('What they told us')")
    assert_accessible(page)
    assert_accessible_in_dark(page)  # the internal notes keep a light background
    assert_reflows(page)
    # A canned reply goes into the message box, to be edited before sending.
    page.select_option("#canned-reply", label="Which trust?")
    page.click("button:has-text('Insert into the message')")
    page.wait_for_function("document.getElementById('id_body').value.startsWith('Thank you for telling us')")
    assert page.evaluate("document.activeElement.id") == "id_body"
    page.fill("#id_body", "Thank you. Which hospital trust runs the ward?")
    page.click("button:has-text('Send to member')")
    page.wait_for_selector("text=Message sent to the member.")
    page.click("button[value='ask_member']")
    page.wait_for_selector("text=Status changed.")
    _messages_settled(page)
    assert_accessible(page)
    page.goto(base + "/admin/support/what-members-raised/")
    assert_accessible(page)
    assert_reflows(page)  # the chart shrinks; the tables scroll
    support_request.refresh_from_db()
    assert support_request.status == Status.WAITING_ON_MEMBER

    # 3. The member, signed in to nothing, replies through the private link by keyboard.
    page.context.clear_cookies()
    page.goto(private_url)
    assert_accessible(page)
    assert "From Chorus staff" in page.inner_text("main")
    assert "Which hospital trust" in page.inner_text("main")
    assert "We are waiting for your reply" in page.inner_text("main")
    tab_to(page, "#id_body")
    page.keyboard.type("It is the city's main mental health trust.")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=your reply has been sent")
    assert_accessible(page)
    assert "We are working on it" in page.inner_text("main")
    assert Message.objects.filter(author=MessageAuthor.MEMBER).count() == 1


def test_wrong_private_link_is_not_found(page: Page, site: dict[str, Any]) -> None:
    response = page.goto(site["base"] + "/support/request/this-is-not-a-token/")
    assert response is not None and response.status == 404
    assert_accessible(page)


def test_campaign_request_and_withdrawal_pages_are_accessible(page: Page, site: dict[str, Any]) -> None:
    base = site["base"]
    page.goto(base + "/support/campaign/")
    assert_accessible(page)
    tab_to(page, "button[value='check']")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert_accessible(page)

    page.check("#id_applicant_type_1")  # a user-led group
    page.fill("#id_group_name", "Peer Roots Collective")
    page.fill("#id_description", "We want three-year funding for peer support groups.")
    page.check("#id_help_types_2")  # a briefing
    page.check("#id_contact_method_0")  # by email
    page.fill("#id_email", "group@example.org")
    page.check("#id_access_needs_3")  # Easy Read
    page.wait_for_timeout(1100)  # the minimum fill time of the bot check
    page.click("button[value='check']")
    page.wait_for_selector("h1:has-text('Check your answers')")
    assert_accessible(page)
    page.click("button[value='send']")
    page.wait_for_selector("h1:has-text('Your request CH-')")
    assert_accessible(page)

    page.click("text=Withdraw this request")
    page.wait_for_selector("h1:has-text('Withdraw your request')")
    assert_accessible(page)
    page.click("button:has-text('Yes, withdraw it')")
    page.wait_for_selector("text=You withdrew this request")
    assert_accessible(page)
    assert SupportRequest.objects.get().status == Status.WITHDRAWN


def test_lost_link_by_keyboard_through_the_fast_form_confirmation(
    page: Page, site: dict[str, Any], settings: Any
) -> None:
    # However long the browser takes, this ask counts as "very fast": the confirmation page shows.
    settings.CHORUS_MIN_FORM_FILL_SECONDS = 3600
    base = site["base"]
    page.goto(base + "/get-support/")
    tab_to(page, "main a[href='/support/lost-link/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/support/lost-link/")
    assert_accessible(page)
    tab_to(page, "#id_email")
    page.keyboard.type("member@example.org")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Please confirm you want to send this')")
    assert_accessible(page)
    assert_reflows(page)
    tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Check your email')")
    assert_accessible(page)
    assert "If that address has open requests with us" in page.inner_text("main")
