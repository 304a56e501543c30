"""Staff screens for campaign actions, inside the Wagtail admin.

Wagtail's admin URL wrapper already sends anonymous visitors to the sign-in page;
each view here then requires a campaigns permission (Campaigner, Administrator), and
every screen or file that shows signers' details writes an audit event.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.admin.views.generic import CreateView, DeleteView, EditView

from chorus.campaigns.charts import signatures_chart
from chorus.campaigns.emails import campaign_update_email
from chorus.campaigns.forms import CampaignUpdateForm, InvalidationForm
from chorus.campaigns.models import ActionPage, Invalidation, PetitionPage
from chorus.campaigns.selectors import (
    action_count,
    actions_for_staff,
    dashboard_figures,
    listed_signatures,
    organisations_decided,
    organisations_to_moderate,
    postcode_areas,
    sent_update,
    sent_updates,
    signatures_by_day,
    signatures_matching,
    update_recipients,
)
from chorus.campaigns.services.actions import action_transition
from chorus.campaigns.services.moderation import invalidation_reverse, organisations_moderate, signatures_invalidate
from chorus.campaigns.services.updates import campaign_update_send
from chorus.campaigns.workflow import ActionState, transitions_from
from chorus.core.audit import log_action
from chorus.core.ids import posted_ids
from chorus.core.spreadsheets import csv_safe

View = Callable[..., HttpResponse]

# Where each recipient's own stop link goes, in an update shown to staff.
STOP_LINK_SHOWN = "(each person's own link to stop updates)"
# Updates are sent with campaigns.change_signature, and seen with it too.
UPDATES_PERMISSION = "campaigns.change_signature"
# The dashboard shows the latest bulk invalidations; the rest are a link away.
DASHBOARD_INVALIDATIONS = 10
INVALIDATIONS_PER_PAGE = 50
# Each table on the moderation screen shows this many organisations at most.
MODERATION_ROWS = 200


def _refuse(request: HttpRequest) -> HttpResponse:
    # Wagtail turns PermissionDenied into a redirect; staff should see a plain refusal.
    return HttpResponseForbidden(render_to_string("403.html", request=request))


def campaign_staff_required(permission: str = "campaigns.view_signature") -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_perm(permission):
                return _refuse(request)
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied:
                return _refuse(request)

        return wrapped

    return decorator


def _action(pk: int) -> ActionPage:
    action: ActionPage = get_object_or_404(ActionPage, pk=pk).specific
    return action


@campaign_staff_required()
def action_list(request: HttpRequest) -> HttpResponse:
    actions = [(action.specific, action_count(action_id=action.pk)) for action in actions_for_staff()]
    return render(request, "campaigns/admin/action_list.html", {"actions": actions})


@campaign_staff_required()
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    days = signatures_by_day(action_id=action.pk)
    invalidations = Invalidation.objects.filter(action=action)
    context = {
        "action": action,
        "count": action_count(action_id=action.pk),
        "figures": dashboard_figures(action_id=action.pk),
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


@campaign_staff_required()
def invalidations(request: HttpRequest, pk: int) -> HttpResponse:
    """Every bulk invalidation on the action, newest first, each with its undo button."""
    action = _action(pk)
    paginator = Paginator(Invalidation.objects.filter(action=action), INVALIDATIONS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    caption = f"Bulk invalidations, newest first ({paginator.count})"
    return render(
        request, "campaigns/admin/invalidations.html", {"action": action, "page_obj": page_obj, "caption": caption}
    )


@require_POST
@campaign_staff_required("campaigns.change_signature")
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    try:
        target = ActionState(request.POST.get("target", ""))
        action_transition(action=action, target=target, actor=request.user, request=request)
    except ValueError:
        messages.error(request, "That change is not possible from the action's current state.")
    else:
        messages.success(request, f"{action.title} is now: {target.label}.")
    return redirect("campaigns_admin_dashboard", pk=action.pk)


@campaign_staff_required()
def moderation(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(pk)
    if request.method == "POST":
        if not request.user.has_perm("campaigns.change_signature"):
            return _refuse(request)
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


@campaign_staff_required()
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Signatories who agreed to be shown, for delivery. Never the hidden ones, never emails."""
    action = _action(pk)
    rows = listed_signatures(action_id=action.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="signatories-{action.slug}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Name as shown", "Signed as", "Organisation type", "Role or group", "Confirmed on"])
    count = 0
    for signature in rows.iterator(chunk_size=1000):
        writer.writerow(
            [
                csv_safe(signature.public_name),
                signature.get_kind_display(),
                signature.get_organisation_type_display() if signature.organisation_type else "",
                csv_safe(signature.role if signature.kind == "individual" else ""),
                signature.confirmed_at.date().isoformat() if signature.confirmed_at else "",
            ]
        )
        count += 1
    log_action(
        "campaigns.signatories.exported",
        obj=action,
        object_type="campaigns.actionpage",
        data={"format": "csv", "rows": count},
        request=request,
    )
    return response


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The pack is built from our own HTML only; WeasyPrint must fetch nothing.
    raise ValueError(f"Refusing to fetch {url!r} for the delivery pack.")


