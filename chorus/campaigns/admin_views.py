"""Staff screens for campaign actions, inside the Wagtail admin.

Each view is behind the staff guard (chorus.core.staff) with a campaigns permission
(Campaigner, Administrator), and every screen or file that shows signers' details
writes an audit event.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.admin.views.generic import CreateView, DeleteView, EditView

from chorus.campaigns.charts import signatures_chart
from chorus.campaigns.delivery_packs import (
    PACK_PERMISSION,
    DeliveryPackUnavailable,
    delivery_pack_of,
    delivery_pack_open,
    delivery_pack_request,
    delivery_packs_of,
)
from chorus.campaigns.emails import campaign_update_email
from chorus.campaigns.forms import CampaignUpdateForm, InvalidationForm
from chorus.campaigns.letter_selectors import letter_counts_by_office, letter_totals, letters_summary
from chorus.campaigns.models import ActionPage, CampaignUpdate, DeliveryPack, Invalidation, PetitionPage, Signature
from chorus.campaigns.selectors import (
    InvalidationCriteria,
    InvalidationPreview,
    action_count,
    actions_for_staff,
    count_explained,
    dashboard_figures,
    invalidation_preview,
    listed_signatures,
    organisations_decided,
    organisations_to_moderate,
    postcode_areas,
    sent_update,
    sent_updates,
    signatures_by_day,
    update_recipients,
)
from chorus.campaigns.services.actions import action_transition
from chorus.campaigns.services.moderation import invalidation_reverse, organisations_moderate, signatures_invalidate
from chorus.campaigns.services.updates import campaign_update_send
from chorus.campaigns.workflow import ActionState, transition_for, transitions_from
from chorus.core.audit import log_action
from chorus.core.confirmation import Confirmation, confirmation_key, confirmation_page, confirmed
from chorus.core.idempotency import submission_once
from chorus.core.ids import posted_ids
from chorus.core.spreadsheets import csv_lines
from chorus.core.staff import staff_required
from chorus.core.workflow import Transition

# Where each recipient's own stop link goes, in an update shown to staff.
STOP_LINK_SHOWN = "(each person's own link to stop updates)"
# Campaign screens are seen with campaigns.view_signature, and changed with change_signature.
VIEW_PERMISSION = "campaigns.view_signature"
CHANGE_PERMISSION = "campaigns.change_signature"
# Updates are sent with campaigns.change_signature, and seen with it too.
UPDATES_PERMISSION = CHANGE_PERMISSION
# The dashboard shows the latest bulk invalidations; the rest are a link away.
DASHBOARD_INVALIDATIONS = 10
INVALIDATIONS_PER_PAGE = 50
# Each table on the moderation screen shows this many organisations at most.
MODERATION_ROWS = 200


def _action(pk: int) -> ActionPage:
    action: ActionPage = get_object_or_404(ActionPage, pk=pk).specific
    return action


def _taking_part(action: ActionPage) -> str:
    """How many took part, in the action's own terms: signatures, or letters sent."""
    if action.takes_signatures:
        return f"{action_count(action_id=action.pk).total} signatures"
    return f"{letters_summary(action_id=action.pk).sent} letters sent"


@staff_required(VIEW_PERMISSION)
def action_list(request: HttpRequest) -> HttpResponse:
    actions = [(action.specific, _taking_part(action.specific)) for action in actions_for_staff()]
    return render(request, "campaigns/admin/action_list.html", {"actions": actions})


