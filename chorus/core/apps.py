from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chorus.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.tasks.signals import task_finished

        from chorus.core.longlived import freeze_after_first_task

        task_finished.connect(freeze_after_first_task, dispatch_uid="chorus.core.freeze_after_first_task")
