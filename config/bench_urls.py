"""The site's URLs plus a bare view, used only by config.settings.bench (bench/pages.py)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from config.urls import urlpatterns as site_urlpatterns


# never_cache keeps the bare view out of the page cache: it is the cost of the cheapest
# uncached response through the whole middleware stack, the baseline for public pages.
@never_cache
def bare_ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def bare_people(request: HttpRequest) -> JsonResponse:
    """The bare view beside the OSDI people collection (bench/api.py): the same 100 people a
    page holds, their encrypted fields read, as JSON, with no token, audit, consent or count."""
    from chorus.people.models import Person

    page = max(1, int(request.GET.get("page", "1") or 1))
    rows = Person.objects.order_by("pk")[(page - 1) * 100 : page * 100]
    people = [
        {"id": str(p.uuid), "name": p.name, "email": p.email, "postcode": p.postcode, "updated": p.updated_at}
        for p in rows
    ]
    return JsonResponse({"page": page, "people": people})


# The OSDI collection is measured for what it costs, not for its per-token rate limit:
# the benchmark's token may make as many requests as the load sends (bench settings only).
def _unlimited_tokens() -> None:
    from chorus.api import tokens
    from chorus.core.ratelimit import Limit

    tokens.TOKEN_LIMITS = [Limit(count=10_000_000, seconds=60)]


_unlimited_tokens()

urlpatterns = [
    path("bench/ok/", bare_ok, name="bench_ok"),
    path("bench/people/", bare_people, name="bench_people"),
    *site_urlpatterns,
]