@staff_required(VIEW_PERMISSION)
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    if not action.takes_signatures:
        return _letters_dashboard(request, action)
    days = signatures_by_day(action_id=action.pk)
    invalidations = Invalidation.objects.filter(action=action)
    context = {
        "action": action,
        "count": action_count(action_id=action.pk),
        "figures": dashboard_figures(action_id=action.pk),
        "explained": count_explained(action_id=action.pk),
        "days": days,
        "chart": signatures_chart(days, title=f"Confirmed signatures per day on {action.title}"),
        "transitions": transitions_from(action.state),
        "invalidations": invalidations[:DASHBOARD_INVALIDATIONS],
        "invalidations_total": invalidations.count(),
        "is_petition": isinstance(action, PetitionPage),
        "areas": postcode_areas(action_id=action.pk) if action.asks_postcode else [],
        "updates": sent_updates(action_id=action.pk, limit=3) if request.user.has_perm(UPDATES_PERMISSION) else None,
    }
    return render(request, "campaigns/admin/dashboard.html", context)


def _letters_dashboard(request: HttpRequest, action: ActionPage) -> HttpResponse:
    """A letter action's dashboard: its state and its letters' figures, since nobody signs it."""
    context = {
        "action": action,
        "transitions": transitions_from(action.state),
        "letters": letter_totals(letter_counts_by_office(action_id=action.pk)),
    }
    return render(request, "campaigns/admin/dashboard.html", context)


