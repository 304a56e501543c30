from django.urls import URLPattern, URLResolver, path

from chorus.support import views
from chorus.support.models import RequestKind

app_name = "support"
urlpatterns: list[URLPattern | URLResolver] = [
    path("support/policy-issue/", views.support_form, {"kind": RequestKind.ALERT}, name="alert"),
    path("support/campaign/", views.support_form, {"kind": RequestKind.CAMPAIGN}, name="campaign"),
    path("support/lost-link/", views.lost_link, name="lost_link"),
    path("support/request/<str:token>/", views.private, name="private"),
    path("support/request/<str:token>/withdraw/", views.withdraw, name="withdraw"),
]
