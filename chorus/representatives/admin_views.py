"""The staff screen for the data behind "Finding your MP": what is loaded, and uploading a new file."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chorus.core.idempotency import submission_once
from chorus.core.staff import staff_required
from chorus.representatives.admin_forms import DataUploadForm
from chorus.representatives.lookup import postcode_data_loaded
from chorus.representatives.models import DataKind
from chorus.representatives.permissions import MANAGE_DATA
from chorus.representatives.selectors import data_summary, recent_data_sets, seat_counts
from chorus.representatives.services.uploads import data_set_upload


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required(MANAGE_DATA)
def data(request: HttpRequest) -> HttpResponse:
    """What each kind of data holds, how each import went, and the upload form."""
    form = DataUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():

        def upload() -> str:
            data_set_upload(
                kind=DataKind(form.cleaned_data["kind"]),
                upload=form.cleaned_data["file"],
                version=form.cleaned_data["version"],
                dated=form.cleaned_data["dated"],
                actor=request.user,
                request=request,
            )
            return reverse("representatives_admin:data")

        submitted = submission_once(
            key=form.cleaned_data["submission_key"],
            scope=f"representatives-upload:{request.user.pk}",
            action=upload,
            answers=request.POST,
        )
        if not submitted.repeated:
            messages.success(
                request,
                "The file is uploaded and will be imported in the background. "
                "Reload this page to see how it is going.",
            )
        return redirect(submitted.result or "representatives_admin:data")
    context = {
        "form": form,
        "summary": data_summary(),
        "data_sets": recent_data_sets(),
        "postcodes_loaded": postcode_data_loaded(),
        "seats": seat_counts(),
    }
    return render(request, "representatives/admin/data.html", context, status=400 if form.errors else 200)
