from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chorus.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.core import checks
        from django.urls import register_converter

        from chorus.core import audit_seals, outbox  # noqa: F401  (register their outbox composers)
        from chorus.core.checks import check_periodic_jobs, check_sections, check_site_follows_site_url
        from chorus.core.ids import IdConverter

        # Before any URLconf is read: every app's staff URLs take ids as <id:pk>.
        register_converter(IdConverter, "id")

        # Runs when runserver, the worker, the scheduler and `manage.py check` start.
        checks.register(check_periodic_jobs)
        # What each app registered in the sections registry (chorus.core.sections).
        checks.register(check_sections)
        # The Wagtail Site against SITE_URL: reads the database, so it runs at `migrate`.
        checks.register(check_site_follows_site_url, checks.Tags.database)
