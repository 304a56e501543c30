"""Writes for the policy tracker: our response's workflow, staff edits, imports and reminders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import httpx
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from chorus.accounts.roles import user_has_role
from chorus.core.audit import log_action
from chorus.core.middleware import retire_cached_pages
from chorus.core.outbox import outbox_add
from chorus.core.upstream_text import plain_text

# TransitionNotAllowed is raised through this module, so its callers catch it from here.
from chorus.core.workflow import ReasonRequired, Transition
from chorus.core.workflow import TransitionNotAllowed as TransitionNotAllowed
from chorus.core.workflow import transition as workflow_transition
from chorus.core.working_days import working_days_before
from chorus.tracker.importers.base import REASON_NOT_SAVED, ImportedItem, ImportFailed
from chorus.tracker.importers.registry import importer_for
from chorus.tracker.models import (
    IMPORTED_FIELDS,
    RESPONSE_REMINDER_EMAIL,
    WINDOWS_FIELD,
    ChangeKind,
    ImportRun,
    ItemChange,
    Response,
    ResponseReminder,
    ResponseStatus,
    Stage,
    StageName,
    SubmissionWindow,
    TrackedItem,
)
from chorus.tracker.selectors import LONDON, london_today, tracked_item_window_snapshot, unique_item_slug
from chorus.tracker.workflow import ACTIVE_STATES, PUBLIC_LABELS, RESPONSE_WORKFLOW, STAFF_ROLES, needs_article

# Moves that must say why (kept on the response, shown publicly).
REASONED = frozenset(t for t in RESPONSE_WORKFLOW.transitions if t.needs_reason)


def _deadline_text(moment: datetime) -> str:
    return f"{moment.astimezone(LONDON):%-d %B %Y, %H:%M}"


def _content_changed() -> None:
    # Tracker data is shown on cached public pages; retire them once the change is committed.
    transaction.on_commit(retire_cached_pages)


def item_change_record(*, item: TrackedItem, kind: str, description: str) -> ItemChange:
    """Record a public change on an item's timeline and in the Atom feed."""
    return ItemChange.objects.create(item=item, kind=kind, description=description[:500])


# --- our response -----------------------------------------------------------------------


# Our response's details as staff edit them. Notes are internal free text that may name
# people, so the audit log records which fields changed, never what they now say.
RESPONSE_DETAIL_FIELDS = ("item", "owner", "internal_deadline", "article", "notes", "not_responding_reason")
# Details the public tracker shows: changing one retires the cached public pages.
RESPONSE_PUBLIC_FIELDS = frozenset({"item", "article", "not_responding_reason"})


def _require_tracker_staff(actor: Any) -> None:
    if not any(user_has_role(actor, role) for role in STAFF_ROLES):
        raise PermissionDenied("Your role cannot change our responses.")


@transaction.atomic
def response_create(
    *,
    item: TrackedItem,
    actor: Any,
    owner: Any = None,
    internal_deadline: date | None = None,
    article: Any = None,
    notes: str = "",
    move_to: str = "",
    reason: str = "",
) -> Response:
    """Start tracking our own response to an item; it begins as planned, then moves on if asked."""
    _require_tracker_staff(actor)
    response = Response.objects.create(
        item=item,
        status=ResponseStatus.PLANNED,
        owner=owner,
        internal_deadline=internal_deadline,
        article=article,
        notes=notes,
    )
    item_change_record(item=item, kind=ChangeKind.RESPONSE_CHANGED, description=PUBLIC_LABELS[response.status])
    given = {"owner": owner, "internal_deadline": internal_deadline, "article": article, "notes": notes}
    log_action(
        "tracker.response.created",
        actor=actor,
        obj=response,
        data={"item_id": item.pk, "fields": sorted(name for name, value in given.items() if value)},
    )
    _content_changed()
    if move_to:
        response = response_transition(response=response, target=move_to, actor=actor, reason=reason)
    return response


