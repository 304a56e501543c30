"""Where the APIs are mounted. Each API module adds its own line here."""

from django.urls import URLPattern, URLResolver

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = []
