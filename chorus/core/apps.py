from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chorus.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.tasks.signals import task_finished
        from django.urls import register_converter

        from chorus.core import outbox  # noqa: F401  (registers the templated emails' composer)
        from chorus.core.ids import IdConverter
        from chorus.core.longlived import freeze_after_first_task

        # Before any URLconf is read: every app's staff URLs take ids as <id:pk>.
        register_converter(IdConverter, "id")

        task_finished.connect(freeze_after_first_task, dispatch_uid="chorus.core.freeze_after_first_task")
