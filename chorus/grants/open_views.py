"""The 360Giving data at stable addresses: every grant made, as JSON and as a spreadsheet.

Public and cookie-free, so the public page cache keeps them briefly like any page. Until
staff set the 360Giving prefix, or before the first grant is made, both answer 404 with a
sentence saying why: nothing is published half-made.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from chorus.core.spreadsheets import csv_lines
from chorus.grants.open_data import CSV_COLUMNS, giving_grants, giving_package, giving_row

NOTHING_PUBLISHED = (
    "No grant data is published here yet: it appears once we have made a grant and set our 360Giving identifier.\n"
)


def _nothing_yet() -> HttpResponse:
    return HttpResponseNotFound(NOTHING_PUBLISHED, content_type="text/plain; charset=utf-8")


def _open_to_all(response: HttpResponse) -> HttpResponse:
    # Open data: any website may read it from a browser; it carries no cookies or credentials.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def giving_json(request: HttpRequest) -> HttpResponse:
    """The 360Giving data package (schema 1.4) of every grant made."""
    package = giving_package(now=timezone.now(), request=request)
    if package is None:
        return _nothing_yet()
    response = JsonResponse(package, json_dumps_params={"ensure_ascii": False, "indent": 2})
    return _open_to_all(response)


@require_safe
def giving_csv(request: HttpRequest) -> HttpResponse:
    """The same grants as a spreadsheet, with the 360Giving column titles."""
    grants = giving_grants(request=request)
    if not grants:
        return _nothing_yet()
    response = HttpResponse(
        "".join(csv_lines(CSV_COLUMNS, (giving_row(grant) for grant in grants))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="360giving-grants.csv"'
    return _open_to_all(response)
