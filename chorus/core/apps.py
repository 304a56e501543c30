from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chorus.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from django.urls import register_converter

        from chorus.core.ids import IdConverter

        # Before any URLconf is read: every app's staff URLs take ids as <id:pk>.
        register_converter(IdConverter, "id")
