"""Site-wide views: search, robots.txt, the trust pages and the organisation's colour and icon."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from chorus.pages.models import OrganisationSettings
from chorus.pages.privacy_notice import NOTICE
from chorus.pages.selectors import search_elsewhere, search_pages

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    page_obj = None
    elsewhere = []
    if query:
        page_obj = Paginator(search_pages(query=query), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
        # Shown beside the first page of results only: they are not paged.
        if page_obj.number == 1:
            elsewhere = search_elsewhere(query=query)
    context = {
        "query": query,
        "page_obj": page_obj,
        "elsewhere": elsewhere,
        "query_string": urlencode({"q": query}),
    }
    return render(request, "pages/search.html", context)


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def help_now(request: HttpRequest) -> HttpResponse:
    """The "Need help now?" panel on a page of its own, linked from every page's footer."""
    return render(request, "pages/help_now.html")


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """What each feature collects, why, who sees it and for how long (chorus.pages.privacy_notice)."""
    return render(request, "pages/privacy_notice.html", {"entries": NOTICE})


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility_statement.html")


@require_GET
def organisation_css(request: HttpRequest) -> HttpResponse:
    """The accent colour editors chose, as a stylesheet of our own (the CSP allows no inline style).

    Only the light scheme takes it: the colour passed a contrast check against white, so on the
    dark scheme's near-black it could be unreadable, and the dark scheme keeps its own accent.
    """
    colour = OrganisationSettings.load(request_or_site=request).custom_accent_colour
    body = f"@media (prefers-color-scheme: light) {{ :root {{ --accent: {colour}; }} }}\n" if colour else ""
    response = HttpResponse(body, content_type="text/css; charset=utf-8")
    # The address carries the colour, so a changed colour is a new address.
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def favicon_ico(request: HttpRequest) -> HttpResponse:
    """Programs that ask for /favicon.ico without reading the page get the PNG icon, not a 404."""
    return HttpResponsePermanentRedirect(static("img/favicon-32.png"))
