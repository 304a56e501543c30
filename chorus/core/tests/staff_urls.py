"""The site's URLs, plus guarded screens outside ``/admin/``.

Wagtail's admin wrapper answers some visitors before our guard does (it sends anyone
without admin access to sign in), so the guard's own answers are tested here, where
only the guard stands in front of the view.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views import View

from chorus.core.staff import StaffRequiredMixin, staff_required
from config.urls import urlpatterns as site_urlpatterns

SHOWN = "The guarded screen itself"


@staff_required("core.view_auditevent")
def audit_screen(request: HttpRequest) -> HttpResponse:
    return HttpResponse(SHOWN)


@staff_required("core.view_auditevent")
def refusing_screen(request: HttpRequest) -> HttpResponse:
    # A finer check inside the view, as a service refusing the actor would.
    raise PermissionDenied


@staff_required(second_factor=False)
def second_step_screen(request: HttpRequest) -> HttpResponse:
    return HttpResponse(SHOWN)


class AuditClassScreen(StaffRequiredMixin, View):
    permission_required = ("core.view_auditevent",)

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse(SHOWN)


urlpatterns = [
    path("guard-test/function/", audit_screen),
    path("guard-test/refusing/", refusing_screen),
    path("guard-test/second-step/", second_step_screen),
    path("guard-test/class/", AuditClassScreen.as_view()),
    *site_urlpatterns,
]
