"""Staff screen: send someone their privacy link when they ask by letter, phone or email."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from chorus.core.idempotency import SubmissionKeyFormMixin, submission_once
from chorus.core.staff import staff_required
from chorus.people import services


class StaffPrivacyRequestForm(SubmissionKeyFormMixin):
    # A double click sends the person one link, not two.
    email = forms.EmailField(
        label="Their email address",
        max_length=254,
        error_messages={
            "required": "Enter the email address they gave you",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def sent_message(minutes: int) -> str:
    """What staff see after sending, and tell the person: the same whether or not we hold data."""
    return (
        "If Chorus holds data for that address, it has been emailed a link to their privacy page. "
        f"The link works once, for {minutes} minutes."
    )


@never_cache
@staff_required("people.view_person")
def privacy_request(request: HttpRequest) -> HttpResponse:
    """Administrators send the self-service link on someone's behalf; the person still confirms.

    The answer is the same whether or not Chorus holds data for the address, so the screen
    cannot be used to find out who is on our lists; the person finds out by opening the link.
    """
    minutes = settings.CHORUS_PRIVACY_LINK_MINUTES
    form = StaffPrivacyRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def send() -> str:
            services.privacy_link_request(email=form.cleaned_data["email"], requested_by=request.user, request=request)
            return reverse("people_privacy_request")

        sent = submission_once(
            key=form.cleaned_data["submission_key"],
            scope=f"people.privacy_link:{request.user.pk}",
            answers=request.POST,
            action=send,
        )
        # The same words for a repeat: the first press did what they say.
        messages.success(request, sent_message(minutes))
        # A fresh page: the address is not left on screen, and reloading does not send again.
        return redirect(sent.result)
    return render(
        request,
        "people/admin/privacy_request.html",
        {"form": form, "minutes": minutes},
        status=400 if form.errors else 200,
    )
