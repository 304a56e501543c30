"""Wagtail's staff user screens, with Chorus's rules on superusers and a second-factor reset.

Wired in through ``apps.StaffUsersAppConfig`` (Wagtail's documented way to customise the
user views). What changes:

- the superuser checkbox is there only for superusers, labelled so it cannot be taken for
  the Administrator role, and ignored if anyone else posts it;
- only superusers open a superuser's account (its email and password are the keys to it);
- Wagtail's copy view is off: it would save a POST over an existing account with none of this;
- the roles show what each is for;
- "Reset two-factor sign-in" on a user's page and in the list.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, path, reverse
from django.utils.functional import cached_property
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import Button
from wagtail.admin.widgets.boolean_radio_select import BooleanRadioSelect
from wagtail.users.views import users as wagtail_users

from chorus.accounts import views
from chorus.accounts.forms import StaffUserCreationForm, StaffUserEditForm
from chorus.accounts.permissions import can_reset_two_factor, may_manage_account

RESET_LABEL = "Reset two-factor sign-in"


def reset_two_factor_button(*, target: Any, request_user: Any, priority: int = 30) -> Button | None:
    if not can_reset_two_factor(request_user, target):
        return None
    url = reverse("wagtailusers_users:reset_two_factor", args=(target.pk,))
    return Button(RESET_LABEL, url=url, icon_name="lock", priority=priority)


class StaffUserFilterSet(wagtail_users.UserFilterSet):  # type: ignore[misc]
    is_superuser = django_filters.BooleanFilter(label="Superuser", widget=BooleanRadioSelect)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["group"].label = "Role"


class StaffUserIndexView(wagtail_users.IndexView):  # type: ignore[misc]
    @cached_property
    def columns(self) -> list[Any]:
        # Wagtail calls superusers "Admin": say "Superuser", so no one reads it as the Administrator role.
        return [
            Column(
                "is_superuser",
                accessor=lambda user: "Superuser" if user.is_superuser else None,
                label="Superuser",
                sort_key="is_superuser",
                classname="level",
                width="10%",
            )
            if column.name == "is_superuser"
            else column
            for column in super().columns
        ]

    def get_edit_url(self, instance: Any) -> str | None:
        if not may_manage_account(self.request.user, instance):
            return None
        url: str | None = super().get_edit_url(instance)
        return url


class StaffUserCreateView(wagtail_users.CreateView):  # type: ignore[misc]
    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        kwargs["for_user"] = self.request.user
        return kwargs


class StaffUserEditView(wagtail_users.EditView):  # type: ignore[misc]
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_manage_account(request.user, self.object):
            raise PermissionDenied
        response: HttpResponse = super().dispatch(request, *args, **kwargs)
        return response

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        kwargs["for_user"] = self.request.user
        return kwargs

    @cached_property
    def header_more_buttons(self) -> list[Any]:
        buttons = list(super().header_more_buttons)
        button = reset_two_factor_button(target=self.object, request_user=self.request.user)
        if button is not None:
            buttons.append(button)
        return buttons


class StaffUserViewSet(wagtail_users.UserViewSet):  # type: ignore[misc]
    filterset_class = StaffUserFilterSet
    index_view_class = StaffUserIndexView
    add_view_class = StaffUserCreateView
    edit_view_class = StaffUserEditView
    copy_view_enabled = False

    def get_form_class(self, for_update: bool = False) -> type:
        return StaffUserEditForm if for_update else StaffUserCreationForm

    def get_urlpatterns(self) -> list[URLPattern]:
        patterns: list[URLPattern] = super().get_urlpatterns()
        return [
            *patterns,
            path("reset-two-factor/<id:pk>/", views.two_factor_reset, name="reset_two_factor"),
        ]
