"""Staff page includes for an application's files and report, so a page shows them with one include."""

from __future__ import annotations

from django import template

from chorus.grants.models import AnswerFile, Application
from chorus.grants.selectors import answer_files_of
from chorus.grants.services.reports import ReportView, report_of

register = template.Library()


@register.simple_tag
def application_files(application: Application) -> list[tuple[str, AnswerFile]]:
    """(question, file) for each file sent as an answer, in the order of the size's questions."""
    files = answer_files_of(application)
    questions = list(application.band.questions) if application.band is not None else []
    shown = [(block.value["question"], files.pop(block.id)) for block in questions if block.id in files]
    return shown + [("A question since removed from this grant size", found) for found in files.values()]


@register.simple_tag
def grant_report(application: Application) -> ReportView | None:
    return report_of(application)
