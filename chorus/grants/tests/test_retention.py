"""The retention rule for sent applications, run by the daily job with a moved clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from chorus.accounts.models import User
from chorus.core.models import AuditEvent, OutboxMessage
from chorus.grants.choices import DeclineReason, FileKind, Recommendation
from chorus.grants.models import Answer, AnswerFile, Application, ConflictOfInterest, FundPage, Review, RoundPage
from chorus.grants.open_data import round_figures
from chorus.grants.selectors import application_for_token
from chorus.grants.services.files import private_storage
from chorus.grants.services.retention import applications_retention_apply
from chorus.grants.tasks import apply_application_retention
from chorus.grants.tests.decided import add_file, make_award, make_decline, make_sent
from chorus.grants.tests.factories import make_round
from chorus.grants.workflow import ApplicationStatus

pytestmark = pytest.mark.django_db

PERSONAL = ("contact_name", "contact_email", "contact_phone", "access_other", "call_times", "token_sealed")


@pytest.fixture
def round_page(fund: FundPage) -> RoundPage:
    now = timezone.now()
    return make_round(fund, opens=now - timedelta(days=60), closes=now - timedelta(days=30))


@pytest.fixture
def retention_days(settings: Any) -> None:
    settings.CHORUS_GRANTS_DECLINED_RETENTION_DAYS = 365
    settings.CHORUS_GRANTS_AWARDED_RETENTION_DAYS = 730


def _decided(application: Application) -> datetime:
    assert application.decided_at is not None
    return application.decided_at


def _with_everything(application: Application, reviewer: User) -> Application:
    """Answers, a stored recording, a reviewer's comment, a conflict note, access needs, a waiting email."""
    application.access_needs = ["bsl", "other"]
    application.access_other = "A quiet room"
    application.call_me = True
    application.call_times = "Tuesday mornings"
    application.save()
    Answer.objects.create(
        application=application, question_id="q1", value="Our members meet weekly.", updated_at=timezone.now()
    )
    stored = add_file(application, FileKind.AUDIO, stored_name=f"recording-{application.pk}.bin")
    private_storage().save(stored.stored_name, ContentFile(b"sealed bytes"))
    Review.objects.create(
        application=application,
        reviewer=reviewer,
        scores={"c1": 4},
        comment="I know this group's coordinator.",
        recommendation=Recommendation.FUND,
        submitted_at=timezone.now(),
    )
    ConflictOfInterest.objects.create(
        application=application, reviewer=reviewer, note="My cousin runs it.", declared_at=timezone.now()
    )
    OutboxMessage.objects.create(kind="grants.application_decided", about_id=application.pk)
    return application


def test_an_application_not_funded_keeps_everything_until_a_year_after_the_decision(
    round_page: RoundPage, retention_days: None, grants_officer: User
) -> None:
    declined = _with_everything(make_decline(round_page, reason=DeclineReason.OUTSIDE_CRITERIA), grants_officer)
    with time_machine.travel(_decided(declined) + timedelta(days=364)):
        assert apply_application_retention.call() == {"not_funded": 0, "awarded": 0, "files": 0}
    declined.refresh_from_db()
    assert declined.contact_name and declined.personal_data_erased_at is None
    assert application_for_token(token=declined.token_sealed) is not None


