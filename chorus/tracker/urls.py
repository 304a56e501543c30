from django.urls import URLPattern, URLResolver

app_name = "tracker"
urlpatterns: list[URLPattern | URLResolver] = []
