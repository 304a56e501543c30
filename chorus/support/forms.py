"""The two public forms, the member's reply, and the triage desk's forms. Forms never send mail."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from wagtail.admin.widgets import AdminPageChooser
from wagtail.models import Page

from chorus.accounts.models import User
from chorus.core.antibot import AntiBotFormMixin
from chorus.core.forms import IdModelChoiceField, IdModelMultipleChoiceField, email_field, needed_if
from chorus.core.idempotency import KEY_FIELD, SubmissionKeyFormMixin
from chorus.pages.models import PriorityAreaPage
from chorus.support.choosers import (
    LINKABLE_PAGE_TYPES,
    linkable_page_models,
    tracked_item_chooser_viewset,
    tracked_item_model,
)
from chorus.support.models import ApplicantType, ContactMethod, HelpType, RequestKind, WhereCategory
from chorus.support.services.submission import Submission
from chorus.support.workflow import Status

MEMBERSHIP_CHOICES = [
    ("lived_experience", "I have lived experience of mental distress or trauma"),
    ("group", "I am part of a user-led or grassroots group"),
]
ACCESS_CHOICES = [
    ("email_only", "Email only"),
    ("phone", "A phone call"),
    ("bsl", "British Sign Language (BSL)"),
    ("easy_read", "Easy Read"),
    ("large_print", "Large print"),
    ("named_time", "Contact at a time I name below"),
]


class Radios(forms.RadioSelect):
    """Radios whose error-summary link goes to the first option (the group has no single id)."""

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


class Checkboxes(forms.CheckboxSelectMultiple):
    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return super().id_for_label(id_, "0" if index is None else index)


def _priority_areas() -> QuerySet[PriorityAreaPage]:
    return PriorityAreaPage.objects.live().public().order_by("path")


def _labels(choices: list[tuple[str, str]], values: list[str]) -> list[str]:
    lookup = dict(choices)
    return [lookup[value] for value in values if value in lookup]


class _SupportForm(AntiBotFormMixin, SubmissionKeyFormMixin):
    # Each input is pointed at its hint and error by Django itself, when it is drawn
    # (BoundField.aria_describedby). Nothing here validates during __init__: doing so
    # once cached "not a valid choice" for every priority area, because the errors were
    # worked out before the area queryset below was set (issue 22).
    # The one-time key is sealed with the answers on the check-your-answers page, so a
    # double-clicked Send, or Send pressed again after going back, stores one request.
    kind: str = ""

    deadline = forms.DateField(
        required=False,
        label="Is there a deadline?",
        help_text="For example, the day a consultation closes or a vote happens. Leave it empty if there is none.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    priority_area = IdModelChoiceField(
        queryset=PriorityAreaPage.objects.none(),
        required=False,
        empty_label="I am not sure",
        label="Which of our priority areas is it about?",
    )
    name = forms.CharField(
        required=False, max_length=150, label="Your name", widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = needed_if(
        forms.EmailField(
            required=False,
            max_length=254,
            label="Email address",
            help_text="We only use it to send you your private link and tell you when we reply.",
            widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        ),
        on="contact_method",
        values=[ContactMethod.EMAIL],
        words="you choose email",
    )
    phone = needed_if(
        forms.CharField(
            required=False,
            max_length=40,
            label="Phone number",
            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        ),
        on="contact_method",
        values=[ContactMethod.PHONE],
        words="you choose a phone call",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["priority_area"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _priority_areas()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("contact_method")
        if method == ContactMethod.EMAIL and not data.get("email"):
            self.add_error("email", "Enter your email address, or choose another way to hear from us.")
        if method == ContactMethod.PHONE and not data.get("phone"):
            self.add_error("phone", "Enter your phone number, or choose another way to hear from us.")
        return data

    def summary(self) -> list[tuple[str, str]]:
        """The answers as label and text, for the check-your-answers page."""
        rows = []
        for name, field in self.fields.items():
            if name in {"website", "form_started", KEY_FIELD}:
                continue
            value = self.cleaned_data.get(name)
            if isinstance(field, forms.MultipleChoiceField):
                text = ", ".join(_labels(list(field.choices), value or []))  # type: ignore[arg-type]
            elif isinstance(field, forms.ChoiceField) and value:
                text = str(dict(field.choices).get(value, value))  # type: ignore[arg-type]
            elif isinstance(value, date):
                text = value.strftime("%-d %B %Y")
            else:
                text = str(value or "")
            rows.append((str(field.label), text or "Not given"))
        return rows

    def submission(self) -> Submission:
        raise NotImplementedError

    def _common(self) -> dict[str, Any]:
        data = self.cleaned_data
        method = data["contact_method"]
        area = data.get("priority_area")
        return {
            "kind": self.kind,
            "description": data["description"],
            "contact_method": method,
            "name": data.get("name", "") if method != ContactMethod.NONE else "",
            "email": data.get("email", "") if method != ContactMethod.NONE else "",
            "phone": data.get("phone", "") if method == ContactMethod.PHONE else "",
            "deadline": data.get("deadline"),
            "priority_area_id": area.pk if area else None,
        }


class AlertForm(_SupportForm):
    """Tell us about a policy issue (anonymous allowed)."""

    kind = RequestKind.ALERT

    description = forms.CharField(
        max_length=5000,
        label="What is happening?",
        error_messages={"required": "Tell us what is happening."},
        help_text="Tell us about the policy, decision or practice and who it affects. "
        "You do not need to tell us about your own health.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    where_category = forms.ChoiceField(
        choices=WhereCategory.choices,
        widget=Radios,
        label="Where is it happening?",
        error_messages={"required": "Choose where it is happening."},
    )
    where_detail = needed_if(
        forms.CharField(
            required=False, max_length=200, label="Which nation or area?", help_text="For example, Wales, or Leeds."
        ),
        on="where_category",
        values=[WhereCategory.NATION, WhereCategory.LOCAL],
        words="it is happening in one nation or a local area",
    )
    links = forms.CharField(
        required=False,
        max_length=2000,
        label="Links",
        help_text="Web addresses of anything that explains it, one on each line.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    membership = forms.MultipleChoiceField(
        choices=MEMBERSHIP_CHOICES,
        required=False,
        widget=Checkboxes,
        label="About you",
        help_text="Tick any that apply. This helps us understand who is raising issues.",
    )
    contact_method = forms.ChoiceField(
        choices=ContactMethod.choices,
        widget=Radios,
        label="How should we reply?",
        error_messages={"required": "Choose how we should reply, or that we should not."},
        help_text="You can tell us anonymously, but then we cannot reply or ask you questions.",
    )

    field_order = [
        "description",
        "where_category",
        "where_detail",
        "links",
        "deadline",
        "priority_area",
        "membership",
        "contact_method",
        "name",
        "email",
        "phone",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("where_category") in {WhereCategory.NATION, WhereCategory.LOCAL} and not data.get("where_detail"):
            self.add_error("where_detail", "Tell us which nation or area.")
        return data

    def submission(self) -> Submission:
        data = self.cleaned_data
        return Submission(
            **self._common(),
            where_category=data["where_category"],
            where_detail=data.get("where_detail", ""),
            links=data.get("links", ""),
            membership="; ".join(_labels(MEMBERSHIP_CHOICES, data.get("membership") or [])),
        )


class CampaignForm(_SupportForm):
    """Ask for support with your campaign."""

    kind = RequestKind.CAMPAIGN

    applicant_type = forms.ChoiceField(
        choices=ApplicantType.choices,
        widget=Radios,
        label="Who are you?",
        error_messages={"required": "Choose whether you are an individual or part of a group."},
    )
    group_name = needed_if(
        forms.CharField(required=False, max_length=200, label="Name of your group"),
        on="applicant_type",
        values=[ApplicantType.GROUP],
        words="you are part of a group",
    )
    description = forms.CharField(
        max_length=5000,
        label="What is your campaign?",
        error_messages={"required": "Tell us what your campaign is."},
        help_text="What you want to change, who you are asking, and what you have done so far.",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    help_types = forms.MultipleChoiceField(
        choices=HelpType.choices,
        widget=Checkboxes,
        label="What help would you like?",
        error_messages={"required": "Choose at least one kind of help."},
        help_text="Tick all that apply.",
    )
    help_other = needed_if(
        forms.CharField(required=False, max_length=500, label="If something else, what?"),
        on="help_types",
        values=[HelpType.OTHER],
        words="you ticked something else",
    )
    contact_method = forms.ChoiceField(
        choices=[c for c in ContactMethod.choices if c[0] != ContactMethod.NONE],
        widget=Radios,
        label="How should we contact you?",
        error_messages={"required": "Choose how we should contact you."},
    )
    access_needs = forms.MultipleChoiceField(
        choices=ACCESS_CHOICES,
        required=False,
        widget=Checkboxes,
        label="Access needs",
        help_text="Tell us how to make contact work for you.",
    )
    access_detail = forms.CharField(
        required=False,
        max_length=500,
        label="Anything else about access, or a time that suits you",
    )

    field_order = [
        "applicant_type",
        "group_name",
        "description",
        "help_types",
        "help_other",
        "deadline",
        "priority_area",
        "contact_method",
        "name",
        "email",
        "phone",
        "access_needs",
        "access_detail",
    ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("applicant_type") == ApplicantType.GROUP and not data.get("group_name"):
            self.add_error("group_name", "Enter the name of your group.")
        if HelpType.OTHER in (data.get("help_types") or []) and not data.get("help_other"):
            self.add_error("help_other", "Tell us what other help you would like.")
        return data

    def submission(self) -> Submission:
        data = self.cleaned_data
        access = _labels(ACCESS_CHOICES, data.get("access_needs") or [])
        if data.get("access_detail"):
            access.append(data["access_detail"])
        return Submission(
            **self._common(),
            applicant_type=data["applicant_type"],
            group_name=data.get("group_name", "") if data["applicant_type"] == ApplicantType.GROUP else "",
            help_types=tuple(data["help_types"]),
            help_other=data.get("help_other", ""),
            access_needs="; ".join(access),
        )


FORMS: dict[str, type[_SupportForm]] = {RequestKind.ALERT: AlertForm, RequestKind.CAMPAIGN: CampaignForm}


class LostLinkForm(AntiBotFormMixin):
    """Ask for the private links to your open requests again, by email."""

    email = email_field(help_text="The address you gave when you sent your request.")


class ReplyForm(SubmissionKeyFormMixin):
    body = forms.CharField(
        max_length=5000,
        label="Your reply",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write your reply."},
    )


# --- triage desk ---


def staff_users() -> QuerySet[User]:
    from django.db.models import Q

    return (
        User.objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__name__in=["Caseworker", "Administrator"]))
        .distinct()
        .order_by("username")
    )


class QueueFilterForm(forms.Form):
    kind = forms.ChoiceField(choices=[("", "Any type"), *RequestKind.choices], required=False, label="Type")
    status = forms.ChoiceField(
        choices=[("", "Any open status"), ("all", "Any status"), *Status.choices], required=False, label="Status"
    )
    priority_area = IdModelChoiceField(
        queryset=PriorityAreaPage.objects.none(), required=False, empty_label="Any area", label="Priority area"
    )
    assignee = forms.ChoiceField(required=False, label="Assigned to")
    overdue = forms.BooleanField(required=False, label="Only overdue")
    waiting = forms.BooleanField(required=False, label="Only waiting on member")
    sort = forms.ChoiceField(
        required=False,
        label="Sort by",
        choices=[
            ("oldest", "Oldest first"),
            ("newest", "Newest first"),
            ("due", "Resolution due soonest"),
            ("deadline", "Member's deadline soonest"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["priority_area"]
        assert isinstance(area, forms.ModelChoiceField)
        area.queryset = PriorityAreaPage.objects.order_by("path")
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        assignee.choices = [
            ("", "Anyone"),
            ("me", "Me"),
            ("none", "Nobody"),
            *[(str(u.pk), u.get_username()) for u in staff_users()],
        ]


class StaffMessageForm(SubmissionKeyFormMixin):
    # Each desk form that emails someone (message, status, assignment) carries a one-time
    # key, so a double click acts once.
    body = forms.CharField(
        max_length=10000,
        label="Message",
        widget=forms.Textarea(attrs={"rows": 5, "aria-describedby": "message-hint"}),
    )
    # Which of the two buttons was pressed: "Send to member" or "Add internal note". There
    # is no default, so nothing reaches the member unless that button says so.
    internal = forms.ChoiceField(
        choices=[("message", "Send to member"), ("note", "Add internal note")],
        widget=forms.HiddenInput,
        error_messages={"required": "Choose 'Send to member' or 'Add internal note'."},
        label="Who sees this?",
    )


class TransitionForm(SubmissionKeyFormMixin):
    # The value comes from the status button that was pressed.
    transition = forms.CharField(
        widget=forms.HiddenInput, error_messages={"required": "Choose the new status with one of its buttons."}
    )
    outcome_message = forms.CharField(
        required=False,
        max_length=5000,
        label="Outcome message to the member (optional)",
        help_text="Used when resolving, referring or declining. "
        "Leave empty to send our standard plain-language message.",
        widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": "outcome-hint"}),
    )


class AssignForm(SubmissionKeyFormMixin):
    assignee = IdModelChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Nobody", label="Assign to"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = staff_users()


class CategoriseForm(forms.Form):
    tags = forms.CharField(
        required=False,
        max_length=500,
        label="Tags",
        help_text="Separate tags with commas, e.g. benefits, wards.",
        widget=forms.TextInput(attrs={"aria-describedby": "tags-hint"}),
    )
    # The links already made, each a ticked box: untick to remove it. New links are added
    # one at a time with Wagtail's choosers (LinkForm); the template writes the boxes.
    pages = IdModelMultipleChoiceField(queryset=Page.objects.none(), required=False, label="Linked pages")
    tracked_items = IdModelMultipleChoiceField(
        queryset=Page.objects.none(), required=False, label="Linked tracker items"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["pages"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        # Everything below the home page, in tree order.
        field.queryset = Page.objects.filter(depth__gt=2).order_by("path")
        items = self.fields["tracked_items"]
        assert isinstance(items, forms.ModelMultipleChoiceField)
        items.queryset = tracked_item_model().objects.all()

    def tag_names(self) -> list[str]:
        return [name for name in self.cleaned_data.get("tags", "").split(",") if name.strip()]


class CorrectForm(SubmissionKeyFormMixin):
    """Correct the type and priority area a member chose."""

    kind = forms.ChoiceField(choices=RequestKind.choices, label="Type")
    priority_area = IdModelChoiceField(
        queryset=PriorityAreaPage.objects.none(), required=False, empty_label="No priority area", label="Priority area"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["priority_area"]
        assert isinstance(area, forms.ModelChoiceField)
        # Every area, published or not: staff may keep an area that has since been unpublished.
        area.queryset = PriorityAreaPage.objects.order_by("path")


class LinkForm(SubmissionKeyFormMixin):
    """Link one more article, campaign or tracker item, picked with Wagtail's choosers."""

    page = IdModelChoiceField(queryset=Page.objects.none(), required=False, label="Article or campaign")
    tracked_item = IdModelChoiceField(queryset=Page.objects.none(), required=False, label="Tracker item")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        page = self.fields["page"]
        assert isinstance(page, forms.ModelChoiceField)
        # Only the page types a request may be linked to, whatever id is posted.
        page.queryset = Page.objects.type(*linkable_page_models()).order_by("path")
        page.widget = AdminPageChooser(target_models=list(LINKABLE_PAGE_TYPES))
        item = self.fields["tracked_item"]
        assert isinstance(item, forms.ModelChoiceField)
        item.queryset = tracked_item_model().objects.all()
        item.widget = tracked_item_chooser_viewset.widget_class()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("page") and not cleaned.get("tracked_item"):
            raise forms.ValidationError("Choose an article or campaign, or a tracker item, to link.")
        return cleaned