def test_then_its_personal_data_answers_and_files_are_erased_and_the_figures_kept(
    round_page: RoundPage,
    retention_days: None,
    grants_officer: User,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    declined = _with_everything(make_decline(round_page, reason=DeclineReason.OUTSIDE_CRITERIA), grants_officer)
    token = declined.token_sealed
    assert private_storage().exists(f"recording-{declined.pk}.bin")
    moment = _decided(declined) + timedelta(days=366)
    with time_machine.travel(moment), django_capture_on_commit_callbacks(execute=True):
        assert apply_application_retention.call() == {"not_funded": 1, "awarded": 0, "files": 1}

    declined.refresh_from_db()
    for field in PERSONAL:
        assert getattr(declined, field) == "", field
    assert declined.group_name == "" and declined.registered_number == "" and declined.decision_message == ""
    assert declined.access_needs == [] and declined.email_digest == ""
    assert declined.personal_data_erased_at is not None
    assert application_for_token(token=token) is None  # the emailed link no longer opens it
    assert not Answer.objects.filter(application=declined).exists()
    assert not AnswerFile.objects.filter(application=declined).exists()
    assert not private_storage().exists(f"recording-{declined.pk}.bin")
    assert Review.objects.get(application=declined).comment == ""
    assert Review.objects.get(application=declined).scores == {"c1": 4}
    assert ConflictOfInterest.objects.get(application=declined).note == ""
    assert not OutboxMessage.objects.filter(about_id=declined.pk).exists()
    # What the transparency page counts stays.
    assert declined.status == ApplicationStatus.NOT_AWARDED and declined.call_me and declined.had_audio
    assert declined.decision_reason == DeclineReason.OUTSIDE_CRITERIA and declined.reference
    formats = {line.label: line.count.count for line in round_figures(round_page).formats}
    assert formats["Audio recording"] == 1 and formats["A phone call"] == 1

    event = AuditEvent.objects.get(action="grants.application.personal_data_erased")
    assert event.data == {"count": 1, "not_funded": 1, "awarded": 0, "files": 1}


def test_a_withdrawn_application_is_erased_a_year_after_the_withdrawal(
    round_page: RoundPage, retention_days: None
) -> None:
    withdrawn_at = round_page.closes_at + timedelta(days=3)
    withdrawn = make_sent(round_page, status=ApplicationStatus.WITHDRAWN, withdrawn_at=withdrawn_at)
    assert applications_retention_apply(now=withdrawn_at + timedelta(days=364)).not_funded == 0
    assert applications_retention_apply(now=withdrawn_at + timedelta(days=366)).not_funded == 1
    withdrawn.refresh_from_db()
    assert withdrawn.contact_email == "" and withdrawn.group_name == ""


def test_a_grant_keeps_its_group_and_award_and_loses_the_rest_two_years_after_its_planned_end(
    round_page: RoundPage, retention_days: None, grants_officer: User
) -> None:
    award = _with_everything(
        make_award(
            round_page,
            amount=2000,
            is_registered=True,
            registered_with="charity_ew",
            registered_number="1234567",
            group_name="Leeds Hearing Voices",
            planned_start=date(2027, 1, 1),
            planned_end=date(2027, 12, 31),
        ),
        grants_officer,
    )
    assert applications_retention_apply(now=_decided(award) + timedelta(days=800)).awarded == 0
    with time_machine.travel("2029-12-30 12:00Z"):
        assert applications_retention_apply().awarded == 0
    with time_machine.travel("2030-01-01 12:00Z"):
        assert applications_retention_apply().awarded == 1

    award.refresh_from_db()
    for field in PERSONAL:
        assert getattr(award, field) == "", field
    assert award.decision_message == "" and not award.answers.exists() and not award.files.exists()
    assert (award.group_name, award.registered_with, award.registered_number) == (
        "Leeds Hearing Voices",
        "charity_ew",
        "1234567",
    )
    assert (award.amount_awarded, award.planned_end) == (2000, date(2027, 12, 31))
    assert award.award_description == "Weekly peer support meetings for a year."


def test_a_grant_without_planned_dates_counts_from_its_award_date(round_page: RoundPage, retention_days: None) -> None:
    award = make_award(round_page, award_date=date(2027, 3, 1))
    assert applications_retention_apply(now=datetime(2029, 2, 27, 12, tzinfo=UTC)).awarded == 0
    assert applications_retention_apply(now=datetime(2029, 3, 2, 12, tzinfo=UTC)).awarded == 1
    award.refresh_from_db()
    assert award.contact_email == "" and award.group_name


def test_applications_still_being_decided_are_never_erased_and_a_second_run_does_nothing(
    round_page: RoundPage, retention_days: None
) -> None:
    waiting = make_sent(round_page, status=ApplicationStatus.PANEL)
    declined = make_decline(round_page)
    later = timezone.now() + timedelta(days=3000)
    assert applications_retention_apply(now=later).not_funded == 1
    assert applications_retention_apply(now=later).not_funded == 0
    assert AuditEvent.objects.filter(action="grants.application.personal_data_erased").count() == 1
    waiting.refresh_from_db()
    assert waiting.contact_email and waiting.personal_data_erased_at is None
    declined.refresh_from_db()
    assert declined.personal_data_erased_at is not None


def test_the_periods_follow_the_settings(round_page: RoundPage, settings: Any) -> None:
    settings.CHORUS_GRANTS_DECLINED_RETENTION_DAYS = 30
    declined = make_decline(round_page)
    assert applications_retention_apply(now=_decided(declined) + timedelta(days=31)).not_funded == 1
