"""Site-wide views: search and robots.txt."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

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
