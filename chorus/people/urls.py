from django.urls import URLPattern, URLResolver, path

from chorus.people import views

app_name = "people"
urlpatterns: list[URLPattern | URLResolver] = [
    path("privacy/", views.privacy_start, name="privacy"),
    path("privacy/link/<str:token>/", views.privacy_link, name="privacy_link"),
    path("privacy/access/<str:token>/", views.privacy_manage, name="privacy_manage"),
    path("privacy/access/<str:token>/download.<str:fmt>", views.privacy_download, name="privacy_download"),
    path("privacy/access/<str:token>/withdraw/", views.privacy_withdraw, name="privacy_withdraw"),
    path("privacy/access/<str:token>/erase/", views.privacy_erase, name="privacy_erase"),
]
