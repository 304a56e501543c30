"""Reviewing: moving applications on, panels that scope what a panel member reads, blind scoring
against the round's criteria, and conflicts of interest that exclude a reviewer."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from chorus.accounts.models import User
from chorus.accounts.roles import PANEL_MEMBER
from chorus.core.crypto import email_index, token_digest
from chorus.core.idempotency import submission_key_new
from chorus.core.models import AuditEvent
from chorus.core.workflow import TransitionNotAllowed
from chorus.grants import selectors
from chorus.grants.admin_forms import criterion_field_name
from chorus.grants.choices import Recommendation
from chorus.grants.models import Application, ConflictOfInterest, FundPage, PanelMembership, Review, RoundPage
from chorus.grants.services.decisions import application_move
from chorus.grants.services.reviews import (
    ReviewRefused,
    conflict_declare,
    panel_member_add,
    panel_member_remove,
    review_submit,
)
from chorus.grants.tests.factories import make_round
from chorus.grants.workflow import ApplicationStatus
from conftest import client_for

pytestmark = pytest.mark.django_db

GROUP = "Bradford Peer Circle"


def make_application(
    round_page: RoundPage,
    *,
    status: str = ApplicationStatus.RECEIVED,
    number: int = 1,
    group_name: str = GROUP,
    call_me: bool = False,
) -> tuple[Application, str]:
    """A sent application, as a group's sending leaves it, and the token of its private link."""
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    email = f"group{number}@example.org"
    application = Application.objects.create(
        round=round_page,
        band=round_page.bands.order_by("sort_order").first(),
        status=status,
        token_hash=token_digest(token),
        token_sealed=token,
        email_digest=email_index(email),
        contact_email=email,
        contact_name="Robin Shah",
        group_name=group_name,
        is_registered=False,
        access_answered=True,
        call_me=call_me,
        call_times="Weekday mornings" if call_me else "",
        reference=f"GR-{now.year}-{number:04d}",
        year=now.year,
        number=number,
        created_at=now - timedelta(days=3),
        submitted_at=now - timedelta(days=2),
    )
    return application, token


def assert_unique_ids(body: str) -> None:
    ids = re.findall(r' id="([^"]+)"', body)
    assert len(ids) == len(set(ids)), f"ids repeat: {sorted({i for i in ids if ids.count(i) > 1})}"


def make_panel_member(username: str = "pat-panel") -> User:
    user = User.objects.create_user(
        username=username, password="correct-horse-battery", email=f"{username}@chorus.test"
    )
    user.groups.add(Group.objects.get(name=PANEL_MEMBER.name))
    return user


def criteria_ids(round_page: RoundPage) -> list[str]:
    return [block_id for block_id, _ in selectors.criteria_of(round_page)]


def review_post(round_page: RoundPage, *, scores: tuple[int, ...] = (4, 3), key: str = "") -> dict[str, str]:
    data = {
        criterion_field_name(block_id): str(score)
        for block_id, score in zip(criteria_ids(round_page), scores, strict=True)
    }
    data.update(
        comment="Clear plan, realistic costs.",
        recommendation=Recommendation.FUND,
        submission_key=key or submission_key_new(),
    )
    return data


def score(application: Application, reviewer: User, *scores: int, recommendation: str = Recommendation.FUND) -> Review:
    ids = criteria_ids(application.round)
    return review_submit(
        application=application,
        reviewer=reviewer,
        scores=dict(zip(ids, scores or (4,) * len(ids), strict=True)),
        comment="A comment.",
        recommendation=recommendation,
    )


@pytest.fixture
def round_page(fund: FundPage) -> RoundPage:
    return make_round(fund)


@pytest.fixture
def other_round(fund: FundPage) -> RoundPage:
    return make_round(fund, title="Summer round")


@pytest.fixture
def panel_member(roles: None) -> User:
    return make_panel_member()


@pytest.fixture
def under_review(round_page: RoundPage) -> Application:
    return make_application(round_page, status=ApplicationStatus.UNDER_REVIEW)[0]


# --- moving applications on ------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "source", "target"),
    [
        ("check_eligibility", ApplicationStatus.RECEIVED, ApplicationStatus.ELIGIBILITY_CHECK),
        ("review", ApplicationStatus.ELIGIBILITY_CHECK, ApplicationStatus.UNDER_REVIEW),
        ("shortlist", ApplicationStatus.UNDER_REVIEW, ApplicationStatus.PANEL),
    ],
)
def test_each_plain_move_goes_through_the_workflow_and_is_audited(
    name: str, source: str, target: str, round_page: RoundPage, grants_officer: User
) -> None:
    application, _ = make_application(round_page, status=source)
    application_move(application=application, name=name, actor=grants_officer)
    application.refresh_from_db()
    assert application.status == target
    event = AuditEvent.objects.get(action=f"grants.application.{target}")
    assert event.actor_id == grants_officer.pk and event.data["from"] == source


