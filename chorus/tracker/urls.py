from django.urls import URLPattern, URLResolver, path

from chorus.tracker import views
from chorus.tracker.feeds import TrackerChangesFeed

app_name = "tracker"
urlpatterns: list[URLPattern | URLResolver] = [
    path("feeds/tracker/deadlines.ics", views.deadlines_ics, name="deadlines_ics"),
    path("feeds/tracker/areas/<slug:slug>/deadlines.ics", views.area_deadlines_ics, name="area_deadlines_ics"),
    path("feeds/tracker/items/<slug:slug>/deadlines.ics", views.item_deadlines_ics, name="item_deadlines_ics"),
    path("feeds/tracker/changes/", TrackerChangesFeed(), name="changes_feed"),
]
