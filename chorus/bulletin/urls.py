from django.urls import URLPattern, URLResolver, path

from chorus.bulletin import views
from chorus.bulletin.feeds import BulletinIssueFeed

app_name = "bulletin"
urlpatterns: list[URLPattern | URLResolver] = [
    path("bulletin/subscribe/", views.subscribe, name="subscribe"),
    path("bulletin/check-your-email/", views.check_email, name="check_email"),
    path("bulletin/confirm/<str:token>/", views.confirm, name="confirm"),
    path("bulletin/preferences/<str:token>/", views.preferences, name="preferences"),
    path("bulletin/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("feeds/bulletin/", BulletinIssueFeed(), name="feed"),
]