def test_a_move_from_the_wrong_state_is_refused_and_changes_nothing(
    round_page: RoundPage, grants_officer: User
) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.RECEIVED)
    with pytest.raises(TransitionNotAllowed):
        application_move(application=application, name="shortlist", actor=grants_officer)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.RECEIVED


def test_a_panel_member_cannot_move_applications_on(round_page: RoundPage, panel_member: User) -> None:
    application, _ = make_application(round_page)
    with pytest.raises(PermissionDenied):
        application_move(application=application, name="check_eligibility", actor=panel_member)


def test_the_page_offers_the_allowed_moves_and_a_button_press_moves_it_once(
    round_page: RoundPage, grants_officer: User
) -> None:
    application, _ = make_application(round_page)
    client = client_for(grants_officer)
    body = client.get(f"/admin/grants/{application.pk}/").content.decode()
    assert "Check eligibility" in body and "Shortlist" not in body
    assert_unique_ids(body)
    key = submission_key_new()
    for _ in range(2):  # a double click
        response = client.post(
            f"/admin/grants/{application.pk}/move/", {"move": "check_eligibility", "submission_key": key}
        )
        assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBILITY_CHECK
    # The message says where it is now, not where it was.
    shown = client.get(f"/admin/grants/{application.pk}/").content.decode()
    assert f"{application.reference} is now: Eligibility check." in shown
    assert "is now: Received" not in shown
    assert AuditEvent.objects.filter(action="grants.application.eligibility_check").count() == 1


def test_the_move_screen_has_the_three_permission_checks(
    round_page: RoundPage, grants_officer: User, panel_member: User
) -> None:
    application, _ = make_application(round_page)
    url = f"/admin/grants/{application.pk}/move/"
    data = {"move": "check_eligibility", "submission_key": submission_key_new()}
    response = Client().post(url, data)
    assert response.status_code == 302 and "/login/" in response["Location"]
    PanelMembership.objects.create(round=round_page, member=panel_member, added_at=timezone.now())
    assert client_for(panel_member).post(url, data).status_code == 403
    assert client_for(grants_officer).post(url, data).status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ELIGIBILITY_CHECK


# --- panels and who reads what ---------------------------------------------------------


def test_a_panel_member_reads_only_the_rounds_they_are_named_on(
    round_page: RoundPage, other_round: RoundPage, panel_member: User, grants_officer: User
) -> None:
    mine, _ = make_application(round_page, number=1, group_name="Named Round Group")
    theirs, _ = make_application(other_round, number=2, group_name="Other Round Group")
    panel_member_add(round_page=round_page, member=panel_member, actor=grants_officer)
    client = client_for(panel_member)
    body = client.get("/admin/grants/").content.decode()
    assert "Named Round Group" in body and "Other Round Group" not in body
    assert client.get(f"/admin/grants/{mine.pk}/").status_code == 200
    # Outside their rounds it is as if it did not exist.
    assert client.get(f"/admin/grants/{theirs.pk}/").status_code == 404
    assert client.get(f"/admin/grants/{theirs.pk}/review/").status_code == 404
    assert set(selectors.applications_readable_by(panel_member)) == {mine}
    assert set(selectors.applications_readable_by(grants_officer)) == {mine, theirs}


def test_a_panel_member_on_no_panel_reads_nothing(round_page: RoundPage, panel_member: User) -> None:
    application, _ = make_application(round_page)
    client = client_for(panel_member)
    assert GROUP not in client.get("/admin/grants/").content.decode()
    assert client.get(f"/admin/grants/{application.pk}/").status_code == 404


def test_taking_someone_off_the_panel_closes_its_applications_to_them(
    round_page: RoundPage, panel_member: User, grants_officer: User
) -> None:
    application, _ = make_application(round_page)
    panel_member_add(round_page=round_page, member=panel_member, actor=grants_officer)
    assert client_for(panel_member).get(f"/admin/grants/{application.pk}/").status_code == 200
    assert panel_member_remove(round_page=round_page, member=panel_member, actor=grants_officer)
    assert client_for(panel_member).get(f"/admin/grants/{application.pk}/").status_code == 404
    actions = list(AuditEvent.objects.filter(action__startswith="grants.panel.").values_list("action", flat=True))
    assert sorted(actions) == ["grants.panel.member_added", "grants.panel.member_removed"]


