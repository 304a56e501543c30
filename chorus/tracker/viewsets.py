"""Staff screens in the Wagtail admin: tracked items (with their timeline and windows) and our responses.

The generic views are Wagtail's; the save step is replaced so that every staff change goes
through a service (timeline, protection of hand-edited imported fields, audit, workflow).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.urls import path
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.side_panels import PreviewSidePanel
from wagtail.admin.views.generic.mixins import CreateEditViewOptionalFeaturesMixin
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView
from wagtail.admin.views.generic.preview import PreviewOnCreate, PreviewOnEdit
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from chorus.accounts.models import User
from chorus.tracker.models import STAGE_VOCABULARY, ImportRun, Response, ResponseStatus, StageName, TrackedItem
from chorus.tracker.selectors import tracked_item_published_snapshot, unique_item_slug
from chorus.tracker.services import (
    response_create,
    response_delete,
    response_edit,
    tracked_item_delete,
    tracked_item_draft_saved,
    tracked_item_release_field,
    tracked_item_staff_saved,
)
from chorus.tracker.workflow import RESPONSE_WORKFLOW, STAFF_ROLES, find_transition, needs_article


class TrackedItemAdminForm(WagtailAdminModelForm):  # type: ignore[misc]
    """Makes the slug from the title when left empty, offers the details staff have taken over from
    the importer for handing back, and checks each stage against the item's kind (the child forms
    cannot see the kind on a new item)."""

    release_fields = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Let the importer update these again",
        help_text="Tick a detail to stop protecting your edit: the next import will overwrite it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "release_fields" in self.fields:
            self.fields["release_fields"].choices = self.instance.taken_over_fields
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        if "slug" in self.fields and not cleaned.get("slug") and "slug" not in self.errors:
            # The real rule, with or without the browser's title-to-slug sync (a draft may
            # have no title yet: it still gets a free address, changed when it gets one).
            cleaned["slug"] = unique_item_slug(cleaned.get("title") or "", exclude_pk=self.instance.pk)
            self.instance.slug = cleaned["slug"]
        return cleaned

    def is_valid(self) -> bool:
        valid: bool = super().is_valid()
        cleaned = getattr(self, "cleaned_data", None) or {}
        allowed = STAGE_VOCABULARY.get(cleaned.get("kind", ""), [])
        stages = self.formsets.get("stages")
        if not allowed or stages is None:
            return valid
        labels = ", ".join(StageName(value).label for value in allowed)
        for form in stages.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("name") and not data.get("DELETE") and data["name"] not in allowed:
                form.add_error("name", f"This stage does not apply to this kind of item. Use one of: {labels}.")
                valid = False
        return valid


def _publishing(view: Any) -> bool:
    """Whether the staff member pressed "Publish" rather than "Save draft"."""
    return bool(view.action == "publish")


class PreviewPanelMixin:
    """Wagtail's live preview panel beside the form, as snippets have it (generic views leave it out)."""

    def get_side_panels(self) -> Any:
        panels = super().get_side_panels()  # type: ignore[misc]
        if self.preview_enabled and not self.expects_json_response:  # type: ignore[attr-defined]
            instance = self.form.instance  # type: ignore[attr-defined]
            panels.append(PreviewSidePanel(instance, self.request, preview_url=self.get_preview_url()))  # type: ignore[attr-defined]
        return panels


class TrackedItemCreateView(PreviewPanelMixin, CreateEditViewOptionalFeaturesMixin, CreateView):  # type: ignore[misc]
    """A new item is a draft until published; only publishing puts it on the timeline and the public tracker."""

    view_name = "create"

    def save_instance(self) -> TrackedItem:
        item: TrackedItem = super().save_instance()
        if not _publishing(self):
            tracked_item_draft_saved(item=item, actor=self.request.user)
        return item

    def publish_action(self) -> Any:
        response = super().publish_action()
        tracked_item_staff_saved(
            item=self.object,
            actor=self.request.user,
            created=True,
            changed_fields=list(self.form.changed_data),
            stages_before=set(),
            windows_before={},
        )
        return response


