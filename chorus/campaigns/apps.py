from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "chorus.campaigns"
    label = "campaigns"
    verbose_name = "Campaign actions"

    def ready(self) -> None:
        from chorus.campaigns import emails, receivers  # noqa: F401  (registers outbox composers; connects receivers)