def test_only_panel_members_and_grants_officers_can_be_named(
    round_page: RoundPage, grants_officer: User, caseworker: User
) -> None:
    with pytest.raises(ReviewRefused):
        panel_member_add(round_page=round_page, member=caseworker, actor=grants_officer)
    assert not PanelMembership.objects.exists()


def test_the_panel_screen_names_and_removes_members(
    round_page: RoundPage, grants_officer: User, panel_member: User
) -> None:
    client = client_for(grants_officer)
    url = f"/admin/grants/rounds/{round_page.pk}/panel/"
    key = submission_key_new()
    for _ in range(2):
        response = client.post(url, {"action": "add", "member": str(panel_member.pk), "submission_key": key})
        assert response.status_code == 302
    assert PanelMembership.objects.filter(round=round_page, member=panel_member).count() == 1
    assert "pat-panel" in client.get(url).content.decode()
    response = client.post(url, {"action": "remove", "member": str(panel_member.pk)})
    assert response.status_code == 302
    assert not PanelMembership.objects.exists()


def test_the_panel_screen_refuses_someone_not_on_the_list_with_a_message(
    round_page: RoundPage, grants_officer: User, caseworker: User
) -> None:
    response = client_for(grants_officer).post(
        f"/admin/grants/rounds/{round_page.pk}/panel/",
        {"action": "add", "member": str(caseworker.pk), "submission_key": submission_key_new()},
    )
    assert response.status_code == 400
    assert "Choose someone from the list" in response.content.decode()
    assert not PanelMembership.objects.exists()


@pytest.mark.parametrize("role", ["panel_member", "caseworker", "administrator"])
def test_the_panel_screen_has_the_three_permission_checks(
    role: str, round_page: RoundPage, grants_officer: User, request: Any
) -> None:
    url = f"/admin/grants/rounds/{round_page.pk}/panel/"
    response = Client().get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    user: User = request.getfixturevalue(role)
    # The Administrator decides too (decide_application), so may name panels.
    expected = 200 if role == "administrator" else 403
    assert client_for(user).get(url).status_code == expected
    assert client_for(grants_officer).get(url).status_code == 200


# --- reviews ---------------------------------------------------------------------------


def test_a_review_scores_every_criterion_and_is_stored_once_on_a_double_click(
    round_page: RoundPage, under_review: Application, panel_member: User, grants_officer: User
) -> None:
    panel_member_add(round_page=round_page, member=panel_member, actor=grants_officer)
    client = client_for(panel_member)
    data = review_post(round_page, scores=(5, 2))
    for _ in range(2):
        response = client.post(f"/admin/grants/{under_review.pk}/review/", data)
        assert response.status_code == 302
    review = Review.objects.get()
    assert review.reviewer == panel_member
    assert review.scores == dict(zip(criteria_ids(round_page), [5, 2], strict=True))
    assert review.recommendation == Recommendation.FUND
    assert AuditEvent.objects.filter(action="grants.review.submitted").count() == 1


def test_the_review_form_offers_scores_in_words_in_fieldsets(
    round_page: RoundPage, under_review: Application, grants_officer: User
) -> None:
    body = client_for(grants_officer).get(f"/admin/grants/{under_review.pk}/review/").content.decode()
    assert "1 – does not meet it" in body and "5 – meets it fully" in body
    assert_unique_ids(body)
    assert body.count("<legend") == len(criteria_ids(round_page)) + 1  # each criterion and the recommendation
    assert "The group is user-led." in body
    # The group's answers are beside the form: reading them is audited.
    assert AuditEvent.objects.filter(action="grants.application.viewed", actor=grants_officer).count() == 1