class TrackedItemEditView(PreviewPanelMixin, CreateEditViewOptionalFeaturesMixin, EditView):  # type: ignore[misc]
    """A draft leaves the live item alone; publishing applies it and then records what changed."""

    view_name = "edit"

    def save_instance(self) -> TrackedItem:
        # What the public sees before this save, to tell what publishing changes.
        self.published_before = tracked_item_published_snapshot(item=self.object)
        released = list(self.form.cleaned_data.get("release_fields") or [])
        # Handed back in this version too, so publishing a draft does not take them over again.
        self.form.instance.manually_edited_fields = [
            name for name in self.form.instance.manually_edited_fields or [] if name not in released
        ]
        item: TrackedItem = super().save_instance()
        if not _publishing(self):
            tracked_item_draft_saved(item=item, actor=self.request.user)
        # Takes effect at once, draft or not: it is about the importer, not what the public sees.
        for field_name in released:
            tracked_item_release_field(item=item, field_name=field_name, actor=self.request.user)
        return item

    def publish_action(self) -> Any:
        response = super().publish_action()
        before = self.published_before
        item = self.object
        # Fields changed since the live version, whether in this form or in earlier drafts.
        changed = set(self.form.changed_data) - {"release_fields"}
        changed |= {name for name, value in before.imported_values.items() if getattr(item, name) != value}
        tracked_item_staff_saved(
            item=item,
            actor=self.request.user,
            created=not before.live,
            changed_fields=sorted(changed),
            stages_before=before.stages if before.live else set(),
            windows_before=before.windows if before.live else {},
        )
        return response


class TrackedItemDeleteView(DeleteView):  # type: ignore[misc]
    def delete_action(self) -> None:
        tracked_item_delete(item=self.object, actor=self.request.user)


class TrackedItemViewSet(ModelViewSet):  # type: ignore[misc]
    model = TrackedItem
    name = "tracker_item"
    icon = "doc-full"
    menu_label = "Tracked items"
    url_prefix = "tracker/items"
    edit_handler = ObjectList(TrackedItem.panels, base_form_class=TrackedItemAdminForm)
    add_view_class = TrackedItemCreateView
    edit_view_class = TrackedItemEditView
    create_template_name = "tracker/admin/tracked_item_form.html"
    edit_template_name = "tracker/admin/tracked_item_form.html"
    delete_view_class = TrackedItemDeleteView
    # Wagtail's copy view saves a POST over the original item without the service (no
    # timeline, no audit); copying an item is rarely useful, so it is switched off.
    copy_view_enabled = False
    list_display = ["title", "kind", "owner_body", "source_system", "status_string", "updated_at"]
    list_filter = ["kind", "source_system", "live"]
    search_fields = ["title", "owner_body", "summary"]
    search_backend_name = None
    inspect_view_enabled = True
    # What staff read about an item; the draft machinery's own columns are not for them.
    inspect_view_fields = [
        "title",
        "slug",
        "kind",
        "owner_body",
        "summary",
        "source_url",
        "respond_url",
        "status_string",
        "source_system",
        "last_imported_at",
        "created_at",
        "updated_at",
    ]

    # Wagtail's preview of a draft, as on snippets: the public item page, from the form.
    @property
    def preview_on_add_view(self) -> Any:
        return self.construct_view(
            PreviewOnCreate, form_class=self.get_form_class(), permission_policy=self.permission_policy
        )

    @property
    def preview_on_edit_view(self) -> Any:
        return self.construct_view(
            PreviewOnEdit, form_class=self.get_form_class(for_update=True), permission_policy=self.permission_policy
        )

    def get_add_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        view_kwargs: dict[str, Any] = super().get_add_view_kwargs(**kwargs)
        return {**view_kwargs, "preview_url_name": self.get_url_name("preview_on_add")}

    def get_edit_view_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        view_kwargs: dict[str, Any] = super().get_edit_view_kwargs(**kwargs)
        return {**view_kwargs, "preview_url_name": self.get_url_name("preview_on_edit")}

    def get_urlpatterns(self) -> list[Any]:
        return [
            *super().get_urlpatterns(),
            path("preview/", self.preview_on_add_view, name="preview_on_add"),
            path("preview/<str:pk>/", self.preview_on_edit_view, name="preview_on_edit"),
        ]