@transaction.atomic
def response_edit(
    *,
    response: Response,
    actor: Any,
    item: TrackedItem,
    owner: Any,
    internal_deadline: date | None,
    article: Any,
    notes: str,
    not_responding_reason: str,
    move_to: str = "",
) -> Response:
    """Save staff changes to our response's details, then move it on if asked; audited by field name."""
    _require_tracker_staff(actor)
    locked = Response.objects.select_for_update().get(pk=response.pk)
    wanted = {
        "item": item,
        "owner": owner,
        "internal_deadline": internal_deadline,
        "article": article,
        "notes": notes,
        "not_responding_reason": not_responding_reason,
    }
    changed = [name for name in RESPONSE_DETAIL_FIELDS if getattr(locked, name) != wanted[name]]
    if changed:
        data: dict[str, Any] = {"item_id": item.pk, "fields": sorted(changed)}
        # Ids only: who the response moved between, never what the notes say.
        if "owner" in changed:
            data["owner"] = {"from": locked.owner_id, "to": getattr(owner, "pk", None)}
        if "item" in changed:
            data["moved_from_item_id"] = locked.item_id
        for name in changed:
            setattr(locked, name, wanted[name])
        locked.save(update_fields=changed)
        if "item" in changed:
            item_change_record(item=item, kind=ChangeKind.RESPONSE_CHANGED, description=PUBLIC_LABELS[locked.status])
        log_action("tracker.response.edited", actor=actor, obj=locked, data=data)
        if RESPONSE_PUBLIC_FIELDS.intersection(changed):
            _content_changed()
    if move_to:
        locked = response_transition(
            response=locked, target=move_to, actor=actor, reason=not_responding_reason, article=article
        )
    return locked


@transaction.atomic
def response_delete(*, response: Response, actor: Any) -> None:
    """Stop tracking our response to an item; its reminders go with it and the audit log keeps the ids."""
    _require_tracker_staff(actor)
    data = {"item_id": response.item_id, "status": response.status}
    response_id = response.pk
    response.delete()
    log_action(
        "tracker.response.deleted", actor=actor, object_type="tracker.response", object_id=response_id, data=data
    )
    _content_changed()


@transaction.atomic
def response_transition(
    *,
    response: Response,
    target: str,
    actor: Any,
    reason: str = "",
    article: Any = None,
) -> Response:
    """Move our response along the workflow in ``workflow.py``, checking role and requirements."""

    def reason_on_record(locked: Response) -> str:
        return reason.strip() or locked.not_responding_reason.strip()

    def article_linked(locked: Response, transition: Transition) -> None:
        if needs_article(transition) and (article or locked.article) is None:
            raise ValidationError({"article": "Link the published article before marking the response published."})

    def columns(locked: Response) -> dict[str, Any]:
        values: dict[str, Any] = {"status_changed_at": timezone.now(), "article": article or locked.article}
        if RESPONSE_WORKFLOW.between(locked.status, target) in REASONED:
            values["not_responding_reason"] = reason_on_record(locked)
        return values

    def record_on_timeline(locked: Response) -> dict[str, Any]:
        item_change_record(item=locked.item, kind=ChangeKind.RESPONSE_CHANGED, description=PUBLIC_LABELS[target])
        return {"item_id": locked.item_id}

    try:
        locked: Response = workflow_transition(
            RESPONSE_WORKFLOW,
            response,
            target=target,
            actor=actor,
            reason=reason_on_record,
            check=article_linked,
            changes=columns,
            hooks=[record_on_timeline],
        )
    except ReasonRequired:
        raise ValidationError({"not_responding_reason": "Say why we are not responding."}) from None
    _content_changed()
    response.refresh_from_db()
    return locked


# --- staff edits in the admin ----------------------------------------------------------------


