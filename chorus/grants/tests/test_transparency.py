"""The transparency page: each closed round's figures, with small numbers suppressed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from chorus.grants.choices import DeclineReason, FileKind
from chorus.grants.models import FundPage, RoundPage
from chorus.grants.open_data import FEWER_THAN, Figure, figure, fund_transparency, parts_of, round_figures, share
from chorus.grants.tests.decided import add_file, make_award, make_decline, make_sent
from chorus.grants.tests.factories import make_round
from chorus.grants.workflow import ApplicationStatus

pytestmark = pytest.mark.django_db


def _closed_round(fund: FundPage, title: str = "Spring round") -> RoundPage:
    # Closing at noon, so a whole number of days later falls on that many UK days later.
    closes = (timezone.now() - timedelta(days=60)).replace(hour=12, minute=0, second=0, microsecond=0)
    return make_round(fund, title=title, opens=closes - timedelta(days=30), closes=closes)


# --- the rules for small numbers --------------------------------------------------------


@pytest.mark.parametrize(("count", "words"), [(0, "0"), (1, FEWER_THAN), (4, FEWER_THAN), (5, "5"), (1200, "1,200")])
def test_counts_from_1_to_4_read_fewer_than_5_and_zero_is_shown(count: int, words: str) -> None:
    assert str(figure(count)) == words


def test_one_hidden_part_of_a_shown_total_hides_the_next_smallest_too() -> None:
    total, parts = parts_of(20, {"awarded": 9, "not_awarded": 8, "withdrawn": 3, "undecided": 0})
    assert total.shown
    assert not parts["withdrawn"].shown and str(parts["withdrawn"]) == FEWER_THAN
    # 20 - 9 - 0 would give the withdrawn 3 away if the 8 were shown.
    assert not parts["not_awarded"].shown and str(parts["not_awarded"]) == "not shown"
    assert parts["awarded"].shown and parts["undecided"].shown


def test_two_hidden_parts_need_nothing_more_hidden() -> None:
    _total, parts = parts_of(12, {"awarded": 8, "not_awarded": 2, "withdrawn": 2})
    assert parts["awarded"].shown
    assert not parts["not_awarded"].shown and not parts["withdrawn"].shown


def test_a_part_published_elsewhere_hides_nothing_and_is_never_the_one_held_back() -> None:
    # The grants made are listed in the 360Giving data, so 3 of them hide nothing, and
    # 20 - 3 - 13 would give the 4 withdrawn away: the 13 is held back.
    total, parts = parts_of(20, {"awarded": 3, "not_awarded": 13, "withdrawn": 4}, known=["awarded"])
    assert total.shown and not parts["not_awarded"].shown and not parts["withdrawn"].shown
    # With nothing else to hold back, the total goes: 7 - 6 would give the 1 away.
    total, parts = parts_of(7, {"awarded": 6, "not_awarded": 1, "withdrawn": 0}, known=["awarded"])
    assert str(total) == "not shown" and parts["awarded"].shown and parts["withdrawn"].shown


def test_a_share_is_not_given_when_its_count_is_suppressed() -> None:
    assert share(figure(2), figure(40)) == ""  # 5% would say "2"
    assert share(figure(10), figure(40)) == "25%"
    assert share(figure(0), figure(40)) == "0%"
    assert share(figure(0), figure(0)) == ""
    assert share(figure(5), Figure(count=40, shown=False, held_back=True)) == ""


# --- one round's figures -----------------------------------------------------------------


def test_a_rounds_figures_count_what_was_sent_decided_and_given(fund: FundPage) -> None:
    round_page = _closed_round(fund)
    for day in (10, 12, 14, 16, 18, 30):
        make_award(round_page, amount=1000, decided_at=round_page.closes_at + timedelta(days=day))
    for reason in [DeclineReason.OVERSUBSCRIBED] * 5 + [DeclineReason.OUTSIDE_CRITERIA] * 5:
        make_decline(round_page, reason=reason, decided_at=round_page.closes_at + timedelta(days=40))
    for _ in range(5):
        make_sent(round_page, status=ApplicationStatus.WITHDRAWN, withdrawn_at=round_page.closes_at)
    callers = [make_sent(round_page, status=ApplicationStatus.UNDER_REVIEW, call_me=True) for _ in range(5)]
    add_file(callers[0], FileKind.AUDIO)
    make_sent(round_page, status=ApplicationStatus.DRAFT, submitted_at=None, reference=None, year=None, number=None)

    figures = round_figures(round_page)

    assert str(figures.received) == "26"  # the draft is not counted
    assert [(label, str(count)) for label, count in figures.outcomes] == [
        ("Grants made", "6"),
        ("Not funded", "10"),
        ("Withdrawn by the group", "5"),
        ("Not decided yet", "5"),
    ]
    assert figures.success_rate == "38%"  # 6 of the 16 decided; withdrawn ones were not decided
    assert figures.total_in_words == "£6,000"
    # Decision days 10, 12, 14, 16, 18, 30 and ten at 40: the middle two are both 40.
    assert figures.median_in_words == "40 days"
    assert figures.published_days == 42
    assert [(line.label, str(line.count), line.share) for line in figures.formats] == [
        ("Audio recording", FEWER_THAN, ""),
        ("Video recording", "0", "0%"),
        ("A phone call", "5", "19%"),
    ]
    assert [(reason.label, str(reason.count)) for reason in figures.reasons] == [
        ("More good applications than money this round", "5"),
        ("Outside what this fund pays for", "5"),
    ]


def test_a_small_number_not_funded_hides_the_rate_the_reasons_and_whatever_would_give_it_away(
    fund: FundPage,
) -> None:
    round_page = _closed_round(fund)
    for _ in range(8):
        make_award(round_page)
    for _ in range(2):
        make_decline(round_page, reason=DeclineReason.NOT_ELIGIBLE)
    for _ in range(6):
        make_sent(round_page, status=ApplicationStatus.WITHDRAWN, withdrawn_at=round_page.closes_at)

    figures = round_figures(round_page)

    outcomes = dict(figures.outcomes)
    assert str(outcomes["Not funded"]) == FEWER_THAN
    # With 16 received, 8 made and 0 undecided shown, the 6 withdrawn would give the 2 away.
    assert str(outcomes["Withdrawn by the group"]) == "not shown"
    assert str(outcomes["Grants made"]) == "8" and str(figures.received) == "16"
    assert figures.success_rate == ""
    assert figures.reasons == [] and figures.reasons_withheld
    assert figures.median_days is not None  # ten decisions: enough to give a typical time


def test_fewer_than_5_decisions_give_no_typical_time(fund: FundPage) -> None:
    round_page = _closed_round(fund)
    for _ in range(4):
        make_award(round_page)
    assert round_figures(round_page).median_days is None


def test_a_recording_deleted_by_the_retention_rule_is_still_counted(fund: FundPage) -> None:
    round_page = _closed_round(fund)
    for number in range(6):
        application = make_decline(round_page)
        if number < 5:
            application.had_video = True
            application.save(update_fields=["had_video"])
    add_file(application, FileKind.VIDEO)  # the sixth still has its file
    video = round_figures(round_page).formats[1]
    assert (str(video.count), video.share) == ("6", "100%")


def test_only_closed_rounds_are_shown_most_recent_first(fund: FundPage) -> None:
    now = timezone.now()
    older = make_round(fund, title="Autumn round", opens=now - timedelta(days=300), closes=now - timedelta(days=250))
    newer = _closed_round(fund)
    make_round(fund, title="Open round")
    assert [figures.round.pk for figures in fund_transparency(fund, now=now)] == [newer.pk, older.pk]


# --- the page ------------------------------------------------------------------------------


def test_the_page_shows_the_figures_in_accessible_tables_without_a_cookie(client: Client, fund: FundPage) -> None:
    round_page = _closed_round(fund)
    for _ in range(6):
        make_award(round_page, amount=750)
    make_decline(round_page)
    for _ in range(5):
        make_sent(round_page, status=ApplicationStatus.WITHDRAWN, withdrawn_at=round_page.closes_at)
    response = client.get(f"{fund.url}transparency/")
    page = response.content.decode()
    assert response.status_code == 200
    assert not response.cookies and "public" in response["Cache-Control"]  # kept by the page cache
    assert "<caption>What happened to the applications sent to Spring round</caption>" in page
    assert '<th scope="row">Grants made</th><td>6</td>' in page
    assert '<th scope="row">Not funded</th><td>fewer than 5</td>' in page
    assert '<th scope="row">Withdrawn by the group</th><td>not shown</td>' in page  # 12 - 6 - 5 = 1
    assert "£4,500" in page
    assert "Too few decisions" not in page
    assert "Peer Group" not in page and "Pat Contact" not in page  # counts only, never a group or person


def test_the_fund_page_links_to_its_transparency_page_once_a_round_has_closed(client: Client, fund: FundPage) -> None:
    make_round(fund, title="Open round")
    assert "transparency/" not in client.get(fund.url).content.decode()
    _closed_round(fund)
    assert f'href="{fund.url}transparency/"' in client.get(fund.url).content.decode()


def test_a_fund_with_no_closed_round_says_so(client: Client, fund: FundPage) -> None:
    page = client.get(f"{fund.url}transparency/").content.decode()
    assert "No round of this fund has closed yet." in page


def test_the_sitemap_lists_the_transparency_page(client: Client, fund: FundPage) -> None:
    assert f"{fund.full_url}transparency/" in client.get("/sitemap.xml").content.decode()
