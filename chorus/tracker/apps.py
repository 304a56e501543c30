from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "chorus.tracker"
    label = "tracker"
    verbose_name = "Policy tracker"

    def ready(self) -> None:
        from chorus.tracker import emails  # noqa: F401  (registers the reminders' outbox composer)