class ResponseAdminForm(WagtailAdminModelForm):  # type: ignore[misc]
    """Status is not edited directly: staff pick one of the moves the workflow allows."""

    move_to = forms.ChoiceField(required=False, label="Change status")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "owner" in self.fields:
            # Only staff who run the tracker can own a response (and receive its reminders).
            # The current owner stays selectable, so a response whose owner has since left the
            # tracker can still be saved; choose someone else to hand it on.
            runs_tracker = Q(is_active=True) & (
                Q(is_superuser=True) | Q(groups__name__in=[role.name for role in STAFF_ROLES])
            )
            kept = Q(pk=self.instance.owner_id) if self.instance.owner_id else Q(pk__in=[])
            self.fields["owner"].queryset = User.objects.filter(runs_tracker | kept).distinct().order_by("username")
        current = self.instance.status if self.instance.pk else ResponseStatus.PLANNED
        self.fields["move_to"].choices = [
            ("", f"Keep as {ResponseStatus(current).label.lower()}"),
            *((t.target, t.staff_label) for t in RESPONSE_WORKFLOW.from_state(current)),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        target = cleaned.get("move_to")
        current = self.instance.status if self.instance.pk else ResponseStatus.PLANNED
        transition = find_transition(current, target) if target else None
        if transition is not None:
            if transition.needs_reason and not (cleaned.get("not_responding_reason") or "").strip():
                self.add_error("not_responding_reason", "Say why we are not responding.")
            if needs_article(transition) and not cleaned.get("article"):
                self.add_error("article", "Link the published article before marking the response published.")
        return cleaned


RESPONSE_PANELS = ObjectList(
    [
        FieldPanel("item"),
        FieldPanel("status", read_only=True),
        FieldPanel("move_to"),
        FieldPanel("not_responding_reason"),
        FieldPanel("owner"),
        FieldPanel("internal_deadline"),
        FieldPanel("article"),
        FieldPanel("notes"),
    ],
    base_form_class=ResponseAdminForm,
)


def _response_details(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "owner": data.get("owner"),
        "internal_deadline": data.get("internal_deadline"),
        "article": data.get("article"),
        "notes": data.get("notes", ""),
    }


class ResponseCreateView(CreateView):  # type: ignore[misc]
    def save_instance(self) -> Response:
        data = self.form.cleaned_data
        return response_create(
            item=data["item"],
            actor=self.request.user,
            **_response_details(data),
            move_to=data.get("move_to") or "",
            reason=data.get("not_responding_reason", ""),
        )


class ResponseEditView(EditView):  # type: ignore[misc]
    def save_instance(self) -> Response:
        # The service compares with the row as stored, not the form's instance, which the
        # form has already changed in memory.
        data = self.form.cleaned_data
        return response_edit(
            response=self.object,
            actor=self.request.user,
            item=data["item"],
            **_response_details(data),
            not_responding_reason=data.get("not_responding_reason", ""),
            move_to=data.get("move_to") or "",
        )


class ResponseDeleteView(DeleteView):  # type: ignore[misc]
    def delete_action(self) -> None:
        response_delete(response=self.object, actor=self.request.user)


class ResponseViewSet(ModelViewSet):  # type: ignore[misc]
    model = Response
    name = "tracker_response"
    icon = "edit"
    menu_label = "Our responses"
    url_prefix = "tracker/responses"
    add_view_class = ResponseCreateView
    edit_view_class = ResponseEditView
    delete_view_class = ResponseDeleteView
    # As for items: Wagtail's copy view would save past the service. An item has one response anyway.
    copy_view_enabled = False
    edit_handler = RESPONSE_PANELS
    list_display = ["item", "status", "owner", "internal_deadline"]
    list_filter = ["status"]
    search_fields = ["item__title"]
    search_backend_name = None


class ImportRunViewSet(ModelViewSet):  # type: ignore[misc]
    """Read back what each import run did. Staff hold only the view permission: runs are never edited."""

    model = ImportRun
    name = "tracker_import_run"
    icon = "download"
    menu_label = "Import runs"
    url_prefix = "tracker/imports"
    form_fields = ["source"]
    list_display = ["__str__", "status_text", "summary"]
    list_filter = ["source", "succeeded"]
    inspect_view_enabled = True
    inspect_view_fields = ["source", "started_at", "status_text", "summary", "report_text", "error"]


class TrackerViewSetGroup(ModelViewSetGroup):  # type: ignore[misc]
    menu_label = "Policy tracker"
    menu_icon = "list-ul"
    menu_order = 250
    items = (TrackedItemViewSet, ResponseViewSet, ImportRunViewSet)
