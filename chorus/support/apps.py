from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "chorus.support"
    label = "support"
    verbose_name = "Member support desk"

    def ready(self) -> None:
        from chorus.support import emails  # noqa: F401  (registers the desk's outbox composers)
