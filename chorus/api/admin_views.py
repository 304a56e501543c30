"""Staff screens: Administrators list, make and revoke integration API tokens.

A new token is shown once, on the page the form answers with (never stored, never in a
URL, never cached); afterwards only its public prefix is shown.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chorus.api.models import ApiToken, Scope, WebhookEvent, WebhookSubscription
from chorus.api.osdi.webhooks import AddressRefused, webhook_address_check, webhook_remove, webhook_subscribe
from chorus.api.tokens import EXPIRY_CHOICES_DAYS, api_token_issue, api_token_revoke
from chorus.core.idempotency import SubmissionKeyFormMixin, submission_once
from chorus.core.staff import staff_required


class TokenForm(SubmissionKeyFormMixin):
    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="Who will use it, so you know it later, e.g. 'CiviCRM sync'.",
        error_messages={"required": "Enter a name for the token"},
    )
    scopes = forms.MultipleChoiceField(
        label="What it may do",
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose only what the program needs.",
        error_messages={"required": "Choose at least one thing the token may do"},
    )
    expires_in_days = forms.TypedChoiceField(
        label="Stops working after",
        choices=[(days, f"{days} days") for days in EXPIRY_CHOICES_DAYS],
        coerce=int,
        initial=90,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when the token stops working"},
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name or any(ord(char) < 32 for char in name):
            raise forms.ValidationError("Enter a name in plain words")
        return name


@never_cache
@staff_required("api.view_apitoken")
def token_list(request: HttpRequest) -> HttpResponse:
    """Every token, newest first, with what it may do and whether it still works."""
    return render(request, "api/admin/tokens.html", {"tokens": ApiToken.objects.select_related("created_by")})


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required("api.add_apitoken")
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        made: list[Any] = []

        def issue() -> str:
            made.append(
                api_token_issue(
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_in_days=form.cleaned_data["expires_in_days"],
                    created_by=request.user,
                    request=request,
                )
            )
            return ""  # the one-time key keeps no trace of the token

        submitted = submission_once(
            key=form.cleaned_data["submission_key"],
            scope=f"api-token-create:{request.user.pk}",
            action=issue,
            answers=request.POST,
        )
        if submitted.repeated:
            # A double click: the first click made the token and showed it, once. It is never
            # shown again, so say where it went rather than make a second one.
            messages.warning(
                request,
                "Your first click made this token and showed it once. If you did not copy it, "
                "revoke it here and make another.",
            )
            return redirect("api_tokens")
        issued = made[0]
        # Rendered, not redirected: the plain token exists only in this one answer.
        return render(request, "api/admin/token_created.html", {"token": issued.token, "plain": issued.plain})
    return render(request, "api/admin/token_form.html", {"form": form}, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required("api.change_apitoken")
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Ask, then revoke: the program using it stops at once."""
    token = get_object_or_404(ApiToken, pk=token_id)
    if request.method == "POST":
        if api_token_revoke(token=token, revoked_by=request.user, request=request):
            messages.success(request, f"The token '{token.name}' is revoked. Programs using it can no longer connect.")
        else:
            messages.info(request, f"The token '{token.name}' was already revoked.")
        return redirect("api_tokens")
    return render(request, "api/admin/token_revoke.html", {"token": token})


# --- webhooks on a token --------------------------------------------------------------------


class WebhookForm(forms.Form):
    url = forms.CharField(
        label="Address",
        max_length=500,
        help_text="Where the program listens, starting with https://. It must be reachable from the internet.",
        error_messages={"required": "Enter the address the program listens on"},
    )
    events = forms.MultipleChoiceField(
        label="Tell it when",
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event"},
    )

    def clean_url(self) -> str:
        try:
            return webhook_address_check(self.cleaned_data["url"])
        except AddressRefused as error:
            raise forms.ValidationError(str(error)) from error


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required("api.change_apitoken")
def token_webhooks(request: HttpRequest, token_id: int) -> HttpResponse:
    """A token's webhook addresses, and a form to add one; its signing secret is shown once."""
    token = get_object_or_404(ApiToken, pk=token_id)
    form = WebhookForm(request.POST or None)
    can_add = token.is_usable and token.has_scope(Scope.WEBHOOKS)
    if request.method == "POST" and can_add and form.is_valid():
        try:
            subscription, secret = webhook_subscribe(
                token=token,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                created_by=request.user,
                request=request,
            )
        except AddressRefused as error:
            form.add_error(None, str(error))
        else:
            # Rendered, not redirected: the secret exists in plain only in this one answer.
            return render(
                request, "api/admin/webhook_added.html", {"token": token, "webhook": subscription, "secret": secret}
            )
    context = {"token": token, "webhooks": token.webhooks.all(), "form": form, "can_add": can_add}
    return render(request, "api/admin/webhooks.html", context, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required("api.change_apitoken")
def token_webhook_remove(request: HttpRequest, token_id: int, webhook_id: int) -> HttpResponse:
    subscription = get_object_or_404(WebhookSubscription, pk=webhook_id, token_id=token_id)
    if request.method == "POST":
        webhook_remove(subscription=subscription, removed_by=request.user, request=request)
        messages.success(request, "The webhook address is removed. Nothing more is sent to it.")
        return redirect("api_token_webhooks", token_id=token_id)
    return render(request, "api/admin/webhook_remove.html", {"webhook": subscription, "token": subscription.token})
