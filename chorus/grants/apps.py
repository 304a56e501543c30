from django.apps import AppConfig


class GrantsConfig(AppConfig):
    name = "chorus.grants"
    label = "grants"
    verbose_name = "Funding programmes"

    def ready(self) -> None:
        from chorus.core import sections
        from chorus.grants import demo, emails  # noqa: F401  (emails registers the applicants' outbox composers)
        from chorus.grants.selectors import bulletin_items

        sections.BULLETIN_DRAFT.register(
            bulletin_items, name="grants.open_rounds", label="Funding rounds open now", order=40
        )
        sections.DEMO_CONTENT.register(demo.load, name="grants", label="A fund with its rounds", order=70)
