"""Funding rounds in a real browser: from the fund page to a round, and its eligibility checker
answered by keyboard alone, with the error summary on a missed answer. axe and the Nu HTML
Checker on every page, and each page reflows at 320 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page

from chorus.accounts.models import User
from chorus.accounts.services import roles_sync
from chorus.grants.models import RoundBand
from chorus.grants.tests.factories import ELIGIBILITY, make_fund, make_round
from chorus.grants.tests.sample_files import wav
from chorus.pages.tests.factories import make_site
from e2e.conftest import (
    assert_accessible,
    assert_accessible_in_dark,
    assert_reflows,
    sign_in_as_staff,
    tab_to,
    wait_for_mail,
)
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


def _link_path(email: str, subject: str) -> str:
    """The path of the application link in the newest email with this subject (the host may differ in tests)."""
    found = wait_for_mail(email, subject=subject)
    assert found, f"no email “{subject}” to {email}"
    match = re.search(r"https?://[^/\s]+(/funding/application/[A-Za-z0-9_-]+/)", found[-1].body)
    assert match is not None, found[-1].body
    return match.group(1)


def test_a_group_applies_online_saves_comes_back_and_sends_by_keyboard(
    page: Page, site: dict[str, Any], settings: Any
) -> None:
    settings.CHORUS_MIN_FORM_FILL_SECONDS = 0  # the fill-time check is not what this walk is about
    base = site["base"]
    email = "group@example.org"

    # 1. From the round page, "Apply online", then start with an email address.
    page.goto(base + site["round"].url)
    tab_to(page, f"main a[href='/funding/apply/{site['round'].pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/funding/apply/{site['round'].pk}/")
    assert_accessible(page)
    assert_reflows(page)
    tab_to(page, "#id_email")
    page.keyboard.type(email)
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Check your email')")
    assert_accessible(page)
    assert "If that address can apply" in page.inner_text("main")

    # 2. The emailed link opens the draft; the first step is filled by keyboard, then "save and come back later".
    link = _link_path(email, "Your link to apply")
    page.goto(base + link)
    assert_accessible(page)
    tab_to(page, f"main a[href='{link}about/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{link}about/")
    assert_accessible(page)
    tab_to(page, "#id_group_name")
    page.keyboard.type("Leeds Hearing Voices")
    tab_to(page, "#id_contact_name")
    page.keyboard.type("Sam Jones")
    _choose(page, "id_is_registered_1")
    tab_to(page, "main button[value=leave]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Your answers are saved.")
    assert_accessible(page)

    # 3. Back later from the same link: the answers are there; the other steps, then check and send.
    page.goto(base + link + "about/")
    assert page.input_value("#id_group_name") == "Leeds Hearing Voices"
    tab_to(page, "main button[value=continue]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{link}size/")
    assert_accessible(page)
    _choose(page, "id_band_0")
    tab_to(page, "main button[value=continue]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{link}questions/")
    assert_accessible(page)
    assert "About 100 words." in page.inner_text("main")
    answers = page.locator("main textarea")
    for index in range(answers.count()):
        answers.nth(index).fill(f"Our answer to question {index + 1}, in a few plain words.")
    tab_to(page, "main button[value=continue]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{link}access/")
    assert_accessible(page)
    tab_to(page, "#id_needs_0")
    page.keyboard.press("Space")
    _choose(page, "id_apply_by_0")
    tab_to(page, "main button[value=continue]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{link}check/")
    assert_accessible(page)
    assert_reflows(page)
    main = page.inner_text("main")
    assert "Leeds Hearing Voices" in main and "Large print" in main
    tab_to(page, "main button:has-text('Send my application')")
    page.keyboard.press("Enter")

    # 4. Sent: the reference, where it is and when to expect each stage; the email says the same.
    page.wait_for_selector("text=Your application has been sent")
    assert_accessible(page)
    assert_reflows(page)
    main = page.inner_text("main")
    assert re.search(r"GR-\d{4}-0001", main)
    assert "Received – we have not started reading it yet" in main
    assert wait_for_mail(email, subject="We have your application")
    tab_to(page, f"main a[href='{link}withdraw/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{link}withdraw/")
    assert_accessible(page)
    assert "Withdraw your application GR-" in page.inner_text("main")


def test_a_grants_officer_reads_a_sent_application_by_keyboard(
    page: Page, site: dict[str, Any], grants_officer: User
) -> None:
    from django.test import Client

    from chorus.grants.tests.factories import make_mixed_round
    from chorus.grants.tests.test_applying import _fill, _key, _start

    round_page = make_mixed_round(site["fund"], title="Spring round")
    group = Client()
    token = _start(group, round_page)
    _fill(group, round_page, token)
    group.post(f"/funding/application/{token}/check/", {"submission_key": _key()})
    base = site["base"]
    sign_in_as_staff(page, grants_officer, base)

    check_screen(page, f"{base}/admin/grants/")
    main = page.inner_text("main")
    assert "Leeds Hearing Voices" in main and "Spring round" in main
    tab_to(page, "main table a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/grants/\d+/$"))
    assert_accessible(page)
    assert_accessible_in_dark(page)
    assert_reflows(page)
    main = page.inner_text("main")
    assert "Weekly peer support meetings in the library" in main
    assert "Viewing this application is recorded in the audit log." in main


def _press(page: Page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Enter")


def test_a_group_answers_with_a_recording_staff_score_and_decide_and_the_group_reads_the_feedback(
    page: Page, site: dict[str, Any], grants_officer: User, settings: Any
) -> None:
    settings.CHORUS_MIN_FORM_FILL_SECONDS = 0
    base, round_page = site["base"], site["round"]
    email = "recorded@example.org"

    # 1. The group starts, comes back from the emailed link and gives its first answer as a recording.
    page.goto(f"{base}/funding/apply/{round_page.pk}/")
    tab_to(page, "#id_email")
    page.keyboard.type(email)
    page.keyboard.press("Enter")
    page.wait_for_selector("h1:has-text('Check your email')")
    link = _link_path(email, "Your link to apply")
    page.goto(base + link + "about/")
    tab_to(page, "#id_group_name")
    page.keyboard.type("Wakefield Peer Voices")
    tab_to(page, "#id_contact_name")
    page.keyboard.type("Chris Field")
    _choose(page, "id_is_registered_1")
    _press(page, "main button[value=continue]")
    page.wait_for_url(f"**{link}size/")
    _choose(page, "id_band_0")
    _press(page, "main button[value=continue]")
    page.wait_for_url(f"**{link}questions/")
    recording_inputs = page.locator("main input[type=file]")
    assert recording_inputs.count() >= 1
    assert_accessible(page)
    recording_inputs.first.set_input_files(
        files=[{"name": "our-answer.wav", "mimeType": "audio/wav", "buffer": wav(frames=4000)}]
    )
    answers = page.locator("main textarea")
    for index in range(1, answers.count()):  # the first question is answered by the recording
        answers.nth(index).fill(f"Our answer to question {index + 1}.")
    _press(page, "main button[value=continue]")
    page.wait_for_url(f"**{link}access/")
    _choose(page, "id_apply_by_0")
    _press(page, "main button[value=continue]")
    page.wait_for_url(f"**{link}check/")
    assert "Audio recording" in page.inner_text("main")
    assert_accessible(page)
    _press(page, "main button:has-text('Send my application')")
    page.wait_for_selector("text=Your application has been sent")
    reference = re.search(r"GR-\d{4}-\d{4}", page.inner_text("main"))
    assert reference is not None

    # 2. A Grants officer moves it on, scores it by keyboard and awards it, with a message.
    sign_in_as_staff(page, grants_officer, base)
    check_screen(page, f"{base}/admin/grants/")
    _press(page, f"main a:has-text('{reference.group(0)}')")
    page.wait_for_url(re.compile(r"/admin/grants/\d+/$"))
    application_url = page.url
    back_on_application = re.compile(re.escape(application_url) + r"(#[a-z-]+)?$")
    assert "Audio recording" in page.inner_text("main")
    for move in ("Check eligibility", "Send for review"):
        _press(page, f"main button:has-text('{move}')")
        page.wait_for_url(back_on_application)
    _press(page, "main a:has-text('Score this application')")
    page.wait_for_url(re.compile(r"/review/$"))
    assert_accessible(page)
    assert_reflows(page)
    groups = page.eval_on_selector_all(
        "main input[type=radio][name^=criterion_]", "els => [...new Set(els.map(e => e.name))]"
    )
    assert len(groups) == 2  # one per criterion
    for name in groups:
        tab_to(page, f"main input[name='{name}']")
        page.keyboard.press("Space")
        for _ in range(3):
            page.keyboard.press("ArrowDown")  # 4 of 5
    tab_to(page, "#id_comment")
    page.keyboard.type("A small group that knows its members well.")
    tab_to(page, "main input[name=recommendation]")
    page.keyboard.press("Space")  # "Fund it"
    _press(page, "main button:has-text('Send my review')")
    page.wait_for_url(back_on_application)
    assert "Fund it" in page.inner_text("main")
    _press(page, "main button:has-text('Shortlist')")
    page.wait_for_url(back_on_application)
    _press(page, "main a:has-text('Decide')")
    page.wait_for_url(re.compile(r"/decide/$"))
    assert_accessible(page)
    assert_accessible_in_dark(page)
    assert_reflows(page)
    tab_to(page, "#id_award-amount")
    page.keyboard.type("450")
    page.fill("#id_award-planned_start", "2027-02-01")
    page.fill("#id_award-planned_end", "2028-01-31")
    tab_to(page, "#id_award-description")
    page.keyboard.type("A year of peer support meetings")
    tab_to(page, "#id_award-message")
    page.keyboard.type("We are glad to fund you: your recording told us exactly what the group needs.")
    _press(page, "main button:has-text('Award the grant and tell the group')")
    page.wait_for_url(back_on_application)
    assert "Awarded" in page.inner_text("main")
    check_screen(page, f"{base}/admin/grants/rounds/{round_page.pk}/panel/")

    # 3. The group is told a decision is ready, and reads it with the feedback on its page.
    assert wait_for_mail(email, subject="We have decided on your application")
    page.goto(base + link)
    assert_accessible(page)
    assert_reflows(page)
    main = page.inner_text("main")
    assert "Decided – you will get a grant" in main
    assert "your recording told us exactly what the group needs" in main
    assert "£450" in main


def test_a_funds_figures_page_is_accessible_and_hides_small_numbers(page: Page, site: dict[str, Any]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from chorus.grants.tests.decided import make_award, make_decline

    closed = make_round(
        site["fund"],
        title="Autumn round",
        opens=timezone.now() - timedelta(days=90),
        closes=timezone.now() - timedelta(days=60),
    )
    for _ in range(6):
        make_award(closed, amount=400)
    make_decline(closed)
    page.goto(site["base"] + site["fund"].url)
    _press(page, "main a[href$='/transparency/']")
    page.wait_for_url("**/transparency/")
    assert_accessible(page)
    assert_accessible_in_dark(page)
    assert_reflows(page)
    main = page.inner_text("main")
    assert "Autumn round" in main and "£2,400" in main
    assert "fewer than 5" in main  # the one group not funded is not counted out loud
    assert page.context.cookies() == []
