from django.apps import AppConfig


class BulletinConfig(AppConfig):
    name = "chorus.bulletin"
    label = "bulletin"
    verbose_name = "Members bulletin"

    def ready(self) -> None:
        from chorus.bulletin import emails  # noqa: F401  (registers the subscribe answers' outbox composer)
