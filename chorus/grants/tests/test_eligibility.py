"""The eligibility checker: every answer to every question, the error summary, and nothing kept."""

from __future__ import annotations

import html
import itertools

import pytest
from django.test import Client

from chorus.core.models import AuditEvent
from chorus.grants.models import FundPage, RoundPage
from chorus.grants.tests.factories import ELIGIBILITY, make_round

pytestmark = pytest.mark.django_db


def _ask(client: Client, round_page: RoundPage, answers: dict[str, str]) -> tuple[object, str]:
    response = client.get(round_page.url, {"answered": "yes", **answers})
    return response, html.unescape(response.content.decode())


@pytest.mark.parametrize("answers", list(itertools.product(["yes", "no"], repeat=len(ELIGIBILITY))))
def test_every_answer_to_every_question_gives_the_right_outcome(
    client: Client, fund: FundPage, answers: tuple[str, ...]
) -> None:
    round_page = make_round(fund)
    audited_before = AuditEvent.objects.count()
    response, page = _ask(client, round_page, {f"question_{n}": a for n, a in enumerate(answers, start=1)})

    assert response.status_code == 200  # type: ignore[attr-defined]
    outcomes = [(e, given != wanted) for (_q, wanted, e), given in zip(ELIGIBILITY, answers, strict=True)]
    if any(failed for _e, failed in outcomes):
        assert "You can apply." not in page
        assert "Your group cannot apply to this round." in page
    else:
        assert "You can apply." in page
        assert "cannot apply" not in page
    # Each failed question's explanation is shown, and only those.
    for explanation, failed in outcomes:
        assert (explanation in page) is failed, explanation
    # Answered: not for search engines, and kept out of every cache.
    assert '<meta name="robots" content="noindex">' in page
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]  # type: ignore[index]
    assert not response.cookies  # type: ignore[attr-defined]
    assert AuditEvent.objects.count() == audited_before


def test_a_missed_answer_shows_the_error_summary_and_keeps_the_other_answers(client: Client, fund: FundPage) -> None:
    round_page = make_round(fund)

    _response, page = _ask(client, round_page, {"question_1": "yes", "question_3": "no"})

    assert "There is a problem" in page
    assert f'<a href="#id_question_2_0">Choose yes or no for: {ELIGIBILITY[1][0]}</a>' in page
    assert "You can apply." not in page
    # The answers given stay chosen.
    assert 'name="question_1" value="yes" required id="id_question_1_0" checked' in page
    assert 'name="question_3" value="no" required id="id_question_3_1" checked' in page
    assert '<meta name="robots" content="noindex">' in page


def test_the_unanswered_checker_is_a_get_form_of_radios_in_fieldsets_and_may_be_indexed(
    client: Client, fund: FundPage
) -> None:
    round_page = make_round(fund)

    response = client.get(round_page.url)
    page = html.unescape(response.content.decode())

    assert '<form method="get"' in page
    assert page.count("<fieldset") == len(ELIGIBILITY)
    assert f"<legend>{ELIGIBILITY[0][0]}" in page
    assert "There is a problem" not in page
    assert "noindex" not in page
    assert "no-store" not in response.get("Cache-Control", "")


def test_a_round_without_eligibility_questions_shows_no_checker(client: Client, fund: FundPage) -> None:
    round_page = make_round(fund, eligibility=[])

    page = client.get(round_page.url).content.decode()

    assert "Can your group apply?" not in page
    assert '<form method="get"' not in page
