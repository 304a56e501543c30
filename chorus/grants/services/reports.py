"""The one short report a round may ask of a funded group: written, a recording, or a call.

Reporting is off by default (``RoundPage.asks_for_report``): IVAR's "be proportionate".
When a round asks, a group whose application was awarded answers once, on its private page,
"What did the grant make possible?", in writing, with a recording, or by asking for a call.
One report per application: a second send (a double click, or the page sent again) keeps
the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from chorus.core.audit import log_action
from chorus.grants.models import REPORT_QUESTION_ID, AnswerFile, Application, GrantReport
from chorus.grants.services.files import CheckedUpload, answer_file_save
from chorus.grants.workflow import ApplicationStatus


class ReportRefused(Exception):
    """This application is not asked for a report (the round does not ask, or it was not funded)."""


def report_asked(application: Application) -> bool:
    """Whether the group is asked for a report: the round asks, and this application was awarded."""
    return (
        application.round.asks_for_report
        and application.status == ApplicationStatus.AWARDED
        and application.personal_data_erased_at is None
    )


@dataclass(frozen=True)
class ReportAnswer:
    """What the group gave: exactly one of written words, a checked recording, or call times."""

    text: str = ""
    recording: CheckedUpload | None = None
    call_times: str = ""


def report_submit(*, application: Application, answer: ReportAnswer, now: datetime | None = None) -> GrantReport:
    """Store the group's report once; a report already sent is kept as it is and returned."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Application.objects.select_for_update(of=("self",)).select_related("round").get(pk=application.pk)
        if not report_asked(locked):
            raise ReportRefused
        existing = GrantReport.objects.filter(application=locked).first()
        if existing is not None:
            return existing
        call_me = bool(answer.call_times.strip())
        report = GrantReport.objects.create(
            application=locked,
            text=answer.text.strip() if not (answer.recording or call_me) else "",
            call_me=call_me and answer.recording is None,
            call_times=answer.call_times.strip() if answer.recording is None else "",
            submitted_at=now,
        )
        if answer.recording is not None:
            answer_file_save(application=locked, question_id=REPORT_QUESTION_ID, checked=answer.recording, now=now)
        how = "recording" if answer.recording is not None else ("call" if report.call_me else "writing")
        log_action("grants.report.received", obj=locked, data={"how": how})
    return report


@dataclass(frozen=True)
class ReportView:
    """A report as staff read it."""

    report: GrantReport
    recording: AnswerFile | None


def report_of(application: Application) -> ReportView | None:
    """The application's report and its recording, if the group has sent one."""
    report = GrantReport.objects.filter(application=application).first()
    if report is None:
        return None
    recording = AnswerFile.objects.filter(application=application, question_id=REPORT_QUESTION_ID).first()
    return ReportView(report=report, recording=recording)
