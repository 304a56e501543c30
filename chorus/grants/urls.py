from django.urls import URLPattern, URLResolver, path

from chorus.grants import file_views, open_views, views

app_name = "grants"
urlpatterns: list[URLPattern | URLResolver] = [
    path("funding/data/360giving.json", open_views.giving_json, name="giving_json"),
    path("funding/data/360giving.csv", open_views.giving_csv, name="giving_csv"),
    path("funding/apply/<int:round_id>/", views.start, name="start"),
    path("funding/apply/<int:round_id>/check-your-email/", views.check_email, name="check_email"),
    path("funding/application/<str:token>/", views.application, name="application"),
    path("funding/application/<str:token>/check/", views.check, name="check"),
    path("funding/application/<str:token>/withdraw/", views.withdraw, name="withdraw"),
    # Before the steps' pattern, which would take "report" for a step's name.
    path("funding/application/<str:token>/report/", file_views.report, name="report"),
    path("funding/application/<str:token>/<str:step>/", views.step, name="step"),
]
