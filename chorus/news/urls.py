from django.urls import path

from chorus.news.feeds import AreaArticleFeed, ArticleFeed, KindArticleFeed

app_name = "news"
urlpatterns = [
    path("feeds/articles/", ArticleFeed(), name="feed"),
    path("feeds/areas/<slug:slug>/", AreaArticleFeed(), name="area_feed"),
    path("feeds/kinds/<slug:kind>/", KindArticleFeed(), name="kind_feed"),
]
