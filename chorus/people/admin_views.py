"""Staff screen: send someone their privacy link when they ask by letter, phone or email."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from chorus.people import services


class StaffPrivacyRequestForm(forms.Form):
    email = forms.EmailField(label="Their email address", max_length=254)


@never_cache
def privacy_request(request: HttpRequest) -> HttpResponse:
    """Administrators send the self-service link on someone's behalf; the person still confirms."""
    if not request.user.has_perm("people.view_person"):
        # Wagtail turns PermissionDenied into a redirect; staff should see a plain refusal.
        return render(request, "403.html", status=403)
    form = StaffPrivacyRequestForm(request.POST or None)
    sent: bool | None = None
    if request.method == "POST" and form.is_valid():
        sent = services.privacy_link_request(email=form.cleaned_data["email"], requested_by=request.user)
    return render(request, "people/admin/privacy_request.html", {"form": form, "sent": sent})
