from django.apps import AppConfig


class ApiConfig(AppConfig):
    """Programs reading Chorus: the public read API (/api/v1/) and the integration API a CRM syncs
    from (/api/osdi/v1/). Both are django-ninja, which Wagtail already brings."""

    name = "chorus.api"
    label = "api"
    verbose_name = "APIs"

    def ready(self) -> None:
        # Registers the outbox composer for webhook deliveries.
        from chorus.api.osdi import webhooks  # noqa: F401
