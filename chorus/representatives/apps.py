from django.apps import AppConfig


class RepresentativesConfig(AppConfig):
    name = "chorus.representatives"
    label = "representatives"
    verbose_name = "Representatives"

    def ready(self) -> None:
        from chorus.core import sections
        from chorus.representatives import demo

        sections.DEMO_CONTENT.register(
            demo.load, name="representatives", label="Example MPs and postcodes for letters", order=15
        )
