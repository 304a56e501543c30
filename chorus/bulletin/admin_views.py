"""Staff screens for the bulletin inside the Wagtail admin: issues, progress, preview, reconciliation.

Each view is behind the staff guard (chorus.core.staff): anonymous visitors go to the
sign-in page, and staff without the bulletin permission get a 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from chorus.bulletin import selectors
from chorus.bulletin.editions import FULL_KEY, parse_edition_key
from chorus.bulletin.emails import html_body, personalise, revision_editions
from chorus.bulletin.forms import ScheduleForm, SendForm
from chorus.bulletin.models import BulletinIssue, IssueStatus
from chorus.bulletin.permissions import RECONCILE_PERMISSION, SEND_PERMISSION
from chorus.bulletin.schedule import when_in_words
from chorus.bulletin.services import lifecycle, proofs
from chorus.core.audit import log_action
from chorus.core.confirmation import Confirmation, Details, confirmation_page, confirmed
from chorus.core.idempotency import KEY_FIELD, SubmissionKeyForm, submission_once
from chorus.core.ids import posted_ids
from chorus.core.staff import staff_required


def _can_edit(request: HttpRequest, issue: BulletinIssue) -> bool:
    # Sending is a bulletin permission; editing is Wagtail's page permission, which
    # Campaigners and Administrators do not have on issue pages.
    return bool(issue.permissions_for_user(request.user).can_edit())


def _can_publish(request: HttpRequest, issue: BulletinIssue) -> bool:
    return bool(issue.permissions_for_user(request.user).can_publish())


@never_cache
@staff_required(SEND_PERMISSION)
def issues(request: HttpRequest) -> HttpResponse:
    rows = [
        (
            issue,
            selectors.issue_progress(issue_id=issue.pk),
            when_in_words(issue.scheduled_for) if issue.scheduled_for else "",
        )
        for issue in selectors.staff_issues()[:100]
    ]
    return render(request, "bulletin/admin/issues.html", {"rows": rows})


@never_cache
@staff_required(SEND_PERMISSION)
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(BulletinIssue, pk=pk)
    return _detail_page(request, issue, schedule_form=ScheduleForm())


def _email_preview(issue: BulletinIssue, *, edition: str = FULL_KEY) -> dict[str, Any]:
    """The email built by the sender's own code from the version it would send, for a sample subscriber.

    ``edition`` (chorus.bulletin.editions.edition_key) picks which subscribers' edition is shown;
    the list of editions says how many get each: those frozen once sending has started, else
    the active subscribers now.
    """
    revision = selectors.issue_preview_revision(issue=issue)
    if not issue.live or revision is None:
        return {}
    editions = revision_editions(revision)
    counts = (
        selectors.frozen_topic_counts(issue_id=issue.pk)
        if issue.status in selectors.STARTED
        else selectors.sendable_topic_counts()
    )
    summaries = selectors.issue_editions(sections=editions.sections, counts=counts, titles=editions.titles)
    # Only an edition someone gets (or the full one) can be shown: a made-up address shows the full issue.
    shown = next((summary for summary in summaries if summary.key == edition), summaries[0])
    rendered = editions.rendered(parse_edition_key(shown.key))
    message = personalise(rendered, to="subscriber@example.org", name="Alex", subscription_id=0)
    html = str(message.alternatives[0][0])
    return {
        "revision": revision,
        "is_send_version": revision.pk == issue.sending_revision_id and issue.status in selectors.STARTED,
        "editions": summaries,
        "edition": shown,
        "subject": message.subject,
        "text": message.body,
        "document": html,
        # Rendered from our own templates, with everything in it escaped there.
        "html": mark_safe(html_body(html)),
        "size_kb": round(len(message.message().as_bytes()) / 1024, 1),
    }


def _detail_page(
    request: HttpRequest,
    issue: BulletinIssue,
    *,
    schedule_form: ScheduleForm,
    send_refused: str = "",
    status: int = 200,
) -> HttpResponse:
    progress = selectors.issue_progress(issue_id=issue.pk)
    can_start = issue.status in {IssueStatus.DRAFT, IssueStatus.SCHEDULED}
    preview = _email_preview(issue) if can_start else {}
    return render(
        request,
        "bulletin/admin/issue_detail.html",
        {
            "issue": issue,
            "progress": progress,
            "can_reconcile": request.user.has_perm(RECONCILE_PERMISSION),
            "can_edit": _can_edit(request, issue),
            # Publishing the latest saved version here, so staff need not go to the editor to send.
            "can_publish_here": can_start and _can_publish(request, issue) and _has_unpublished_version(issue),
            "scheduled_words": when_in_words(issue.scheduled_for) if issue.scheduled_for else "",
            "key_form": SubmissionKeyForm(),
            "recipients_now": selectors.recipients_for(issue).count() if issue.status == IssueStatus.DRAFT else None,
            "schedule_form": schedule_form,
            "send_refused": send_refused,
            "send_version": selectors.issue_send_version(issue=issue),
            # Before sending, the screen shows the email "Send now" sends, and the button carries its version.
            "preview": preview,
        },
        status=status,
    )


@require_POST
@staff_required(SEND_PERMISSION)
def issue_action(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(BulletinIssue, pk=pk)
    action = request.POST.get("action", "")
    if action == "schedule":
        return _schedule(request, issue)
    if action == "send":
        return _send(request, issue)
    if action == "test":
        return _test_send(request, issue)
    if action == "publish":
        return _publish(request, issue)
    try:
        if action == "pause":
            lifecycle.issue_pause(issue=issue, actor=request.user)
            messages.success(request, "Paused. Messages in flight finish; nothing new starts.")
        elif action == "resume":
            lifecycle.issue_resume(issue=issue, actor=request.user)
            messages.success(request, "Sending again.")
        elif action == "cancel_schedule":
            if lifecycle.issue_schedule_cancel(issue=issue, actor=request.user):
                messages.success(
                    request, "Schedule cancelled. The issue is a draft again and will not be sent by itself."
                )
            else:
                # A second press, or another person cancelled first: the outcome is the same.
                messages.info(request, "This issue is not scheduled, so there was no schedule to cancel.")
        else:
            messages.error(request, "Unknown action.")
    except lifecycle.IssueStateError as error:
        messages.error(request, str(error))
    return redirect("bulletin_admin:detail", pk=issue.pk)


def _has_unpublished_version(issue: BulletinIssue) -> bool:
    return not issue.live or issue.has_unpublished_changes


def _detail_url(issue: BulletinIssue) -> str:
    return reverse("bulletin_admin:detail", args=[issue.pk])


def _refused_as_republished(request: HttpRequest, issue: BulletinIssue, error: Exception) -> HttpResponse:
    # The screen again, not a redirect: the message sits above the new version's preview.
    issue.refresh_from_db()
    return _detail_page(request, issue, schedule_form=ScheduleForm(), send_refused=str(error), status=409)


def _once(
    request: HttpRequest,
    issue: BulletinIssue,
    *,
    name: str,
    act: Callable[[], str],
    repeated: str = "",
    refused: Callable[[lifecycle.IssueStateError], HttpResponse] | None = None,
) -> HttpResponse:
    """Do ``act`` once for the posted one-time key, then go back to the sending screen.

    ``act`` returns its success message. A double click is answered as the first click was
    (with ``repeated`` said, if given). When the issue's state refuses the action, the
    reason is said at the top of the sending screen, unless ``refused`` answers otherwise.
    """

    def action() -> str:
        messages.success(request, act())
        return _detail_url(issue)

    try:
        done = submission_once(
            key=request.POST.get(KEY_FIELD, ""),
            scope=f"bulletin.{name}:{issue.pk}:{request.user.pk}",
            answers=request.POST,
            action=action,
        )
    except lifecycle.IssueStateError as error:
        if refused is not None:
            return refused(error)
        messages.error(request, str(error))
        return redirect(_detail_url(issue))
    if done.repeated and repeated:
        messages.info(request, repeated)
    return redirect(done.result)


def _send(request: HttpRequest, issue: BulletinIssue) -> HttpResponse:
    """ "Send now": first a page saying what will happen and to how many; the confirmed post sends."""
    form = SendForm(request.POST)
    # A form without the version (a screen from before it carried one) cannot say what was checked.
    revision_id = form.cleaned_data["revision"] if form.is_valid() else 0
    if not confirmed(request):
        return _confirm_send(request, issue, revision_id=revision_id)

    def send() -> str:
        count = lifecycle.issue_send(issue=issue, revision_id=revision_id, actor=request.user)
        return f"Sending to {_plural(count, 'subscriber', 'subscribers')}."

    def refused(error: lifecycle.IssueStateError) -> HttpResponse:
        if isinstance(error, lifecycle.IssueRepublishedError):
            return _refused_as_republished(request, issue, error)
        messages.error(request, str(error))
        return redirect(_detail_url(issue))

    return _once(
        request,
        issue,
        name="send",
        act=send,
        repeated="This issue was already sent when you pressed the button. Nothing was sent twice.",
        refused=refused,
    )


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _confirm_send(request: HttpRequest, issue: BulletinIssue, *, revision_id: int) -> HttpResponse:
    """The "are you sure" page (chorus.core.confirmation): nothing changes until its button posts again."""
    refusal = lifecycle.send_refusal(issue)
    if not refusal and revision_id != issue.live_revision_id:
        return _refused_as_republished(request, issue, lifecycle.IssueRepublishedError())
    if refusal:
        messages.error(request, refusal)
        return redirect(_detail_url(issue))
    preview = _email_preview(issue)
    editions = [edition for edition in preview.get("editions", []) if edition.recipients]
    recipients = _plural(selectors.recipients_for(issue).count(), "subscriber", "subscribers")
    subject = preview.get("subject", "")
    with_subject = f" with the subject “{subject}”" if subject else ""
    confirmation = Confirmation(
        question="Send this issue now?",
        subtitle=issue.title,
        consequences=[
            f"{issue.title} is emailed{with_subject} "
            f"to {recipients} in {_plural(len(editions), 'edition', 'editions')}, starting at once.",
        ],
        details=Details(
            caption="Who gets which edition",
            headers=["Edition", "Subscribers"],
            rows=[[edition.label, str(edition.recipients)] for edition in editions],
        )
        if editions
        else None,
        undo="Once sending starts, it cannot be taken back. You can pause it, but emails already sent stay sent.",
        button=f"Yes, send to {recipients}",
        cancel_url=_detail_url(issue),
        carried={"action": "send", "revision": str(revision_id)},
    )
    return confirmation_page(request, confirmation)


def _test_send(request: HttpRequest, issue: BulletinIssue) -> HttpResponse:
    """ "Send a test to me": one edition of the issue to the signed-in staff member only."""
    edition = request.POST.get("edition", FULL_KEY)[:200]

    def queue_test() -> str:
        proofs.issue_test_send(issue=issue, edition=edition, actor=request.user)
        address = getattr(request.user, "email", "")
        return f"A test is on its way to {address}, marked TEST. No subscriber was sent anything."

    return _once(
        request, issue, name="test", act=queue_test, repeated="That test was already sent. Nothing was sent twice."
    )


def _publish(request: HttpRequest, issue: BulletinIssue) -> HttpResponse:
    """Publish the latest saved version here, so the screen then shows (and sends) it."""

    def publish() -> str:
        lifecycle.issue_publish_latest(issue=issue, actor=request.user)
        return "Published. The email below is now the latest version: check it, then send."

    return _once(request, issue, name="publish", act=publish)


def _schedule(request: HttpRequest, issue: BulletinIssue) -> HttpResponse:
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        # The sending screen again, with the time as it was typed and what is wrong with it.
        return _detail_page(request, issue, schedule_form=form, status=400)
    when = form.cleaned_data["when"]

    def schedule() -> str:
        lifecycle.issue_schedule(issue=issue, when=when, actor=request.user)
        return f"Scheduled for {when_in_words(when)}."

    def refused(error: lifecycle.IssueStateError) -> HttpResponse:
        # Said at the top (the form itself is not on the page once sending has started),
        # with the time kept as it was typed.
        messages.error(request, str(error))
        return _detail_page(request, issue, schedule_form=form, status=400)

    # The schedule form carries no one-time key: scheduling the same time twice is one schedule.
    return _once(request, issue, name="schedule", act=schedule, refused=refused)


@never_cache
@staff_required(SEND_PERMISSION)
def progress_json(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(BulletinIssue, pk=pk)
    data = selectors.issue_progress(issue_id=issue.pk).as_dict()
    return JsonResponse(
        {
            **data,
            "status": issue.status,
            "status_label": issue.get_status_display(),
            "paused_reason": issue.paused_reason,
        }
    )


@never_cache
@staff_required(SEND_PERMISSION)
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The email exactly as subscribers get it, HTML and plain text, at phone width.

    Built by the sender's own code from the published version: a saved draft is never
    shown here, since it is never sent; the page says when one is waiting to be published.
    """
    issue = get_object_or_404(BulletinIssue, pk=pk)
    preview = _email_preview(issue, edition=request.GET.get("edition", FULL_KEY)[:200])
    context: dict[str, Any] = {"issue": issue, "can_edit": _can_edit(request, issue), "preview": preview}
    return render(request, "bulletin/admin/preview.html", context)