@transaction.atomic
def tracked_item_staff_saved(
    *,
    item: TrackedItem,
    actor: Any,
    created: bool,
    changed_fields: list[str],
    stages_before: set[int],
    windows_before: dict[int, tuple[Any, ...]],
) -> list[str]:
    """After a staff save: protect hand-edited imported fields, record the timeline, audit.

    Returns the fields now protected from imports.
    """
    if created:
        item_change_record(item=item, kind=ChangeKind.ITEM_ADDED, description=f"We started tracking {item.title}.")
    for stage in Stage.objects.filter(item=item).exclude(pk__in=stages_before):
        item_change_record(item=item, kind=ChangeKind.STAGE_ADDED, description=f"{item.title}: {stage}")
    windows_after = tracked_item_window_snapshot(item=item)
    windows_changed = windows_after != windows_before
    for window in SubmissionWindow.objects.filter(item=item):
        before = windows_before.get(window.pk)
        if before is None and not created:
            item_change_record(
                item=item,
                kind=ChangeKind.WINDOW_ADDED,
                description=f"{item.title}: responses accepted until {_deadline_text(window.closes_at)}.",
            )
        elif before is not None and before[1] != window.closes_at:
            item_change_record(
                item=item,
                kind=ChangeKind.DEADLINE_CHANGED,
                description=f"{item.title}: deadline moved from {_deadline_text(before[1])} "
                f"to {_deadline_text(window.closes_at)}.",
            )
    protected = list(item.manually_edited_fields or [])
    if item.is_imported and not created:
        newly = [name for name in changed_fields if name in IMPORTED_FIELDS and name not in protected]
        if windows_changed and WINDOWS_FIELD not in protected:
            newly.append(WINDOWS_FIELD)
        if newly:
            protected = [*protected, *newly]
            TrackedItem.objects.filter(pk=item.pk).update(manually_edited_fields=protected)
            item.manually_edited_fields = protected
    log_action(
        "tracker.item.created" if created else "tracker.item.edited",
        actor=actor,
        obj=item,
        data={"fields": sorted(changed_fields), "windows_changed": windows_changed, "protected": protected},
    )
    _content_changed()
    return protected


def tracked_item_draft_saved(*, item: TrackedItem, actor: Any) -> None:
    """A draft changes nothing the public sees: no timeline entry, only the audit record."""
    log_action("tracker.item.draft_saved", actor=actor, obj=item, data={"live": item.live})


@transaction.atomic
def tracked_item_delete(*, item: TrackedItem, actor: Any) -> None:
    """Stop tracking an item: it, its timeline, windows and our response go; the audit log keeps the ids."""
    data = {"item_id": item.pk, "source_system": item.source_system, "had_response": hasattr(item, "response")}
    item_id = item.pk
    item.delete()
    log_action("tracker.item.deleted", actor=actor, object_type="tracker.trackeditem", object_id=item_id, data=data)
    _content_changed()


@transaction.atomic
def tracked_item_release_field(*, item: TrackedItem, field_name: str, actor: Any) -> None:
    """Let imports update a field again that staff had edited by hand."""
    remaining = [name for name in item.manually_edited_fields if name != field_name]
    TrackedItem.objects.filter(pk=item.pk).update(manually_edited_fields=remaining)
    item.manually_edited_fields = remaining
    log_action("tracker.item.field_released", actor=actor, obj=item, data={"field": field_name})


# --- imports -------------------------------------------------------------------------------


@dataclass
class ItemOutcome:
    upstream_id: str
    title: str
    action: str  # "insert", "update" or "no change"
    changed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # hand-edited fields left alone

    def describe(self) -> str:
        text = f"{self.action}: {self.title} [{self.upstream_id}]"
        if self.changed:
            text += f" changed {', '.join(self.changed)}"
        if self.skipped:
            text += f"; skipped (edited by staff) {', '.join(self.skipped)}"
        return text


@dataclass
class ImportReport:
    source: str
    ok: bool
    error: str = ""
    reason: str = ""  # why it failed, in plain words
    outcomes: list[ItemOutcome] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {"insert": 0, "update": 0, "no change": 0, "skipped fields": 0}
        for outcome in self.outcomes:
            counts[outcome.action] += 1
            counts["skipped fields"] += len(outcome.skipped)
        return counts

    def lines(self) -> list[str]:
        if not self.ok:
            return [f"{self.source}: FAILED, nothing changed: {self.error}"]
        counts = self.counts
        head = (
            f"{self.source}: {counts['insert']} inserted, {counts['update']} updated, "
            f"{counts['no change']} unchanged, {counts['skipped fields']} staff-edited field(s) skipped"
        )
        return [head, *(f"  {outcome.describe()}" for outcome in self.outcomes)]