def test_a_review_with_a_missing_score_keeps_the_answers_and_stores_nothing(
    round_page: RoundPage, under_review: Application, grants_officer: User
) -> None:
    data = review_post(round_page)
    del data[criterion_field_name(criteria_ids(round_page)[1])]
    response = client_for(grants_officer).post(f"/admin/grants/{under_review.pk}/review/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "Choose a score for: The cost is realistic." in body
    assert "Clear plan, realistic costs." in body
    assert not Review.objects.exists()


def test_the_service_refuses_partial_or_out_of_range_scores(under_review: Application, grants_officer: User) -> None:
    ids = criteria_ids(under_review.round)
    for scores in ({ids[0]: 3}, {ids[0]: 3, ids[1]: 6}, {ids[0]: 0, ids[1]: 2}):
        with pytest.raises(ReviewRefused):
            review_submit(
                application=under_review, reviewer=grants_officer, scores=scores, comment="", recommendation="fund"
            )
    assert not Review.objects.exists()


def test_one_review_per_reviewer(under_review: Application, grants_officer: User) -> None:
    score(under_review, grants_officer)
    with pytest.raises(ReviewRefused, match="already sent"):
        score(under_review, grants_officer)
    assert Review.objects.count() == 1


@pytest.mark.parametrize(
    "status",
    [
        ApplicationStatus.RECEIVED,
        ApplicationStatus.ELIGIBILITY_CHECK,
        ApplicationStatus.AWARDED,
        ApplicationStatus.NOT_AWARDED,
        ApplicationStatus.WITHDRAWN,
    ],
)
def test_reviews_are_taken_only_under_review_and_at_the_panel(
    status: str, round_page: RoundPage, grants_officer: User
) -> None:
    application, _ = make_application(round_page, status=status)
    with pytest.raises(ReviewRefused, match="cannot be scored now"):
        score(application, grants_officer)
    body = client_for(grants_officer).get(f"/admin/grants/{application.pk}/review/").content.decode()
    assert "cannot be scored now" in body


def test_at_the_panel_reviews_are_still_taken(round_page: RoundPage, grants_officer: User) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.PANEL)
    assert score(application, grants_officer).pk


def test_reviews_are_blind_until_the_reviewer_sends_their_own(
    round_page: RoundPage, under_review: Application, panel_member: User, grants_officer: User
) -> None:
    panel_member_add(round_page=round_page, member=panel_member, actor=grants_officer)
    score(under_review, grants_officer, 1, 2, recommendation=Recommendation.DO_NOT_FUND)
    client = client_for(panel_member)
    body = client.get(f"/admin/grants/{under_review.pk}/").content.decode()
    assert "1 review sent so far" in body
    assert "Do not fund it" not in body and "grace-grants" not in body and "Average" not in body
    assert not selectors.reviews_visible_to(application=under_review, user=panel_member)
    client.post(f"/admin/grants/{under_review.pk}/review/", review_post(round_page, scores=(5, 4)))
    body = client.get(f"/admin/grants/{under_review.pk}/").content.decode()
    assert "Do not fund it" in body and "grace-grants" in body
    assert_unique_ids(body)
    # The averages of 1 and 5, and of 2 and 4.
    assert "3.0" in body
    assert selectors.reviews_visible_to(application=under_review, user=panel_member)


def test_a_grants_officer_who_reviews_is_blind_too_but_an_administrator_who_never_scores_sees_all(
    round_page: RoundPage, under_review: Application, panel_member: User, grants_officer: User, administrator: User
) -> None:
    panel_member_add(round_page=round_page, member=panel_member, actor=grants_officer)
    score(under_review, panel_member, 2, 2)
    assert not selectors.reviews_visible_to(application=under_review, user=grants_officer)
    assert selectors.reviews_visible_to(application=under_review, user=administrator)
    body = client_for(administrator).get(f"/admin/grants/{under_review.pk}/").content.decode()
    assert "pat-panel" in body and "2.0" in body


def test_once_decided_everyone_who_may_read_it_sees_the_reviews(
    round_page: RoundPage, grants_officer: User, panel_member: User
) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.PANEL)
    score(application, grants_officer)
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.NOT_AWARDED)
    application.refresh_from_db()
    panel_member_add(round_page=round_page, member=panel_member, actor=grants_officer)
    assert selectors.reviews_visible_to(application=application, user=panel_member)


@pytest.mark.parametrize("role", ["caseworker", "administrator"])
def test_the_review_screen_has_the_three_permission_checks(
    role: str, under_review: Application, grants_officer: User, request: Any
) -> None:
    url = f"/admin/grants/{under_review.pk}/review/"
    response = Client().get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    # Neither a Caseworker nor an Administrator scores applications.
    assert client_for(request.getfixturevalue(role)).get(url).status_code == 403
    assert client_for(grants_officer).get(url).status_code == 200


# --- conflicts of interest -------------------------------------------------------------


