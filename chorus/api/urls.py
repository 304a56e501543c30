"""Where the APIs are mounted. Each API module adds its own line here."""

from django.urls import URLPattern, URLResolver, path

from chorus.api.osdi import helpers  # noqa: F401 - adds the helpers' routes to the integration API
from chorus.api.osdi.api import api as osdi_api
from chorus.api.public import views as public_views
from chorus.api.public.api import api as public_api

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [
    # The public read API: its entry point, ninja's operations, then a JSON 404 for the rest.
    path("api/v1/", public_views.entry_point, name="public_entry_point"),
    path("api/v1/", public_api.urls),
    path("api/v1/<path:rest>", public_views.not_found, name="public_not_found"),
    # The integration API a CRM syncs from (OSDI-shaped, with tokens).
    path("api/osdi/v1/", osdi_api.urls),
]
