"""URL wiring. Each app's own routes live in its urls.py."""

from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from chorus.accounts.views import StaffPasswordResetView
from chorus.pages import views as page_views

urlpatterns = [
    # Wagtail's password-reset form with Chorus's limits, in its place (same address and name).
    path("admin/password_reset/", StaffPasswordResetView.as_view(), name="wagtailadmin_password_reset"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", page_views.search, name="search"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("robots.txt", page_views.robots_txt, name="robots_txt"),
    path("favicon.ico", page_views.favicon_ico, name="favicon_ico"),
    path("organisation.css", page_views.organisation_css, name="organisation_css"),
    path("help-now/", page_views.help_now, name="help_now"),
    path("privacy-notice/", page_views.privacy_notice, name="privacy_notice"),
    path("accessibility/", page_views.accessibility_statement, name="accessibility_statement"),
    path("", include("chorus.core.urls")),
    path("", include("chorus.news.urls")),
    path("", include("chorus.people.urls")),
    path("", include("chorus.campaigns.urls")),
    path("", include("chorus.support.urls")),
    path("", include("chorus.bulletin.urls")),
    path("", include("chorus.tracker.urls")),
    path("", include("chorus.grants.urls")),
    path("", include("chorus.api.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page tree comes last: it answers every path the apps above don't.
urlpatterns += [path("", include(wagtail_urls))]