def test_a_conflict_excludes_the_reviewer_from_reading_scoring_and_the_reviews(
    round_page: RoundPage, under_review: Application, panel_member: User, grants_officer: User
) -> None:
    panel_member_add(round_page=round_page, member=panel_member, actor=grants_officer)
    score(under_review, grants_officer)
    client = client_for(panel_member)
    response = client.post(
        f"/admin/grants/{under_review.pk}/conflict/",
        {"note": "I chair this group.", "submission_key": submission_key_new()},
    )
    assert response.status_code == 302
    conflict = ConflictOfInterest.objects.get()
    assert conflict.reviewer == panel_member and conflict.note == "I chair this group."
    assert AuditEvent.objects.filter(action="grants.conflict.declared", actor=panel_member).count() == 1
    body = client.get(f"/admin/grants/{under_review.pk}/").content.decode()
    assert "You declared a conflict of interest" in body
    assert GROUP not in body and "Robin Shah" not in body and "grace-grants" not in body
    listing = client.get("/admin/grants/").content.decode()
    assert "You declared a conflict of interest." in listing and GROUP not in listing
    assert client.get(f"/admin/grants/{under_review.pk}/review/").status_code == 403
    with pytest.raises(ReviewRefused, match="conflict"):
        score(under_review, panel_member)
    assert not selectors.reviews_visible_to(application=under_review, user=panel_member)
    # Those who decide see who declared it and why.
    officer_page = client_for(grants_officer).get(f"/admin/grants/{under_review.pk}/").content.decode()
    assert "pat-panel: I chair this group." in officer_page
    # The reading of the conflict line is no reading of the application.
    assert (
        not AuditEvent.objects.filter(action="grants.application.viewed", actor=panel_member)
        .exclude(created_at__lt=conflict.declared_at)
        .exists()
    )


def test_a_review_sent_before_a_conflict_stops_counting(
    round_page: RoundPage, under_review: Application, panel_member: User, grants_officer: User
) -> None:
    panel_member_add(round_page=round_page, member=panel_member, actor=grants_officer)
    score(under_review, panel_member, 1, 1)
    score(under_review, grants_officer, 5, 5)
    conflict_declare(application=under_review, reviewer=panel_member, note="")
    summary = selectors.review_summary(under_review)
    assert [r.reviewer for r in summary.reviews] == [grants_officer]
    assert [line.average for line in summary.criteria] == ["5.0", "5.0"]


def test_declaring_twice_keeps_one_conflict(under_review: Application, grants_officer: User) -> None:
    conflict_declare(application=under_review, reviewer=grants_officer, note="first")
    conflict_declare(application=under_review, reviewer=grants_officer, note="second")
    assert ConflictOfInterest.objects.get().note == "first"
    assert AuditEvent.objects.filter(action="grants.conflict.declared").count() == 1


def test_a_conflicted_grants_officer_cannot_move_or_decide_it(under_review: Application, grants_officer: User) -> None:
    conflict_declare(application=under_review, reviewer=grants_officer, note="")
    with pytest.raises(PermissionDenied):
        application_move(application=under_review, name="shortlist", actor=grants_officer)
    client = client_for(grants_officer)
    assert client.get(f"/admin/grants/{under_review.pk}/decide/").status_code == 403
    under_review.refresh_from_db()
    assert under_review.status == ApplicationStatus.UNDER_REVIEW


def test_a_panel_member_cannot_declare_on_a_round_they_are_not_on(
    under_review: Application, panel_member: User
) -> None:
    with pytest.raises(ReviewRefused):
        conflict_declare(application=under_review, reviewer=panel_member, note="")
    assert client_for(panel_member).get(f"/admin/grants/{under_review.pk}/conflict/").status_code == 404


@pytest.mark.parametrize("role", ["caseworker", "administrator"])
def test_the_conflict_screen_has_the_three_permission_checks(
    role: str, under_review: Application, grants_officer: User, request: Any
) -> None:
    url = f"/admin/grants/{under_review.pk}/conflict/"
    response = Client().get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client_for(request.getfixturevalue(role)).get(url).status_code == 403
    assert client_for(grants_officer).get(url).status_code == 200


# --- the list and the page: who opens them ---------------------------------------------


def test_the_list_and_page_open_to_panel_members_and_refuse_other_roles(
    round_page: RoundPage, under_review: Application, panel_member: User, caseworker: User, grants_officer: User
) -> None:
    panel_member_add(round_page=round_page, member=panel_member, actor=grants_officer)
    for url in ("/admin/grants/", f"/admin/grants/{under_review.pk}/"):
        assert Client().get(url).status_code == 302
        assert client_for(caseworker).get(url).status_code == 403
        assert client_for(panel_member).get(url).status_code == 200


def test_the_page_shows_the_application_history(
    round_page: RoundPage, under_review: Application, grants_officer: User
) -> None:
    score(under_review, grants_officer)
    application_move(application=under_review, name="shortlist", actor=grants_officer)
    body = client_for(grants_officer).get(f"/admin/grants/{under_review.pk}/").content.decode()
    history = body.split('id="history-heading"')[1]
    assert "grace-grants (Grants officer) sent a review of the application" in history
    assert "shortlisted the application" in history
    assert "viewed the application" in history
