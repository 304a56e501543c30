"""Reporting is off by default; when a round asks, a funded group answers one short question once,
in writing, with a recording or by asking for a call, and staff see it on the application."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.utils.html import escape

from chorus.core.models import AuditEvent
from chorus.grants.models import REPORT_QUESTION_ID, AnswerFile, Application, FundPage, GrantReport, RoundPage
from chorus.grants.services.files import Accepts, upload_check
from chorus.grants.services.reports import ReportAnswer, ReportRefused, report_asked, report_submit
from chorus.grants.tests import sample_files
from chorus.grants.tests.factories import make_mixed_round
from chorus.grants.tests.test_applying import _fill, _key, _start
from chorus.grants.tests.test_uploads import on_disk, private_files  # noqa: F401 - a fixture
from chorus.grants.workflow import ApplicationStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def group() -> Client:
    return Client()


def _sent(group: Client, round_page: RoundPage) -> tuple[Application, str]:
    token = _start(group, round_page)
    _fill(group, round_page, token)
    assert group.post(f"/funding/application/{token}/check/", {"submission_key": _key()}).status_code == 302
    return Application.objects.get(round=round_page), token


def _award(application: Application) -> Application:
    # Deciding is another slice's screen; here only the outcome matters.
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.AWARDED, amount_awarded=450)
    application.refresh_from_db()
    return application


@pytest.fixture
def awarded(group: Client, fund: FundPage) -> tuple[Application, str]:
    round_page = make_mixed_round(fund, asks_for_report=True)
    application, token = _sent(group, round_page)
    return _award(application), token


def test_reporting_is_off_by_default(group: Client, fund: FundPage) -> None:
    round_page = make_mixed_round(fund)
    assert round_page.asks_for_report is False
    application, token = _sent(group, round_page)
    _award(application)
    assert not report_asked(application)
    page = group.get(f"/funding/application/{token}/").content.decode()
    assert "Tell us how it went" not in page and "/report/" not in page
    assert group.get(f"/funding/application/{token}/report/").status_code == 404
    posted = group.post(
        f"/funding/application/{token}/report/", {"how": "writing", "text": "A lot", "submission_key": _key()}
    )
    assert posted.status_code == 404
    assert not GrantReport.objects.exists()
    with pytest.raises(ReportRefused):
        report_submit(application=application, answer=ReportAnswer(text="A lot"))


def test_a_round_that_asks_asks_only_groups_it_funded(group: Client, fund: FundPage) -> None:
    round_page = make_mixed_round(fund, asks_for_report=True)
    application, token = _sent(group, round_page)
    assert application.status == ApplicationStatus.RECEIVED
    assert group.get(f"/funding/application/{token}/report/").status_code == 404
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.NOT_AWARDED)
    assert group.get(f"/funding/application/{token}/report/").status_code == 404
    assert "Tell us how it went" not in group.get(f"/funding/application/{token}/").content.decode()


def test_a_funded_group_is_offered_one_short_form(group: Client, awarded: tuple[Application, str]) -> None:
    _application, token = awarded
    page = group.get(f"/funding/application/{token}/").content.decode()
    assert f'href="/funding/application/{token}/report/"' in page
    form = group.get(f"/funding/application/{token}/report/").content.decode()
    assert "<legend>How would you like to tell us?" in form
    assert "What did the grant make possible?" in form
    assert 'enctype="multipart/form-data"' in form
    assert "MP3, M4A, WAV or OGG audio, or MP4, MOV or WebM video, up to 100 MB." in form
    assert "Please call me and I will tell you" in form


def test_a_written_report_is_stored_once_encrypted_and_audited(
    group: Client, awarded: tuple[Application, str]
) -> None:
    application, token = awarded
    key = _key()
    answers = {"how": "writing", "text": "Twelve meetings and a garden.", "submission_key": key}
    for _ in range(2):  # a double click
        response = group.post(f"/funding/application/{token}/report/", answers)
        assert response.status_code == 302
    report = GrantReport.objects.get()
    assert (report.text, report.call_me) == ("Twelve meetings and a garden.", False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM grants_grantreport")
        assert "garden" not in cursor.fetchone()[0]
    event = AuditEvent.objects.get(action="grants.report.received")
    assert event.object_id == str(application.pk) and event.data == {"how": "writing"}
    # Sent again with a new key (the page reloaded): still the first report, nothing more stored.
    group.post(f"/funding/application/{token}/report/", {**answers, "submission_key": _key(), "text": "Other"})
    assert GrantReport.objects.get().text == "Twelve meetings and a garden."
    thanks = group.get(f"/funding/application/{token}/report/").content.decode()
    assert "Thank you: we have your report" in thanks and "<form" not in thanks.split("<main")[-1].split("</main>")[0]


def test_a_call_instead_of_a_report(group: Client, awarded: tuple[Application, str]) -> None:
    _application, token = awarded
    missing = group.post(f"/funding/application/{token}/report/", {"how": "call", "submission_key": _key()})
    assert missing.status_code == 400 and "Say which days and times suit you." in missing.content.decode()
    group.post(
        f"/funding/application/{token}/report/",
        {"how": "call", "call_times": "Tuesday mornings", "text": "ignored", "submission_key": _key()},
    )
    report = GrantReport.objects.get()
    assert (report.call_me, report.call_times, report.text) == (True, "Tuesday mornings", "")
    assert "We will call you" in group.get(f"/funding/application/{token}/report/").content.decode()


def test_nothing_chosen_or_written_is_asked_again_with_answers_kept(
    group: Client, awarded: tuple[Application, str]
) -> None:
    _application, token = awarded
    response = group.post(f"/funding/application/{token}/report/", {"submission_key": _key()})
    assert response.status_code == 400 and "Choose how you would like to tell us." in response.content.decode()
    response = group.post(
        f"/funding/application/{token}/report/", {"how": "writing", "text": "  ", "submission_key": _key()}
    )
    assert "Write a few lines about what the grant made possible." in response.content.decode()
    assert not GrantReport.objects.exists()


def test_a_recorded_report_is_stored_sealed(
    group: Client,
    awarded: tuple[Application, str],
    private_files: Path,  # noqa: F811
) -> None:
    application, token = awarded
    response = group.post(
        f"/funding/application/{token}/report/",
        {
            "how": "recording",
            "recording": sample_files.upload(sample_files.wav(), "how.wav"),
            "submission_key": _key(),
        },
    )
    assert response.status_code == 302
    report = GrantReport.objects.get()
    recording = AnswerFile.objects.get(application=application, question_id=REPORT_QUESTION_ID)
    assert (report.text, report.call_me, recording.kind) == ("", False, "audio")
    [path] = on_disk(private_files)
    assert sample_files.wav()[:100] not in path.read_bytes()


def test_a_hostile_recorded_report_is_refused_and_nothing_is_stored(
    group: Client,
    awarded: tuple[Application, str],
    private_files: Path,  # noqa: F811
) -> None:
    _application, token = awarded
    response = group.post(
        f"/funding/application/{token}/report/",
        {
            "how": "recording",
            "recording": sample_files.upload(sample_files.mp3(title="<script>alert(1)</script>")),
            "submission_key": _key(),
        },
    )
    assert response.status_code == 400
    assert escape("This recording has text hidden in its details") in response.content.decode()
    assert not GrantReport.objects.exists() and not AnswerFile.objects.exists() and on_disk(private_files) == []


def test_staff_see_the_report_on_the_application(
    group: Client,
    awarded: tuple[Application, str],
    private_files: Path,  # noqa: F811
) -> None:
    application, _token = awarded
    assert "has not sent its report yet" in render_to_string("grants/admin/_report.html", {"application": application})
    checked = upload_check(upload=sample_files.upload(sample_files.mp3()), accepts=Accepts.RECORDING)
    report_submit(application=application, answer=ReportAnswer(recording=checked))
    recording = AnswerFile.objects.get(question_id=REPORT_QUESTION_ID)
    shown = render_to_string("grants/admin/_report.html", {"application": application})
    assert "Audio recording" in shown
    assert f'src="/admin/grants/files/{recording.pk}/"' in shown
    assert "Download the report recording" in shown
    # The report's recording is not taken for an answer to a question.
    assert "Audio recording" not in render_to_string("grants/admin/_files.html", {"application": application})


def test_a_round_that_does_not_ask_shows_staff_no_report(group: Client, fund: FundPage) -> None:
    application, _token = _sent(group, make_mixed_round(fund))
    assert render_to_string("grants/admin/_report.html", {"application": _award(application)}).strip() == ""
