from django.urls import URLPattern, URLResolver

app_name = "bulletin"
urlpatterns: list[URLPattern | URLResolver] = []
