from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "chorus.pages"
    label = "pages"
    verbose_name = "Pages"

    def ready(self) -> None:
        from chorus.core import sections
        from chorus.core.branding import register_organisation_name, register_organisation_sender
        from chorus.pages import demo
        from chorus.pages.models import OrganisationSettings

        # Emails are signed with the organisation's name from its settings (chorus.core.branding).
        register_organisation_name(lambda: OrganisationSettings.load().name)
        # The delivery pack names the sender and a contact (chorus.core.branding).
        register_organisation_sender(lambda: OrganisationSettings.load().sender())
        from chorus.pages.sections import coalitions_section, priority_areas_section, spotlight_section

        # The home page's own sections; other apps register theirs between these (news at
        # 30, the bulletin at 40), so the orders leave room.
        sections.HOME_PAGE.register(
            spotlight_section,
            name="pages.spotlight",
            label="Campaign spotlight",
            order=10,
            template="pages/sections/spotlight.html",
        )
        sections.HOME_PAGE.register(
            priority_areas_section,
            name="pages.priority_areas",
            label="Our priority areas",
            order=20,
            template="pages/sections/priority_areas.html",
        )
        sections.HOME_PAGE.register(
            coalitions_section,
            name="pages.coalitions",
            label="Coalitions we belong to",
            order=50,
            template="pages/sections/coalitions.html",
        )
        # First: every other app's demo hangs its pages under the home page this makes.
        sections.DEMO_CONTENT.register(
            demo.load, name="pages", label="Home, approach, priorities, coalitions", order=10
        )