@staff_required(VIEW_PERMISSION)
def invalidations(request: HttpRequest, pk: int) -> HttpResponse:
    """Every bulk invalidation on the action, newest first, each with its undo button."""
    action = _action(pk)
    paginator = Paginator(Invalidation.objects.filter(action=action), INVALIDATIONS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    caption = f"Bulk invalidations, newest first ({paginator.count})"
    return render(
        request, "campaigns/admin/invalidations.html", {"action": action, "page_obj": page_obj, "caption": caption}
    )


# Moves that are hard to take back ask "are you sure?" first (chorus.core.confirmation).
MOVES_CONFIRMED_FIRST = frozenset({"close", "deliver"})


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _transition_confirmation(action: ActionPage, move: Transition) -> Confirmation:
    """What closing or delivering will do, with the numbers, for the confirmation page."""
    count = action_count(action_id=action.pk)
    asked_for_updates = update_recipients(action_id=action.pk).count()
    waiting = dashboard_figures(action_id=action.pk).pending
    carried = {"target": move.target}
    cancel_url = reverse("campaigns_admin_dashboard", kwargs={"pk": action.pk})
    signed = _plural(count.total, "signature", "signatures")
    if move.name == "close":
        return Confirmation(
            question=f"Close signing on {action.title}?",
            subtitle=action.title,
            consequences=[
                "The public page stops taking signatures at once and says that signing has closed.",
                f"The {signed} counted on the public page stay counted. Nobody is emailed.",
                f"{_plural(waiting, 'person', 'people')} who signed but {'has' if waiting == 1 else 'have'} "
                "not confirmed their email yet will not be able to: the list is final.",
                f"Signers' names and contact details are removed "
                f"{settings.CHORUS_CAMPAIGNS_RETENTION_DAYS} days after signing closes.",
            ],
            undo="You can reopen signing from the dashboard afterwards.",
            button="Yes, close signing",
            cancel_url=cancel_url,
            carried=carried,
        )
    return Confirmation(
        question=f"Mark {action.title} as delivered?",
        subtitle=action.title,
        consequences=[
            "The public page says the action has been delivered.",
            f"The count stays at {count.total}.",
            f"Nobody is emailed. The {_plural(asked_for_updates, 'signer who asked', 'signers who asked')} "
            "for updates hear about it only if you send an update.",
        ],
        undo="This cannot be undone: a delivered action cannot be reopened.",
        button="Yes, mark as delivered",
        cancel_url=cancel_url,
        carried=carried,
    )


@require_POST
@staff_required(CHANGE_PERMISSION)
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move the action on; closing and delivering show a confirmation page first."""
    action = _action(pk)
    dashboard_url = reverse("campaigns_admin_dashboard", kwargs={"pk": action.pk})
    try:
        target = ActionState(request.POST.get("target", ""))
    except ValueError:
        target = None
    if target is None:
        messages.error(request, "That change is not possible from the action's current state.")
        return redirect(dashboard_url)
    move = transition_for(action.state, target)
    if move is not None and move.name in MOVES_CONFIRMED_FIRST and not confirmed(request):
        return confirmation_page(request, _transition_confirmation(action, move))

    def move_on() -> str:
        action_transition(action=action, target=target, actor=request.user, request=request)
        return dashboard_url

    try:
        done = submission_once(
            key=confirmation_key(request),
            scope=f"campaigns.transition:{action.pk}:{request.user.pk}",
            answers=request.POST,
            action=move_on,
        )
    except ValueError:
        messages.error(request, "That change is not possible from the action's current state.")
        return redirect(dashboard_url)
    if done.repeated:
        messages.info(request, "This was already done. Nothing has changed.")
    else:
        messages.success(request, f"{action.title} is now: {target.label}.")
    return redirect(done.result)


@staff_required(VIEW_PERMISSION)
def moderation(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    if request.method == "POST":
        if not request.user.has_perm(CHANGE_PERMISSION):
            # Seeing is open to the view permission; deciding needs the change one (the guard answers 403).
            raise PermissionDenied
        ids = posted_ids(request, "signature")
        decision = request.POST.get("decision", "")
        if decision not in {"approve", "reject"}:
            # Only the page's two buttons send a decision; anything else must not reject.
            raise BadRequest("Unknown moderation decision.")
        if not ids:
            messages.error(request, "Choose at least one organisation.")
            return redirect("campaigns_admin_moderation", pk=action.pk)
        approve = decision == "approve"
        changed = organisations_moderate(
            action=action, signature_ids=ids, approve=approve, actor=request.user, request=request
        )
        messages.success(
            request, f"{changed} organisation{'s' if changed != 1 else ''} {'approved' if approve else 'rejected'}."
        )
        return redirect("campaigns_admin_moderation", pk=action.pk)
    waiting = list(organisations_to_moderate(action_id=action.pk)[:MODERATION_ROWS])
    decided = list(organisations_decided(action_id=action.pk)[:MODERATION_ROWS])
    log_action(
        "campaigns.signatures.viewed",
        obj=action,
        object_type="campaigns.actionpage",
        data={"screen": "moderation", "rows": len(waiting) + len(decided)},
        request=request,
    )
    return render(
        request, "campaigns/admin/moderation.html", {"action": action, "waiting": waiting, "decided": decided}
    )


CSV_HEADER = ["Name as shown", "Signed as", "Organisation type", "Role or group", "Confirmed on"]


def _signatory_rows(rows: QuerySet[Signature]) -> Iterator[list[str]]:
    # Rows come from the database a thousand at a time, so memory stays flat however many signed.
    for signature in rows.iterator(chunk_size=1000):
        yield [
            signature.public_name,
            signature.get_kind_display(),
            signature.get_organisation_type_display() if signature.organisation_type else "",
            signature.role if signature.kind == "individual" else "",
            signature.confirmed_at.date().isoformat() if signature.confirmed_at else "",
        ]


@staff_required(VIEW_PERMISSION)
def export_csv(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Signatories who agreed to be shown, for delivery. Never the hidden ones, never emails.

    Streamed: the file is written as rows are read, so a large action never sits in memory.
    """
    action = _action(pk)
    rows = listed_signatures(action_id=action.pk)
    # Recorded before the first row leaves, with the number listed as the download starts.
    log_action(
        "campaigns.signatories.exported",
        obj=action,
        object_type="campaigns.actionpage",
        data={"format": "csv", "rows": rows.count()},
        request=request,
    )
    response = StreamingHttpResponse(
        csv_lines(CSV_HEADER, _signatory_rows(rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="signatories-{action.slug}.csv"'
    return response


# --- the delivery pack: asked for here, built by a task (delivery_packs.py) ------------------


def _pack(action: ActionPage, pack_pk: int) -> DeliveryPack:
    pack = delivery_pack_of(action_id=action.pk, pack_id=pack_pk)
    if pack is None:
        raise Http404("No such delivery pack on this action.")
    return pack


@staff_required(PACK_PERMISSION)
def delivery_packs(request: HttpRequest, pk: int) -> HttpResponse:
    """The action's recent packs; a POST asks for a new one (or joins the one on its way)."""
    action = _action(pk)
    if request.method == "POST":
        pack = delivery_pack_request(action=action, actor=request.user, request=request)
        return redirect("campaigns_admin_pack", pk=action.pk, pack_pk=pack.pk)
    context = {
        "action": action,
        "packs": delivery_packs_of(action_id=action.pk),
        "keep_hours": settings.CHORUS_CAMPAIGNS_PACK_KEEP_HOURS,
    }
    return render(request, "campaigns/admin/delivery_packs.html", context)


@staff_required(PACK_PERMISSION)
def delivery_pack_status(request: HttpRequest, pk: int, pack_pk: int) -> HttpResponse:
    """Where one pack is: waiting, being built, ready to download, failed or deleted."""
    action = _action(pk)
    pack = _pack(action, pack_pk)
    context = {
        "action": action,
        "pack": pack,
        "keep_hours": settings.CHORUS_CAMPAIGNS_PACK_KEEP_HOURS,
        "build_minutes": settings.CHORUS_CAMPAIGNS_PACK_BUILD_MINUTES,
    }
    return render(request, "campaigns/admin/delivery_pack_status.html", context)


@staff_required(PACK_PERMISSION)
def delivery_pack_status_json(request: HttpRequest, pk: int, pack_pk: int) -> HttpResponse:
    """The status alone, for the status page's script (the page works without it)."""
    pack = _pack(_action(pk), pack_pk)
    return JsonResponse({"status": pack.status, "status_label": pack.get_status_display()})


@never_cache
@staff_required(PACK_PERMISSION)
def delivery_pack_download(request: HttpRequest, pk: int, pack_pk: int) -> HttpResponseBase:
    """The built PDF, as a download that no browser or proxy keeps; each download is audited."""
    action = _action(pk)
    pack = _pack(action, pack_pk)
    try:
        pdf = delivery_pack_open(pack=pack, actor=request.user, request=request)
    except DeliveryPackUnavailable:
        messages.error(request, "This delivery pack cannot be downloaded any more. Prepare a new one.")
        return redirect("campaigns_admin_pack", pk=action.pk, pack_pk=pack.pk)
    return FileResponse(
        io.BytesIO(pdf),
        as_attachment=True,
        filename=f"delivery-pack-{action.slug}.pdf",
        content_type="application/pdf",
    )


# What the invalidation form chooses by; the confirmation page posts them again as typed.
CRITERIA_FIELDS = ("email_domain", "ip_hash", "since", "until")


@staff_required(CHANGE_PERMISSION)
def invalidate(request: HttpRequest, pk: int) -> HttpResponse:
    """Bulk invalidation: the form, then an "are you sure?" page saying how many match and
    what happens to them (chorus.core.confirmation), then the change, with a reason."""
    action = _action(pk)
    # A trend alert's link fills in the domain or address hash it is about.
    from_alert = {name: request.GET[name] for name in ("email_domain", "ip_hash") if name in request.GET}
    form = InvalidationForm(request.POST or None, initial=from_alert)
    nothing_matches = ""
    if request.method == "POST" and form.is_valid():
        criteria = form.criteria()
        # The confirmation page's button posts confirm=yes (so do links and scripts from before it).
        if request.POST.get("confirm") == "yes":
            if not form.cleaned_data.get("reason"):
                form.add_error("reason", "Say why, for the audit log.")
            else:
                return _invalidate_once(request, action, form, criteria)
        preview = invalidation_preview(action_id=action.pk, criteria=criteria)
        log_action(
            "campaigns.signatures.previewed",
            obj=action,
            object_type="campaigns.actionpage",
            data={"matching": preview.matching, "criteria": criteria.as_data()},
            request=request,
        )
        if preview.matching:
            return confirmation_page(request, _invalidation_confirmation(request, action, form, preview))
        # With nothing matching there is nothing to confirm: the form again, saying so.
        nothing_matches = _matching_in_words(form, preview)
    context = {"action": action, "form": form, "nothing_matches": nothing_matches}
    return render(request, "campaigns/admin/invalidate.html", context)


def _matching_in_words(form: InvalidationForm, preview: InvalidationPreview) -> str:
    """ "3 signatures match. Signed from 1 Jul 2026 09:00 before 1 Jul 2026 10:00, Europe/London time." """
    words = f"{_plural(preview.matching, 'signature', 'signatures')} match."
    since, until = form.cleaned_data.get("since"), form.cleaned_data.get("until")
    if since or until:
        window = "".join(
            f" {word} {date_format(timezone.localtime(moment), 'j M Y H:i')}"
            for word, moment in (("from", since), ("before", until))
            if moment
        )
        words += f" Signed{window}, {timezone.get_current_timezone_name()} time."
    return words


def _invalidation_confirmation(
    request: HttpRequest, action: ActionPage, form: InvalidationForm, preview: InvalidationPreview
) -> Confirmation:
    """What invalidating the matching signatures does to the count, the lists and the signers."""
    one = preview.matching == 1
    if preview.counted:
        are = "is" if preview.counted == 1 else "are"
        count = (
            f"The public count goes from {preview.public} to {preview.public_after} within a few seconds "
            f"({preview.counted} of the matching signatures {are} counted now)."
        )
    else:
        count = f"The public count does not change: {'it is not' if one else 'none of them is'} counted now."
    signatures = _plural(preview.matching, "signature", "signatures")
    return Confirmation(
        question=f"Invalidate {signatures}?",
        subtitle=action.title,
        consequences=[
            _matching_in_words(form, preview),
            count,
            f"{'It leaves' if one else 'They leave'} the list of signatories, the CSV download and the delivery pack.",
            f"The {'signer is' if one else 'signers are'} not told.",
        ],
        undo="It is recorded in the audit log with your reason. You can undo it from the dashboard.",
        button=f"Yes, invalidate {signatures}",
        cancel_url=reverse("campaigns_admin_dashboard", kwargs={"pk": action.pk}),
        carried={**{name: request.POST.get(name, "") for name in CRITERIA_FIELDS}, "confirm": "yes"},
        # Asked here, at the last step, if it was not given with the criteria.
        asks=[form["reason"]],
    )


def _invalidate_once(
    request: HttpRequest, action: ActionPage, form: InvalidationForm, criteria: InvalidationCriteria
) -> HttpResponse:
    """Apply the previewed invalidation; a double click, or the button pressed again, applies it once."""
    affected: list[int] = []

    def invalidate_now() -> str:
        done = signatures_invalidate(
            action=action, criteria=criteria, reason=form.cleaned_data["reason"], actor=request.user, request=request
        )
        affected.append(done.affected)
        return reverse("campaigns_admin_dashboard", kwargs={"pk": action.pk})

    applied = submission_once(
        key=form.cleaned_data["submission_key"],
        scope=f"campaigns.invalidate:{action.pk}:{request.user.pk}",
        answers=request.POST,
        action=invalidate_now,
    )
    if applied.repeated:
        messages.info(request, "These signatures were already invalidated. Nothing more has changed.")
    else:
        messages.success(request, f"{affected[0]} signatures invalidated. You can undo this below.")
    return redirect(applied.result)


@staff_required(UPDATES_PERMISSION)
def send_update(request: HttpRequest, pk: int) -> HttpResponse:
    """Write, preview, send: each step a POST, the text carried in the form between them."""
    action = _action(pk)
    form = CampaignUpdateForm(request.POST or None)
    preview = None
    recipients = update_recipients(action_id=action.pk).count()
    status = 200
    if request.method == "POST":
        if form.is_valid():
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
            if request.POST.get("step") == "send":
                return _send_update_once(request, action, form)
            preview = campaign_update_email(action=action, subject=subject, body=body, stop_url=STOP_LINK_SHOWN)
        else:
            status = 400
    context = {"action": action, "form": form, "preview": preview, "recipients": recipients}
    return render(request, "campaigns/admin/send_update.html", context, status=status)


def _send_update_once(request: HttpRequest, action: ActionPage, form: CampaignUpdateForm) -> HttpResponse:
    """Send the checked update; a double click, or Send pressed again on the same page, sends it once."""
    stored: list[CampaignUpdate] = []

    def send() -> str:
        update = campaign_update_send(
            action=action,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            actor=request.user,
            request=request,
        )
        stored.append(update)
        return reverse("campaigns_admin_dashboard", kwargs={"pk": action.pk})

    sent = submission_once(
        key=form.cleaned_data["submission_key"],
        scope=f"campaigns.update:{action.pk}:{request.user.pk}",
        answers=request.POST,
        action=send,
    )
    if sent.repeated:
        messages.info(request, "This update was already sent. It has not been sent again.")
    else:
        count = stored[0].recipients
        messages.success(request, f"Your update is being sent to {count} signer{'s' if count != 1 else ''}.")
    return redirect(sent.result)


@staff_required(UPDATES_PERMISSION)
def updates(request: HttpRequest, pk: int) -> HttpResponse:
    """The updates already sent on this action and what became of them: counts, never recipients."""
    action = _action(pk)
    context = {"action": action, "updates": sent_updates(action_id=action.pk)}
    return render(request, "campaigns/admin/updates.html", context)


@staff_required(UPDATES_PERMISSION)
def update_detail(request: HttpRequest, pk: int, update_pk: int) -> HttpResponse:
    """One update as its recipients got it, with what became of it."""
    action = _action(pk)
    sent = sent_update(action_id=action.pk, update_id=update_pk)
    if sent is None:
        raise Http404("No such update on this action.")
    update = sent.update
    email = campaign_update_email(action=action, subject=update.subject, body=update.body, stop_url=STOP_LINK_SHOWN)
    context = {
        "action": action,
        "update": update,
        "figures": sent.figures,
        "email": email,
        "stop_link_shown": STOP_LINK_SHOWN,
    }
    return render(request, "campaigns/admin/update_detail.html", context)


@require_POST
@staff_required(CHANGE_PERMISSION)
def reverse_invalidation(request: HttpRequest, pk: int) -> HttpResponse:
    invalidation = get_object_or_404(Invalidation, pk=pk)
    restored = invalidation_reverse(invalidation=invalidation, actor=request.user, request=request)
    messages.success(request, f"{restored} signatures restored.")
    return redirect(reverse("campaigns_admin_dashboard", kwargs={"pk": invalidation.action_id}))  # type: ignore[attr-defined]


# --- block lists: Wagtail's generic screens, with each change in our audit log ----------


class _AuditedBlockListChange:
    """Adds or edits a block-list entry as Wagtail does, then records it in the audit log."""

    request: HttpRequest
    form: Any

    def save_instance(self) -> Any:
        entry = super().save_instance()  # type: ignore[misc]
        verb = "changed" if getattr(self, "object", None) is not None else "added"
        _audit_block_list(entry, verb=verb, request=self.request)
        return entry


class BlockListAddView(_AuditedBlockListChange, CreateView):
    pass


class BlockListEditView(_AuditedBlockListChange, EditView):
    pass


class BlockListDeleteView(DeleteView):
    request: HttpRequest

    def delete_action(self) -> None:
        entry, pk = self.object, self.object.pk
        super().delete_action()
        entry.pk = pk  # the audit entry names the row that went
        _audit_block_list(entry, verb="removed", request=self.request)


def _audit_block_list(entry: Any, *, verb: str, request: HttpRequest) -> None:
    # Hashes and domains only: a block list holds no one's address.
    log_action(f"campaigns.{entry._meta.model_name}.{verb}", obj=entry, request=request, data={"entry": str(entry)})