@campaign_staff_required()
def delivery_pack(request: HttpRequest, pk: int) -> HttpResponse:
    """The letter or petition and its listed signatories, as a printable PDF."""
    from weasyprint import HTML

    action = _action(pk)
    signatories = list(listed_signatures(action_id=action.pk))
    html = render_to_string(
        "campaigns/admin/delivery_pack.html",
        {
            "action": action,
            "signatories": signatories,
            "count": action_count(action_id=action.pk),
            "today": timezone.localdate(),
        },
        request=request,
    )
    # PDF/UA: tagged, with a title and language, so a screen reader can read the pack.
    pdf = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(pdf_variant="pdf/ua-1")
    log_action(
        "campaigns.signatories.exported",
        obj=action,
        object_type="campaigns.actionpage",
        data={"format": "pdf", "rows": len(signatories)},
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="delivery-pack-{action.slug}.pdf"'
    return response


@campaign_staff_required("campaigns.change_signature")
def invalidate(request: HttpRequest, pk: int) -> HttpResponse:
    """Bulk invalidation: the first POST previews how many match, the second does it."""
    action = _action(pk)
    # A trend alert's link fills in the domain or address hash it is about.
    from_alert = {name: request.GET[name] for name in ("email_domain", "ip_hash") if name in request.GET}
    form = InvalidationForm(request.POST or None, initial=from_alert)
    preview: int | None = None
    if request.method == "POST" and form.is_valid():
        criteria = form.criteria()
        if request.POST.get("confirm") == "yes":
            if not form.cleaned_data.get("reason"):
                form.add_error("reason", "Say why, for the audit log.")
            else:
                done = signatures_invalidate(
                    action=action,
                    criteria=criteria,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                    request=request,
                )
                messages.success(request, f"{done.affected} signatures invalidated. You can undo this below.")
                return redirect("campaigns_admin_dashboard", pk=action.pk)
        preview = signatures_matching(action_id=action.pk, criteria=criteria).count()
        log_action(
            "campaigns.signatures.previewed",
            obj=action,
            object_type="campaigns.actionpage",
            data={"matching": preview, "criteria": criteria.as_data()},
            request=request,
        )
    return render(request, "campaigns/admin/invalidate.html", {"action": action, "form": form, "preview": preview})


@campaign_staff_required(UPDATES_PERMISSION)
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
                update = campaign_update_send(
                    action=action, subject=subject, body=body, actor=request.user, request=request
                )
                messages.success(
                    request,
                    f"Your update is being sent to {update.recipients} signer{'s' if update.recipients != 1 else ''}.",
                )
                return redirect("campaigns_admin_dashboard", pk=action.pk)
            preview = campaign_update_email(action=action, subject=subject, body=body, stop_url=STOP_LINK_SHOWN)
        else:
            status = 400
    context = {"action": action, "form": form, "preview": preview, "recipients": recipients}
    return render(request, "campaigns/admin/send_update.html", context, status=status)


@campaign_staff_required(UPDATES_PERMISSION)
def updates(request: HttpRequest, pk: int) -> HttpResponse:
    """The updates already sent on this action and what became of them: counts, never recipients."""
    action = _action(pk)
    context = {"action": action, "updates": sent_updates(action_id=action.pk)}
    return render(request, "campaigns/admin/updates.html", context)


@campaign_staff_required(UPDATES_PERMISSION)
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
@campaign_staff_required("campaigns.change_signature")
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