def _imported_values(imported: ImportedItem) -> dict[str, str]:
    """What we store of an upstream item: its words as plain text, never its markup."""
    return {
        "title": plain_text(imported.title)[:255],
        "kind": imported.kind,
        "owner_body": plain_text(imported.owner_body)[:200],
        "summary": plain_text(imported.summary),
        "source_url": imported.source_url[:500],
        "respond_url": imported.respond_url[:500],
    }


def _insert(imported: ImportedItem) -> ItemOutcome:
    values = _imported_values(imported)
    item = TrackedItem.objects.create(
        slug=unique_item_slug(values["title"]),
        last_imported_at=timezone.now(),
        source_system=imported.source_system,
        upstream_id=imported.upstream_id,
        **values,
    )
    for stage in imported.stages:
        Stage.objects.create(item=item, name=stage.name, date=stage.date)
    for window in imported.windows:
        SubmissionWindow.objects.create(
            item=item,
            upstream_id=window.upstream_id,
            label=plain_text(window.label),
            opens_at=window.opens_at,
            closes_at=window.closes_at,
            late_submissions_accepted=window.late_submissions_accepted,
        )
    item_change_record(item=item, kind=ChangeKind.ITEM_ADDED, description=f"We started tracking {item.title}.")
    return ItemOutcome(imported.upstream_id, item.title, "insert")


def _update(item: TrackedItem, imported: ImportedItem) -> ItemOutcome:
    protected = set(item.manually_edited_fields or [])
    outcome = ItemOutcome(imported.upstream_id, item.title, "no change")
    # An update() leaves updated_at alone: reading an item again is not a change to it.
    item.last_imported_at = timezone.now()
    TrackedItem.objects.filter(pk=item.pk).update(last_imported_at=item.last_imported_at)
    for name, value in _imported_values(imported).items():
        if getattr(item, name) == value:
            continue
        if name in protected:
            outcome.skipped.append(name)
        else:
            setattr(item, name, value)
            outcome.changed.append(name)
    if outcome.changed:
        item.save()
    stages = {stage.name: stage for stage in item.stages.all()}
    for imported_stage in imported.stages:
        existing = stages.get(imported_stage.name)
        label = StageName(imported_stage.name).label
        if existing is None:
            Stage.objects.create(item=item, name=imported_stage.name, date=imported_stage.date)
            item_change_record(
                item=item, kind=ChangeKind.STAGE_ADDED, description=f"{item.title}: {label} ({imported_stage.date})"
            )
            outcome.changed.append(f"stage {imported_stage.name}")
        elif existing.date != imported_stage.date:
            existing.date = imported_stage.date
            existing.save(update_fields=["date"])
            outcome.changed.append(f"stage {imported_stage.name} date")
    windows = {window.upstream_id: window for window in item.windows.all() if window.upstream_id}
    windows_protected = WINDOWS_FIELD in protected
    for imported_window in imported.windows:
        window = windows.get(imported_window.upstream_id)
        new_values = {
            "opens_at": imported_window.opens_at,
            "closes_at": imported_window.closes_at,
            "late_submissions_accepted": imported_window.late_submissions_accepted,
        }
        if window is not None and all(getattr(window, key) == wanted for key, wanted in new_values.items()):
            continue
        if windows_protected:
            if WINDOWS_FIELD not in outcome.skipped:
                outcome.skipped.append(WINDOWS_FIELD)
            continue
        if window is None:
            window = SubmissionWindow.objects.create(
                item=item,
                upstream_id=imported_window.upstream_id,
                label=plain_text(imported_window.label),
                **new_values,
            )
            item_change_record(
                item=item,
                kind=ChangeKind.WINDOW_ADDED,
                description=f"{item.title}: responses accepted until {_deadline_text(window.closes_at)}.",
            )
            outcome.changed.append("window added")
            continue
        if window.closes_at != imported_window.closes_at:
            item_change_record(
                item=item,
                kind=ChangeKind.DEADLINE_CHANGED,
                description=f"{item.title}: deadline moved from {_deadline_text(window.closes_at)} "
                f"to {_deadline_text(imported_window.closes_at)}.",
            )
            outcome.changed.append("deadline")
        else:
            outcome.changed.append("window")
        for attribute, new_value in new_values.items():
            setattr(window, attribute, new_value)
        window.save()
    if outcome.changed:
        outcome.action = "update"
        if not any(name.startswith(("stage", "deadline", "window")) for name in outcome.changed):
            item_change_record(item=item, kind=ChangeKind.UPDATED, description=f"{item.title}: details updated.")
    outcome.title = item.title
    return outcome


