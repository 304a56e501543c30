from django.apps import AppConfig


class BulletinConfig(AppConfig):
    name = "chorus.bulletin"
    label = "bulletin"
    verbose_name = "Members bulletin"

    def ready(self) -> None:
        from chorus.bulletin import demo, emails  # noqa: F401  (emails registers the subscribe answers' outbox composer)
        from chorus.bulletin.sections import subscribe_section
        from chorus.core import sections

        sections.HOME_PAGE.register(
            subscribe_section,
            name="bulletin.subscribe",
            label="Stay in touch",
            order=40,
            template="bulletin/sections/home_subscribe.html",
        )
        sections.DEMO_CONTENT.register(demo.load, name="bulletin", label="The bulletin and past issues", order=60)
