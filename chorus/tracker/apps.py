from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "chorus.tracker"
    label = "tracker"
    verbose_name = "Policy tracker"

    def ready(self) -> None:
        from chorus.core import sections
        from chorus.tracker import demo, emails  # noqa: F401  (emails registers the reminders' outbox composer)
        from chorus.tracker.sections import area_open_items_section
        from chorus.tracker.selectors import bulletin_items, search_hits

        sections.PRIORITY_AREA_PAGE.register(
            area_open_items_section,
            name="tracker.area_open_items",
            label="Consultations, inquiries and bills open for responses",
            order=20,
            template="tracker/sections/area_open_items.html",
        )

        sections.BULLETIN_DRAFT.register(bulletin_items, name="tracker.closing_soon", label="Closing soon", order=30)
        sections.SEARCH_RESULTS.register(
            search_hits, name="tracker.items", label="Consultations, inquiries and bills we follow", order=10
        )
        sections.DEMO_CONTENT.register(demo.load, name="tracker", label="Consultations, inquiries and bills", order=30)
