from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "chorus.support"
    label = "support"
    verbose_name = "Member support desk"

    def ready(self) -> None:
        from chorus.core import sections
        from chorus.support import demo, emails  # noqa: F401  (emails registers the desk's outbox composers)

        sections.DEMO_CONTENT.register(demo.load, name="support", label="The support desk and its requests", order=50)
