"""The funding pages in the Wagtail admin: a new fund is at once open to the Grants officers who run it,
the applications groups send are listed for the roles that read or score them, and Grants officers
see on the home page what waits for a decision."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from chorus.accounts.roles import GRANTS_OFFICER, user_has_role
from chorus.core.staff import GuardedMenuItem
from chorus.grants import admin_views, file_views, selectors
from chorus.grants.dashboard import grants_officer_panel
from chorus.grants.models import FundPage
from chorus.grants.services.funds import fund_permissions_grant


@hooks.register("after_create_page")
def grants_officers_run_the_new_fund(request: HttpRequest, page: Any) -> None:
    specific = page.specific
    if isinstance(specific, FundPage):
        fund_permissions_grant(fund=specific, actor=request.user, screen=request.path[:200])


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    patterns = [
        path("", admin_views.applications, name="applications"),
        path("<id:pk>/", admin_views.application, name="application"),
        path("<id:pk>/move/", admin_views.move, name="move"),
        path("<id:pk>/review/", admin_views.review, name="review"),
        path("<id:pk>/conflict/", admin_views.conflict, name="conflict"),
        path("<id:pk>/decide/", admin_views.decide, name="decide"),
        path("<id:pk>/answers/", admin_views.answers, name="answers"),
        path("rounds/<id:round_id>/panel/", admin_views.panel, name="panel"),
        path("rounds/<id:round_id>/applications.csv", admin_views.export, name="export"),
    ]
    return [path("grants/", include((patterns, "grants_admin"), namespace="grants_admin"))]


@hooks.register("register_admin_menu_item")
def register_applications_menu_item() -> MenuItem:
    return GuardedMenuItem(
        "Applications",
        reverse("grants_admin:applications"),
        shown_to=selectors.may_read_applications,
        icon_name="form",
        order=260,
    )


@hooks.register("register_admin_urls")
def register_file_urls() -> list[Any]:
    # Recordings and documents sent with applications: only ever through this checked, audited view.
    patterns = [path("<id:pk>/", file_views.file_download, name="download")]
    return [path("grants/files/", include((patterns, "grants_files"), namespace="grants_files"))]


@hooks.register("construct_homepage_panels")
def add_grants_panel(request: HttpRequest, panels: list[Any]) -> None:
    if user_has_role(request.user, GRANTS_OFFICER) and request.user.has_perm(admin_views.READ_PERMISSION):
        panels.append(grants_officer_panel())
