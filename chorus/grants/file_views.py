"""Files in and out: pages that take uploads, the group's report, and the staff download.

Pages that take files (``accepts_uploads``) refuse a request larger than the step limit
before reading any of it, and stop keeping any one file as soon as it passes its own
limit, so nothing oversized is written even to a temporary file. Django's documented way to
change the upload handlers is used: the view is exempt from the CSRF middleware (which
would read the body first) and checks CSRF itself, after the handler is in place.

Staff read a file only through ``file_download``: the staff guard, then
``selectors.can_read_application``, then an audit event (``grants.file.viewed``); the file is sent
as an attachment, with its checked type, ``nosniff`` and ``private, no-store``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from chorus.core.audit import log_action
from chorus.core.idempotency import KEY_FIELD, submission_once
from chorus.core.staff import staff_required
from chorus.grants.forms import (
    RECORDING_FIELD_PREFIX,
    REPORT_BY_CALL,
    REPORT_BY_RECORDING,
    REPORT_IN_WRITING,
    REPORT_RECORDING_FIELD,
    ReportForm,
)
from chorus.grants.models import AnswerFile
from chorus.grants.selectors import application_for_token, can_read_application
from chorus.grants.services.files import (
    MB,
    Accepts,
    answer_file_content,
    max_bytes,
    stored_files_kept_on_success,
    uploads_digest,
)
from chorus.grants.services.reports import ReportAnswer, ReportRefused, report_asked, report_of, report_submit

View = Callable[..., HttpResponseBase]


def limit_for_field(field_name: str) -> int:
    """The most one file field may send: a recording's limit, or a document's."""
    is_recording = field_name.startswith(RECORDING_FIELD_PREFIX) or field_name == REPORT_RECORDING_FIELD
    return max_bytes(Accepts.RECORDING if is_recording else Accepts.DOCUMENT)


class SizeLimitedUploads(FileUploadHandler):
    """First among a request's upload handlers: passes each file on until it passes its limit,
    then drops it (``SkipFile``) and notes its field, so the form can say it was too big."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.too_big: set[str] = set()
        self.received = 0
        self.limit = 0

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.received = 0
        self.limit = limit_for_field(field_name)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) makes the file


def uploads_too_big(request: HttpRequest) -> set[str]:
    """The file fields of this request that were dropped for passing their size limit."""
    for handler in request.upload_handlers:
        if isinstance(handler, SizeLimitedUploads):
            return handler.too_big
    return set()


def accepts_uploads(view: View) -> View:
    """For a view whose form takes files: the size limits above, then the CSRF check, then the view."""
    protected = csrf_protect(view)

    @wraps(view)
    @csrf_exempt
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "POST":
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.CHORUS_GRANTS_UPLOAD_REQUEST_MAX_MB * MB:
                return render(
                    request,
                    "grants/upload_too_large.html",
                    {"title": "Too much to send at once", "limit": settings.CHORUS_GRANTS_UPLOAD_REQUEST_MAX_MB},
                    status=413,
                )
            request.upload_handlers.insert(0, SizeLimitedUploads(request))
        return protected(request, *args, **kwargs)

    return guarded


def posted_answers(request: HttpRequest) -> Any:
    """What a repeat of this post must match (core.idempotency): the fields and each file's content."""
    answers = request.POST.copy()
    for name, digest in uploads_digest(request.FILES).items():
        answers[name] = digest
    return answers


# --- the group's report ------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@accepts_uploads
def report(request: HttpRequest, token: str) -> HttpResponse:
    """The one short report, on the group's private link; 404 unless the round asks and the grant was made."""
    found = application_for_token(token=token)
    if found is None or not report_asked(found):
        raise Http404("No report is asked for")
    context: dict[str, Any] = {
        "application": found,
        "round": found.round,
        "token": token,
        "title": "Tell us how it went",
    }
    sent = report_of(found)
    if sent is not None:
        if request.method == "POST":
            # A second click, or the form sent again from an older page: the first report stands.
            return redirect("grants:report", token=token)
        return render(request, "grants/report.html", {**context, "sent": sent})
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        too_big=uploads_too_big(request),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        answer = ReportAnswer(
            text=data["text"] if data["how"] == REPORT_IN_WRITING else "",
            recording=form.checked if data["how"] == REPORT_BY_RECORDING else None,
            call_times=data["call_times"] if data["how"] == REPORT_BY_CALL else "",
        )

        def send() -> str:
            report_submit(application=found, answer=answer)
            return reverse("grants:report", kwargs={"token": token}) + "?sent=1"

        try:
            with stored_files_kept_on_success():
                done = submission_once(
                    key=data[KEY_FIELD],
                    scope=f"grants.report:{found.pk}",
                    answers=posted_answers(request),
                    action=send,
                )
        except ReportRefused as refused:
            raise Http404("No report is asked for") from refused
        return redirect(done.result)
    return render(request, "grants/report.html", {**context, "form": form}, status=400 if form.errors else 200)


# --- staff reading a file ----------------------------------------------------------------


@staff_required()
def file_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One recording or document, for staff who may read its application; every reading audited."""
    answer_file = get_object_or_404(AnswerFile.objects.select_related("application"), pk=pk)
    if not can_read_application(request.user, answer_file.application):
        raise PermissionDenied
    log_action(
        "grants.file.viewed",
        obj=answer_file.application,
        request=request,
        data={"file": answer_file.pk, "kind": answer_file.kind},
    )
    response = StreamingHttpResponse(answer_file_content(answer_file), content_type=answer_file.content_type)
    response["Content-Length"] = str(answer_file.size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=answer_file.original_name or f"file-{answer_file.pk}"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
