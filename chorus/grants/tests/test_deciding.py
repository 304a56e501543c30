"""Deciding: an award (from the panel) or not (from the check, the review or the panel), always with a
message to the group; the email that says a decision is ready; what the group then reads; a call's
answers typed in by staff; the round's export; the decision-date reminder; the officer's panel."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from chorus.accounts.models import User
from chorus.core.deadlines import LONDON
from chorus.core.idempotency import submission_key_new
from chorus.core.models import AuditEvent, OutboxMessage
from chorus.core.outbox import outbox_send
from chorus.core.workflow import ReasonRequired, TransitionNotAllowed
from chorus.grants.choices import DeclineReason, FileKind
from chorus.grants.dashboard import grants_officer_panel
from chorus.grants.forms import question_field_name
from chorus.grants.models import Answer, AnswerFile, FundPage, RoundPage
from chorus.grants.services.call_answers import CallAnswersRefused, answers_enter_for_group
from chorus.grants.services.decisions import (
    DECIDED_EMAIL,
    REMINDER_EMAIL,
    Award,
    DecisionRefused,
    application_award,
    application_decline,
    decision_reminders_send,
)
from chorus.grants.services.reviews import panel_member_add
from chorus.grants.tests.factories import make_round
from chorus.grants.tests.test_reviewing import GROUP, assert_unique_ids, make_application, make_panel_member
from chorus.grants.workflow import ApplicationStatus
from conftest import client_for

pytestmark = pytest.mark.django_db

MESSAGE = "Thank you. The panel liked the plan; we could fund only eleven groups this round."


@pytest.fixture
def round_page(fund: FundPage) -> RoundPage:
    return make_round(fund, budget=20000)


def an_award(**changes: Any) -> Award:
    values: dict[str, Any] = {
        "amount": 1200,
        "award_date": date(2027, 2, 1),
        "planned_start": date(2027, 3, 1),
        "planned_end": date(2028, 2, 28),
        "description": "Weekly peer support meetings for a year.",
    }
    values.update(changes)
    return Award(**values)


def _prefixed(prefix: str, data: dict[str, str]) -> dict[str, str]:
    # The page holds both forms, each with its prefix, so their ids never repeat.
    return {"action": prefix, **{f"{prefix}-{name}": value for name, value in data.items()}}


def award_post(**changes: str) -> dict[str, str]:
    data = {
        "amount": "1200",
        "award_date": "2027-02-01",
        "planned_start": "01/03/2027",
        "planned_end": "2028-02-28",
        "description": "Weekly peer support meetings for a year.",
        "message": MESSAGE,
        "submission_key": submission_key_new(),
    }
    data.update(changes)
    return _prefixed("award", data)


def decline_post(**changes: str) -> dict[str, str]:
    data = {"reason": DeclineReason.OVERSUBSCRIBED, "message": MESSAGE, "submission_key": submission_key_new()}
    data.update(changes)
    return _prefixed("decline", data)


# --- the services: every decision and its rules ---------------------------------------


def test_an_award_from_the_panel_records_the_figures_the_message_and_queues_one_email(
    round_page: RoundPage, grants_officer: User
) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.PANEL)
    application_award(application=application, actor=grants_officer, award=an_award(), message=MESSAGE)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.AWARDED
    assert application.decided_at is not None
    assert application.amount_awarded == 1200
    assert (application.planned_start, application.planned_end) == (date(2027, 3, 1), date(2028, 2, 28))
    assert application.award_description == "Weekly peer support meetings for a year."
    assert application.decision_message == MESSAGE
    assert OutboxMessage.objects.filter(kind=DECIDED_EMAIL, about_id=application.pk).count() == 1
    event = AuditEvent.objects.get(action="grants.application.awarded")
    assert event.data["amount"] == 1200 and MESSAGE not in str(event.data)


@pytest.mark.parametrize(
    "status", [ApplicationStatus.RECEIVED, ApplicationStatus.ELIGIBILITY_CHECK, ApplicationStatus.UNDER_REVIEW]
)
def test_an_award_is_made_only_at_the_panel(status: str, round_page: RoundPage, grants_officer: User) -> None:
    application, _ = make_application(round_page, status=status)
    with pytest.raises(TransitionNotAllowed):
        application_award(application=application, actor=grants_officer, award=an_award(), message=MESSAGE)
    application.refresh_from_db()
    assert application.status == status and application.decided_at is None
    assert not OutboxMessage.objects.filter(kind=DECIDED_EMAIL).exists()


@pytest.mark.parametrize(
    "status", [ApplicationStatus.ELIGIBILITY_CHECK, ApplicationStatus.UNDER_REVIEW, ApplicationStatus.PANEL]
)
def test_not_funding_is_decided_from_the_check_the_review_or_the_panel(
    status: str, round_page: RoundPage, grants_officer: User
) -> None:
    application, _ = make_application(round_page, status=status)
    application_decline(
        application=application, actor=grants_officer, reason=DeclineReason.NOT_ELIGIBLE, message=MESSAGE
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_AWARDED
    assert application.decision_reason == DeclineReason.NOT_ELIGIBLE
    assert application.decision_message == MESSAGE
    assert application.amount_awarded is None
    assert AuditEvent.objects.get(action="grants.application.not_awarded").data["reason"] == "not_eligible"


@pytest.mark.parametrize(
    "status", [ApplicationStatus.RECEIVED, ApplicationStatus.AWARDED, ApplicationStatus.WITHDRAWN]
)
def test_not_funding_is_refused_from_other_states(status: str, round_page: RoundPage, grants_officer: User) -> None:
    application, _ = make_application(round_page, status=status)
    with pytest.raises(TransitionNotAllowed):
        application_decline(application=application, actor=grants_officer, reason=DeclineReason.OTHER, message=MESSAGE)
    application.refresh_from_db()
    assert application.status == status


@pytest.mark.parametrize("message", ["", "   \n  "])
def test_every_decision_requires_a_message(message: str, round_page: RoundPage, grants_officer: User) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.PANEL)
    with pytest.raises(DecisionRefused, match="message"):
        application_award(application=application, actor=grants_officer, award=an_award(), message=message)
    with pytest.raises(DecisionRefused, match="message"):
        application_decline(application=application, actor=grants_officer, reason=DeclineReason.OTHER, message=message)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PANEL and application.decided_at is None
    assert not OutboxMessage.objects.exists()


def test_the_engine_itself_refuses_a_decline_without_words(round_page: RoundPage, grants_officer: User) -> None:
    from chorus.core.workflow import transition
    from chorus.grants.workflow import APPLICATION_WORKFLOW

    application, _ = make_application(round_page, status=ApplicationStatus.PANEL)
    with pytest.raises(ReasonRequired):
        transition(APPLICATION_WORKFLOW, application, name="decline", actor=grants_officer, reason="")


@pytest.mark.parametrize("reason", ["", "because", "OVERSUBSCRIBED"])
def test_not_funding_requires_a_reason_from_the_list(reason: str, round_page: RoundPage, grants_officer: User) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.PANEL)
    with pytest.raises(DecisionRefused, match="reason"):
        application_decline(application=application, actor=grants_officer, reason=reason, message=MESSAGE)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PANEL


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"amount": 0}, "at least £1"),
        ({"amount": 20001}, "budget"),
        ({"planned_end": date(2027, 2, 1)}, "planned end"),
        ({"description": ""}, "one line"),
        ({"description": "Two\nlines"}, "one line"),
        ({"description": "x" * 201}, "one line"),
    ],
)
def test_an_award_with_wrong_figures_is_refused(
    changes: dict[str, Any], words: str, round_page: RoundPage, grants_officer: User
) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.PANEL)
    with pytest.raises(DecisionRefused, match=words):
        application_award(application=application, actor=grants_officer, award=an_award(**changes), message=MESSAGE)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PANEL


def test_a_panel_member_cannot_decide(round_page: RoundPage, grants_officer: User, roles: None) -> None:
    from django.core.exceptions import PermissionDenied

    panel_member = make_panel_member()
    application, _ = make_application(round_page, status=ApplicationStatus.PANEL)
    with pytest.raises(PermissionDenied):
        application_award(application=application, actor=panel_member, award=an_award(), message=MESSAGE)


# --- the decision screen ---------------------------------------------------------------


def test_the_decision_screen_awards_once_on_a_double_click(round_page: RoundPage, grants_officer: User) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.PANEL)
    client = client_for(grants_officer)
    body = client.get(f"/admin/grants/{application.pk}/decide/").content.decode()
    assert "Award a grant" in body and "Do not award" in body
    assert "published on our website" in body
    assert_unique_ids(body)
    data = award_post()
    for _ in range(2):
        response = client.post(f"/admin/grants/{application.pk}/decide/", data)
        assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.AWARDED and application.amount_awarded == 1200
    assert application.planned_start == date(2027, 3, 1)
    assert OutboxMessage.objects.filter(kind=DECIDED_EMAIL).count() == 1
    assert AuditEvent.objects.filter(action="grants.application.awarded").count() == 1


def test_before_the_panel_only_not_funding_is_offered(round_page: RoundPage, grants_officer: User) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.UNDER_REVIEW)
    client = client_for(grants_officer)
    body = client.get(f"/admin/grants/{application.pk}/decide/").content.decode()
    assert "Award a grant" not in body and "Do not award" in body
    response = client.post(f"/admin/grants/{application.pk}/decide/", award_post())
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UNDER_REVIEW


def test_a_decision_without_a_message_shows_the_error_and_keeps_the_answers(
    round_page: RoundPage, grants_officer: User
) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.PANEL)
    response = client_for(grants_officer).post(
        f"/admin/grants/{application.pk}/decide/", award_post(message="", description="Rent for the hall.")
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and "every decision comes with one" in body
    assert "Rent for the hall." in body and 'value="1200"' in body
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PANEL
    assert not OutboxMessage.objects.exists()


def test_not_funding_without_a_reason_shows_the_error_and_keeps_the_message(
    round_page: RoundPage, grants_officer: User
) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.PANEL)
    data = decline_post()
    del data["decline-reason"]
    response = client_for(grants_officer).post(f"/admin/grants/{application.pk}/decide/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose the main reason it was not funded." in body and MESSAGE in body
    assert "<legend" in body
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PANEL


def test_the_screen_refuses_an_amount_over_the_budget_with_a_message(
    round_page: RoundPage, grants_officer: User
) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.PANEL)
    response = client_for(grants_officer).post(f"/admin/grants/{application.pk}/decide/", award_post(amount="25000"))
    assert response.status_code == 400
    assert "more than the round&#x27;s budget of £20,000" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PANEL


@pytest.mark.parametrize("reason", DeclineReason.values)
def test_every_reason_can_be_chosen_on_the_screen(reason: str, round_page: RoundPage, grants_officer: User) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.ELIGIBILITY_CHECK)
    response = client_for(grants_officer).post(f"/admin/grants/{application.pk}/decide/", decline_post(reason=reason))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.NOT_AWARDED and application.decision_reason == reason


@pytest.mark.parametrize("role", ["caseworker", "panel_member"])
def test_the_decision_screen_has_the_three_permission_checks(
    role: str, round_page: RoundPage, grants_officer: User, request: Any, roles: None
) -> None:
    application, _ = make_application(round_page, status=ApplicationStatus.PANEL)
    url = f"/admin/grants/{application.pk}/decide/"
    response = Client().get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    user = make_panel_member() if role == "panel_member" else request.getfixturevalue(role)
    if role == "panel_member":
        panel_member_add(round_page=round_page, member=user, actor=grants_officer)
    assert client_for(user).get(url).status_code == 403
    assert client_for(user).post(url, decline_post()).status_code == 403
    assert client_for(grants_officer).get(url).status_code == 200
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PANEL


# --- the email, and what the group reads ------------------------------------------------


def test_the_email_says_a_decision_is_ready_with_the_link_and_nothing_else(
    round_page: RoundPage, grants_officer: User
) -> None:
    application, token = make_application(round_page, status=ApplicationStatus.PANEL)
    application_decline(
        application=application, actor=grants_officer, reason=DeclineReason.OVERSUBSCRIBED, message=MESSAGE
    )
    mail.outbox.clear()
    outbox_send()
    outbox_send()  # a second run sends nothing more
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["group1@example.org"]
    assert application.reference in email.subject
    assert f"/funding/application/{token}/" in email.body
    for private in (MESSAGE, "More good applications", "not fund", GROUP):
        assert private not in email.body
        assert private not in str(email.alternatives)


def test_the_group_reads_a_refusal_with_its_reason_and_message(round_page: RoundPage, grants_officer: User) -> None:
    application, token = make_application(round_page, status=ApplicationStatus.UNDER_REVIEW)
    application_decline(
        application=application, actor=grants_officer, reason=DeclineReason.OUTSIDE_CRITERIA, message=MESSAGE
    )
    body = Client().get(f"/funding/application/{token}/").content.decode()
    assert "Our decision" in body and "We could not fund this application this time." in body
    assert "Outside what this fund pays for" in body
    assert "eleven groups this round" in body
    assert "outside_criteria" not in body


def test_the_group_reads_an_award_with_its_amount_dates_and_message(
    round_page: RoundPage, grants_officer: User
) -> None:
    application, token = make_application(round_page, status=ApplicationStatus.PANEL)
    application_award(application=application, actor=grants_officer, award=an_award(), message=MESSAGE)
    body = Client().get(f"/funding/application/{token}/").content.decode()
    assert "£1,200" in body and "1 March 2027" in body and "28 February 2028" in body
    assert "Weekly peer support meetings for a year." in body and "eleven groups this round" in body


def test_a_group_not_yet_decided_sees_no_decision(round_page: RoundPage) -> None:
    _, token = make_application(round_page, status=ApplicationStatus.PANEL)
    assert "Our decision" not in Client().get(f"/funding/application/{token}/").content.decode()


# --- a call's answers, typed in by staff -----------------------------------------------


def test_staff_type_in_a_calls_answers_marked_and_shown_to_the_group(
    round_page: RoundPage, grants_officer: User
) -> None:
    application, token = make_application(round_page, call_me=True)
    band = application.band
    assert band is not None
    first, second, _ = [block.id for block in band.questions]
    client = client_for(grants_officer)
    form = client.get(f"/admin/grants/{application.pk}/answers/").content.decode()
    assert "Question 1?" in form
    assert_unique_ids(form)
    data = {
        question_field_name(first): "We meet every Tuesday.",
        question_field_name(second): "",
        "submission_key": submission_key_new(),
    }
    for _ in range(2):
        assert client.post(f"/admin/grants/{application.pk}/answers/", data).status_code == 302
    answer = Answer.objects.get(application=application)
    assert answer.question_id == first and answer.entered_by_staff and answer.value == "We meet every Tuesday."
    assert AuditEvent.objects.filter(action="grants.application.answers_typed").count() == 1
    staff_page = client.get(f"/admin/grants/{application.pk}/").content.decode()
    assert "Typed in by our staff from the call: Question 1?" in staff_page
    group_page = Client().get(f"/funding/application/{token}/").content.decode()
    assert "Typed in by our staff from your call" in group_page and "We meet every Tuesday." in group_page


def test_answers_are_typed_in_only_for_a_call_still_being_considered(
    round_page: RoundPage, grants_officer: User
) -> None:
    written, _ = make_application(round_page, number=1)
    decided, _ = make_application(round_page, number=2, call_me=True, status=ApplicationStatus.NOT_AWARDED)
    for application in (written, decided):
        with pytest.raises(CallAnswersRefused):
            answers_enter_for_group(application=application, values={"q": "text"}, actor=grants_officer)
        response = client_for(grants_officer).get(f"/admin/grants/{application.pk}/answers/")
        assert response.status_code == 302
    assert not Answer.objects.exists()


@pytest.mark.parametrize("role", ["caseworker", "panel_member"])
def test_the_answers_screen_has_the_three_permission_checks(
    role: str, round_page: RoundPage, grants_officer: User, request: Any, roles: None
) -> None:
    application, _ = make_application(round_page, call_me=True)
    url = f"/admin/grants/{application.pk}/answers/"
    response = Client().get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    user = make_panel_member() if role == "panel_member" else request.getfixturevalue(role)
    assert client_for(user).get(url).status_code == 403
    assert client_for(grants_officer).get(url).status_code == 200


# --- the round's export ----------------------------------------------------------------


def test_the_export_lists_the_rounds_applications_without_answers_or_contacts_and_is_audited(
    round_page: RoundPage, grants_officer: User, fund: FundPage
) -> None:
    written, _ = make_application(round_page, number=1, status=ApplicationStatus.PANEL)
    by_call, _ = make_application(round_page, number=2, call_me=True, status=ApplicationStatus.UNDER_REVIEW)
    recorded, _ = make_application(round_page, number=3, status=ApplicationStatus.ELIGIBILITY_CHECK)
    AnswerFile.objects.create(
        application=recorded,
        question_id="q",
        kind=FileKind.AUDIO,
        stored_name="sample-recording",
        content_type="audio/mpeg",
        size=10,
        uploaded_at=timezone.now(),
    )
    other_round = make_round(fund, title="Summer round")
    make_application(other_round, number=4)
    application_award(application=written, actor=grants_officer, award=an_award(), message=MESSAGE)
    application_decline(application=by_call, actor=grants_officer, reason=DeclineReason.OTHER, message=MESSAGE)
    response = client_for(grants_officer).get(f"/admin/grants/rounds/{round_page.pk}/applications.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    content = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == ["Reference", "Status", "Late", "Format", "Grant size", "Sent", "Decision", "Amount awarded (£)"]
    by_reference = {row[0]: row for row in rows[1:]}
    assert set(by_reference) == {written.reference, by_call.reference, recorded.reference}
    assert by_reference[written.reference][1:5] == ["Awarded", "No", "written", "Small grants"]
    assert by_reference[written.reference][6:] == ["Awarded", "1200"]
    assert by_reference[by_call.reference][3] == "call"
    assert by_reference[by_call.reference][6] == "Not awarded: Another reason, explained in the message"
    assert by_reference[recorded.reference][3] == "recording"
    for private in (GROUP, "Robin Shah", "example.org", MESSAGE):
        assert private not in content
    event = AuditEvent.objects.get(action="grants.round.exported")
    assert event.data == {"rows": 3} and event.actor_id == grants_officer.pk


@pytest.mark.parametrize("role", ["caseworker", "panel_member"])
def test_the_export_has_the_three_permission_checks(
    role: str, round_page: RoundPage, grants_officer: User, request: Any, roles: None
) -> None:
    url = f"/admin/grants/rounds/{round_page.pk}/applications.csv"
    response = Client().get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    user = make_panel_member() if role == "panel_member" else request.getfixturevalue(role)
    assert client_for(user).get(url).status_code == 403
    assert client_for(grants_officer).get(url).status_code == 200
    assert not AuditEvent.objects.filter(action="grants.round.exported", actor=user).exists()


# --- the decision-date reminder --------------------------------------------------------


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON)


def test_the_reminder_goes_once_a_week_before_the_decision_date_while_some_are_undecided(
    round_page: RoundPage, grants_officer: User, administrator: User
) -> None:
    make_application(round_page, status=ApplicationStatus.UNDER_REVIEW)
    decided_by = round_page.decision_date
    assert decision_reminders_send(now=_at(decided_by - timedelta(days=8))) == 0
    assert not OutboxMessage.objects.filter(kind=REMINDER_EMAIL).exists()
    assert decision_reminders_send(now=_at(decided_by - timedelta(days=7))) == 1
    # The next days, and on the day itself, nothing more: it is recorded once.
    for days_before in (6, 1, 0):
        assert decision_reminders_send(now=_at(decided_by - timedelta(days=days_before))) == 0
    rows = OutboxMessage.objects.filter(kind=REMINDER_EMAIL)
    assert [row.user_id for row in rows] == [grants_officer.pk]
    assert AuditEvent.objects.filter(action="grants.round.decision_reminder_sent").count() == 1
    mail.outbox.clear()
    outbox_send()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [grants_officer.email]
    assert "1 application" in email.body and round_page.title in email.body
    assert f"/admin/grants/?round={round_page.pk}" in email.body
    assert GROUP not in email.body


def test_no_reminder_when_everything_is_decided_or_the_date_has_passed(
    round_page: RoundPage, grants_officer: User
) -> None:
    make_application(round_page, status=ApplicationStatus.NOT_AWARDED)
    decided_by = round_page.decision_date
    assert decision_reminders_send(now=_at(decided_by - timedelta(days=3))) == 0
    make_application(round_page, number=2, status=ApplicationStatus.PANEL)
    assert decision_reminders_send(now=_at(decided_by + timedelta(days=1))) == 0
    assert not OutboxMessage.objects.filter(kind=REMINDER_EMAIL).exists()


def test_a_moved_decision_date_is_reminded_of_again(round_page: RoundPage, grants_officer: User) -> None:
    make_application(round_page, status=ApplicationStatus.PANEL)
    first = round_page.decision_date
    assert decision_reminders_send(now=_at(first - timedelta(days=5))) == 1
    RoundPage.objects.filter(pk=round_page.pk).update(decision_date=first + timedelta(days=14))
    assert decision_reminders_send(now=_at(first - timedelta(days=4))) == 0
    assert decision_reminders_send(now=_at(first + timedelta(days=7))) == 1
    assert OutboxMessage.objects.filter(kind=REMINDER_EMAIL).count() == 2


def test_the_reminder_is_a_daily_periodic_job() -> None:
    from chorus.core.periodic import periodic_jobs

    jobs = {job.name: job for job in periodic_jobs()}
    assert jobs["grants-decision-reminders"].every == timedelta(days=1)


# --- the Grants officer's home page panel ----------------------------------------------


def test_the_officers_panel_counts_what_waits_per_round_with_the_decision_date(
    round_page: RoundPage, grants_officer: User, caseworker: User
) -> None:
    make_application(round_page, number=1, status=ApplicationStatus.UNDER_REVIEW)
    make_application(round_page, number=2, status=ApplicationStatus.RECEIVED)
    make_application(round_page, number=3, status=ApplicationStatus.AWARDED)
    panel = grants_officer_panel(today=round_page.decision_date - timedelta(days=30))
    (line,) = panel.lines
    assert line.count == 2 and round_page.title in line.label
    assert f"{round_page.decision_date:%-d %B %Y}" in line.detail and not line.attention
    assert grants_officer_panel(today=round_page.decision_date - timedelta(days=2)).lines[0].attention
    body = client_for(grants_officer).get("/admin/").content.decode()
    assert "Funding applications" in body and "waiting for a decision in" in body
    assert "waiting for a decision in" not in client_for(caseworker).get("/admin/").content.decode()
