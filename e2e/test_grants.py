"""Funding rounds in a real browser: from the fund page to a round, and its eligibility checker
answered by keyboard alone, with the error summary on a missed answer. axe and the Nu HTML
Checker on every page, and each page reflows at 320 px."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from chorus.accounts.models import User
from chorus.accounts.services import roles_sync
from chorus.grants.models import RoundBand
from chorus.grants.tests.factories import ELIGIBILITY, make_fund, make_round
from chorus.pages.tests.factories import make_site
from e2e.conftest import assert_accessible, assert_accessible_in_dark, assert_reflows, sign_in_as_staff, tab_to
from e2e.test_staff_editors import check_screen

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def site(live_server: Any) -> dict[str, Any]:
    fund = make_fund(make_site(), contact_email="grants@chorus.test")
    round_page = make_round(fund, title="Winter round")
    return {"base": live_server.url, "fund": fund, "round": round_page}


def _choose(page: Page, radio: str) -> None:
    """Tab into a radio group and choose with the keyboard: Space picks the first option,
    the arrow key moves to (and picks) the next."""
    first, _, position = radio.rpartition("_")
    tab_to(page, f"#{first}_0")
    page.keyboard.press("Space" if position == "0" else "ArrowDown")
    assert page.is_checked(f"#{radio}")


def test_a_group_finds_a_round_and_checks_it_can_apply_by_keyboard(page: Page, site: dict[str, Any]) -> None:
    base = site["base"]

    # 1. The fund page lists the open round with its deadline in words.
    page.goto(base + site["fund"].url)
    assert_accessible(page)
    assert_accessible_in_dark(page)
    assert_reflows(page)
    assert "Open now" in page.inner_text("main")
    assert "Closes in" in page.inner_text("main")
    tab_to(page, f"main a[href='{site['round'].url}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{site['round'].url}")

    # 2. The round page: sizes, criteria, timetable, how to apply today.
    assert_accessible(page)
    assert_reflows(page)
    main = page.inner_text("main")
    assert "Small grants: up to £500, 3 questions" in " ".join(main.split())
    assert "Apply online" in main

    # 3. One answer missed: the error summary takes the focus and the answer given is kept.
    _choose(page, "id_question_1_0")
    tab_to(page, "#eligibility button[type='submit']")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'error-summary'", timeout=3000
    )
    assert f"Choose yes or no for: {ELIGIBILITY[1][0]}" in page.inner_text(".error-summary")
    assert page.is_checked("#id_question_1_0")
    assert_accessible(page)
    assert_reflows(page)

    # 4. Every answer given, one of them the wrong one: its explanation, and nothing else.
    _choose(page, "id_question_2_0")
    _choose(page, "id_question_3_0")  # "Yes": they already hold a grant for this work
    tab_to(page, "#eligibility button[type='submit']")
    page.keyboard.press("Enter")
    page.wait_for_selector("#eligibility-answer")
    answer = page.inner_text("#eligibility-answer")
    assert "Your group cannot apply to this round." in answer
    assert ELIGIBILITY[2][2] in answer and ELIGIBILITY[0][2] not in answer
    assert page.locator("meta[name='robots'][content='noindex']").count() == 1
    assert_accessible(page)
    assert_reflows(page)

    # 5. Again, with the answers that let a group apply.
    tab_to(page, "#eligibility a[href$='#eligibility']")  # "Answer the questions again"
    page.keyboard.press("Enter")
    page.wait_for_selector("#eligibility form")
    _choose(page, "id_question_1_0")
    _choose(page, "id_question_2_0")
    _choose(page, "id_question_3_1")
    tab_to(page, "#eligibility button[type='submit']")
    page.keyboard.press("Enter")
    page.wait_for_selector("#eligibility-answer")
    assert "You can apply." in page.inner_text("#eligibility-answer")
    assert_accessible(page)
    assert_reflows(page)
    # Nothing was stored in the browser.
    assert page.context.cookies() == []


# One question of every type the library offers, so each widget is drawn in the editor.
EVERY_QUESTION = [
    ("text", {"question": "Tell us about your group.", "help_text": "", "required": True, "word_guide": 100}),
    (
        "choice",
        {
            "question": "What will the money pay for?",
            "help_text": "",
            "required": True,
            "options": ["Running costs", "Activities"],
            "more_than_one": True,
        },
    ),
    ("amount", {"question": "How much are you asking for?", "help_text": "", "required": True}),
    ("date", {"question": "When would you start?", "help_text": "", "required": False}),
    ("file", {"question": "Your latest accounts, if you have them", "help_text": "", "required": False}),
]


def test_a_grants_officers_editing_screens_are_accessible(
    page: Page, site: dict[str, Any], grants_officer: User
) -> None:
    base, fund, round_page = site["base"], site["fund"], site["round"]
    band = RoundBand.objects.filter(round=round_page).first()
    assert band is not None
    band.questions = EVERY_QUESTION * 2  # 10 questions on a £500 grant: the warning is drawn too
    band.save()
    roles_sync()  # the Grants officer's page permissions apply to the fund made above
    sign_in_as_staff(page, grants_officer, base)

    check_screen(page, f"{base}/admin/pages/{fund.pk}/edit/")
    check_screen(page, f"{base}/admin/pages/{round_page.pk}/edit/")
    assert "A small grant asks a lot of questions." in page.inner_text("main")
    check_screen(page, f"{base}/admin/pages/add/grants/roundpage/{fund.pk}/")
