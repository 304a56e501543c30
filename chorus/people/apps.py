from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "chorus.people"
    label = "people"
    verbose_name = "People and privacy"

    def ready(self) -> None:
        from chorus.people import emails  # noqa: F401  (registers the privacy link's outbox composer)