@never_cache
@staff_required(SEND_PERMISSION)
def preview_email(request: HttpRequest, pk: int) -> HttpResponse:
    """The HTML email of one edition on its own, as a mail program shows it (its own styles, dark mode).

    For a sample subscriber, like the preview page: no one's personal data.
    """
    issue = get_object_or_404(BulletinIssue, pk=pk)
    preview = _email_preview(issue, edition=request.GET.get("edition", FULL_KEY)[:200])
    if not preview:
        raise Http404("This issue is not published, so there is no email to show.")
    return HttpResponse(preview["document"], content_type="text/html; charset=utf-8")


@never_cache
@staff_required(RECONCILE_PERMISSION)
def reconciliation(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(BulletinIssue, pk=pk)
    if request.method == "POST":
        ids = posted_ids(request, "ids")
        outcome = request.POST.get("outcome", "")
        if outcome in {"sent", "resend"} and ids:
            count = lifecycle.deliveries_reconcile(issue=issue, delivery_ids=ids, outcome=outcome, actor=request.user)
            messages.success(request, f"{count} deliveries updated.")
        else:
            messages.error(request, "Choose at least one delivery and what happened to it.")
        return redirect("bulletin_admin:reconciliation", pk=issue.pk)
    rows = list(selectors.in_doubt_deliveries(issue_id=issue.pk)[:1000])
    # Staff are shown addresses: personal data, so the view is logged.
    log_action("bulletin.delivery.viewed_in_doubt", obj=issue, data={"count": len(rows)}, request=request)
    return render(request, "bulletin/admin/reconciliation.html", {"issue": issue, "rows": rows})
