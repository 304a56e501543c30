"""The site's URLs plus a bare view, used only by config.settings.bench (bench/pages.py)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from config.urls import urlpatterns as site_urlpatterns


# never_cache keeps the bare view out of the page cache: it is the cost of the cheapest
# uncached response through the whole middleware stack, the baseline for public pages.
@never_cache
def bare_ok(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/ok/", bare_ok, name="bench_ok"), *site_urlpatterns]
