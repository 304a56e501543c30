"""Staff build rounds in the editor: the rules a round must keep, the warning on small grants
that ask many questions, and who may edit funding pages."""

from __future__ import annotations

import html
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from chorus.accounts.models import User
from chorus.accounts.roles import GRANTS_OFFICER
from chorus.accounts.services import roles_sync
from chorus.core.models import AuditEvent
from chorus.grants.models import FundPage, RoundPage
from chorus.grants.services.bands import band_amount_problems, question_load_warnings
from chorus.grants.services.funds import fund_permissions_grant
from chorus.grants.tests.factories import make_round
from chorus.pages.tests.factories import make_site
from conftest import client_for

pytestmark = pytest.mark.django_db

FORMAT = "%Y-%m-%d %H:%M"


def _question(n: int) -> tuple[str, dict[str, Any]]:
    return ("text", {"question": f"Question {n}?", "help_text": "", "required": True, "word_guide": 100})


def _round_data(
    *,
    bands: list[tuple[str, int, int]],
    opens_in_days: int = -1,
    closes_in_days: int = 20,
    budget: int = 20000,
) -> dict[str, Any]:
    now = timezone.localtime()
    closes = now + timedelta(days=closes_in_days)
    decided = closes.date() + timedelta(weeks=6)
    return nested_form_data(
        {
            "title": "Summer round",
            "slug": "summer-round",
            "summary": "Grants for the summer.",
            "opens_at": (now + timedelta(days=opens_in_days)).strftime(FORMAT),
            "closes_at": closes.strftime(FORMAT),
            "budget": budget,
            "decision_date": decided.isoformat(),
            "payment_date": (decided + timedelta(weeks=2)).isoformat(),
            "criteria": streamfield([("criterion", "The group is user-led.")]),
            "eligibility_questions": streamfield(
                [
                    (
                        "question",
                        {"question": "Is your group user-led?", "eligible_answer": "yes", "explanation": "Only."},
                    )
                ]
            ),
            "bands": inline_formset(
                [
                    {
                        "name": name,
                        "up_to": up_to,
                        "questions": streamfield([_question(n) for n in range(1, count + 1)]),
                    }
                    for name, up_to, count in bands
                ],
                min=1,
            ),
            "comments": inline_formset([]),
        }
    )


def _add(user: User, fund: FundPage, data: dict[str, Any]) -> Any:
    url = reverse("wagtailadmin_pages:add", args=["grants", "roundpage", fund.pk])
    return client_for(user).post(url, data)


# --- The rules a round keeps ----------------------------------------------------------------------


def test_a_grants_officer_adds_a_round_with_its_bands_and_questions(grants_officer: User, fund: FundPage) -> None:
    response = _add(grants_officer, fund, _round_data(bands=[("Small", 500, 3), ("Larger", 2500, 7)]))

    assert response.status_code == 302, response.content.decode()[:3000]
    round_page = RoundPage.objects.child_of(fund).get()
    bands = list(round_page.bands.all())
    assert [(band.name, band.up_to, band.question_count) for band in bands] == [("Small", 500, 3), ("Larger", 2500, 7)]
    # Every question keeps a stable id for the answers the next slice stores.
    ids = [block.id for band in bands for block in band.questions]
    assert len(set(ids)) == 10 and all(ids)


def _refusal(user: User, fund: FundPage, data: dict[str, Any]) -> str:
    response = _add(user, fund, data)
    assert response.status_code == 200, "the round was saved"
    assert not RoundPage.objects.exists()
    return html.unescape(response.content.decode())


def test_a_round_must_close_after_it_opens(grants_officer: User, fund: FundPage) -> None:
    page = _refusal(grants_officer, fund, _round_data(bands=[("Small", 500, 3)], opens_in_days=5, closes_in_days=2))
    assert "The round must close after it opens." in page


def test_grant_sizes_must_differ(grants_officer: User, fund: FundPage) -> None:
    page = _refusal(grants_officer, fund, _round_data(bands=[("Small", 500, 3), ("Also small", 500, 2)]))
    assert "Two grant sizes go up to £500. Give each size a different amount." in page


def test_a_grant_size_must_be_more_than_nothing(grants_officer: User, fund: FundPage) -> None:
    page = _refusal(grants_officer, fund, _round_data(bands=[("Nothing", 0, 3)]))
    assert "A grant size must be at least £1." in page


def test_a_round_needs_at_least_one_grant_size(grants_officer: User, fund: FundPage) -> None:
    data = _round_data(bands=[("Small", 500, 3)])
    data["bands-0-DELETE"] = "1"
    page = _refusal(grants_officer, fund, data)
    assert "Add at least one grant size" in page, page[page.find("error") : page.find("error") + 2000]


def test_no_grant_size_may_be_bigger_than_the_budget() -> None:
    assert band_amount_problems([500, 5000], budget=3000) == [
        "A grant size of up to £5,000 is more than the round's budget of £3,000."
    ]
    assert band_amount_problems([], budget=3000) == [
        "Add at least one grant size, so groups know how much they can ask for."
    ]
    assert band_amount_problems([500, 2500], budget=3000) == []


# --- Questions sized to the grant ---------------------------------------------------------------------