@transaction.atomic
def tracker_import_apply(*, source: str, items: list[ImportedItem]) -> list[ItemOutcome]:
    """Diff fetched items against the database and apply them, all or nothing."""
    outcomes = []
    for imported in items:
        if imported.source_system != source or not imported.upstream_id:
            raise ImportFailed(f"Item {imported.title!r} does not belong to the {source} import.")
        existing = TrackedItem.objects.filter(source_system=source, upstream_id=imported.upstream_id).first()
        outcomes.append(_insert(imported) if existing is None else _update(existing, imported))
    return outcomes


def tracker_import_run(
    *, source: str, transport: httpx.BaseTransport | None = None, terms: list[str] | None = None
) -> ImportReport:
    """Fetch one source and apply it; a failure anywhere is reported and changes no item."""
    importer = importer_for(source)
    report = ImportReport(source=source, ok=True)
    client = httpx.Client(
        timeout=settings.TRACKER_IMPORT_TIMEOUT_SECONDS,
        transport=transport,
        headers={"User-Agent": "Chorus policy tracker", "Accept": "application/json"},
        follow_redirects=True,
    )
    try:
        with client:
            fetched = importer.fetch(client, terms=list(terms or settings.TRACKER_SEARCH_TERMS))
        report.outcomes = tracker_import_apply(source=source, items=fetched)
    except ImportFailed as error:
        report = ImportReport(source=source, ok=False, error=str(error)[:1000], reason=error.reason)
    except (DatabaseError, ValidationError, ValueError) as error:
        report = ImportReport(source=source, ok=False, error=str(error)[:1000], reason=REASON_NOT_SAVED)
    ImportRun.objects.create(
        source=source,
        succeeded=report.ok,
        error=report.error,
        failure_reason=report.reason[:200],
        counts=report.counts,
        report=[outcome.describe() for outcome in report.outcomes],
    )
    log_action(
        "tracker.import.completed" if report.ok else "tracker.import.failed",
        object_type="tracker.importrun",
        data={"source": source, **report.counts},
        screen="tracker importer",
    )
    if report.ok and any(outcome.action != "no change" for outcome in report.outcomes):
        retire_cached_pages()
    return report


# --- reminders -----------------------------------------------------------------------------


@transaction.atomic
def response_reminders_schedule(*, now: datetime) -> list[int]:
    """Create a reminder for each window due one, and queue its email in the outbox."""
    today = london_today(now)
    windows = SubmissionWindow.objects.filter(
        closes_at__gt=now, item__response__status__in=ACTIVE_STATES, item__response__owner__isnull=False
    ).select_related("item__response")
    created_ids = []
    for window in windows:
        close_day = window.closes_at.astimezone(LONDON).date()
        if today < working_days_before(close_day, settings.TRACKER_REMINDER_WORKING_DAYS):
            continue
        reminder, created = ResponseReminder.objects.get_or_create(response=window.item.response, window=window)
        if created:
            created_ids.append(reminder.pk)
            outbox_add(kind=RESPONSE_REMINDER_EMAIL, about_id=reminder.pk, dedupe_key=str(reminder.pk))
    return created_ids
