"""Where the APIs are mounted. Each API module adds its own line here."""

from django.urls import URLPattern, URLResolver, path

from chorus.api.osdi.api import api as osdi_api

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("api/osdi/v1/", osdi_api.urls),
]