def test_the_warning_counts_questions_against_the_size_of_the_grant() -> None:
    assert [w.band_name for w in question_load_warnings([("Small", 1000, 6)])] == ["Small"]
    assert question_load_warnings([("Small", 1000, 5)]) == []
    assert question_load_warnings([("Larger", 2500, 8)]) == []
    assert [w.band_name for w in question_load_warnings([("Tiny", 300, 9), ("Big", 5000, 20)])] == ["Tiny"]


def _editor_page(user: User, round_page: RoundPage) -> str:
    response = client_for(user).get(reverse("wagtailadmin_pages:edit", args=[round_page.pk]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_staff_are_warned_when_a_grant_of_1000_or_less_asks_6_questions(grants_officer: User, fund: FundPage) -> None:
    round_page = make_round(fund, bands=[("Small grants", 1000, 6), ("Larger grants", 2500, 8)])

    page = _editor_page(grants_officer, round_page)

    assert "A small grant asks a lot of questions." in page
    assert "“Small grants” (up to £1,000) asks 6 questions." in page
    assert "“Larger grants”" not in page.split("A small grant asks a lot of questions.")[1].split("</div>")[0]


def test_no_warning_for_5_questions_or_for_a_larger_grant_with_8(grants_officer: User, fund: FundPage) -> None:
    round_page = make_round(fund, bands=[("Small grants", 1000, 5), ("Larger grants", 2500, 8)])

    page = _editor_page(grants_officer, round_page)

    assert "A small grant asks a lot of questions." not in page
    assert "Every grant size asks a number of questions in proportion to its amount." in page


def test_the_warning_never_stops_a_round_being_published(grants_officer: User, fund: FundPage) -> None:
    data = _round_data(bands=[("Small", 500, 9)])
    response = _add(grants_officer, fund, {**data, "action-publish": "action-publish"})

    assert response.status_code == 302
    assert RoundPage.objects.child_of(fund).get().live


# --- Who may edit funding pages -------------------------------------------------------------------------


def test_a_grants_officer_can_edit_and_publish_a_round(grants_officer: User, fund: FundPage) -> None:
    round_page = make_round(fund)
    data = _round_data(bands=[("Small", 500, 3)])
    data["slug"] = round_page.slug

    response = client_for(grants_officer).post(
        reverse("wagtailadmin_pages:edit", args=[round_page.pk]), {**data, "action-publish": "action-publish"}
    )

    assert response.status_code == 302
    round_page.refresh_from_db()
    assert round_page.title == "Summer round" and round_page.live and not round_page.has_unpublished_changes


def test_a_caseworker_cannot_edit_a_round_or_add_one(caseworker: User, fund: FundPage) -> None:
    round_page = make_round(fund)
    client = client_for(caseworker)

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[round_page.pk]))
    add = _add(caseworker, fund, _round_data(bands=[("Small", 500, 3)]))

    assert edit.status_code in (302, 403)
    assert add.status_code in (302, 403)
    assert RoundPage.objects.count() == 1


def test_the_grants_officer_role_says_what_it_is_for() -> None:
    assert "Not in use yet" not in GRANTS_OFFICER.description
    assert "funding rounds" in GRANTS_OFFICER.description


# --- The published timetable keeps its order ----------------------------------------------------------


def test_the_decision_cannot_come_before_the_close_nor_payment_before_the_decision(fund: FundPage) -> None:
    round_page = make_round(fund)
    round_page.decision_date = timezone.localdate(round_page.closes_at) - timedelta(days=1)
    round_page.payment_date = round_page.decision_date - timedelta(days=1)

    with pytest.raises(ValidationError) as refused:
        round_page.full_clean()

    assert refused.value.message_dict["decision_date"] == ["The decision date cannot be before the round closes."]
    assert refused.value.message_dict["payment_date"] == ["Groups cannot be paid before the decision date."]


def test_a_timetable_in_order_is_accepted(fund: FundPage) -> None:
    round_page = make_round(fund)
    round_page.decision_date = timezone.localdate(round_page.closes_at)
    round_page.payment_date = round_page.decision_date
    round_page.full_clean()


# --- A new fund is open to Grants officers at once ---------------------------------------------------------


def test_a_fund_an_editor_adds_can_be_run_by_a_grants_officer_at_once(editor: User, grants_officer: User) -> None:
    home = make_site()
    roles_sync()
    data = nested_form_data(
        {
            "title": "Peer Support Fund",
            "slug": "peer-support-fund",
            "summary": "Grants for peer support groups.",
            "who_it_is_for": "Peer support groups.",
            "what_it_funds": "Room hire and travel.",
            "typical_sizes": "Up to £1,000.",
            "comments": inline_formset([]),
        }
    )
    response = client_for(editor).post(
        reverse("wagtailadmin_pages:add", args=["grants", "fundpage", home.pk]),
        {**data, "action-publish": "action-publish"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    fund = FundPage.objects.get(slug="peer-support-fund")

    permissions = fund.permissions_for_user(grants_officer)
    assert permissions.can_edit() and permissions.can_add_subpage() and permissions.can_publish()
    event = AuditEvent.objects.get(action="grants.fund.permissions_granted")
    assert event.object_id == str(fund.pk) and event.actor_id == editor.pk
    # Running it again adds nothing and logs nothing.
    assert fund_permissions_grant(fund=fund) == 0
    assert AuditEvent.objects.filter(action="grants.fund.permissions_granted").count() == 1
    # Nothing beyond the fund: the Grants officer still cannot add pages to the home page.
    assert not home.permissions_for_user(grants_officer).can_add_subpage()
