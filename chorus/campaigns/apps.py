from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "chorus.campaigns"
    label = "campaigns"
    verbose_name = "Campaign actions"

    def ready(self) -> None:
        from chorus.campaigns import demo, emails, receivers, views  # noqa: F401  (emails registers outbox composers; receivers connect)
        from chorus.campaigns.models import ActionPage
        from chorus.campaigns.references import describe_reference
        from chorus.campaigns.sections import area_actions_section, spotlight_companions
        from chorus.campaigns.selectors import bulletin_items
        from chorus.core import sections

        # The views of an action's own addresses; the model holds no import of them.
        ActionPage.connect_views(
            {
                "action": views.action_detail,
                "sign": views.sign,
                "check_email": views.check_email,
                "confirmed": views.confirmed,
                "signatories": views.signatories,
                "easy_read": views.easy_read,
                "easy_read_sign": views.easy_read_sign,
            }
        )
        sections.SPOTLIGHT_COMPANIONS.register(
            spotlight_companions, name="campaigns.actions_alongside", label="Other actions of the campaign", order=10
        )
        sections.PRIORITY_AREA_PAGE.register(
            area_actions_section,
            name="campaigns.area_actions",
            label="Open letters and petitions in this area",
            order=5,
            template="campaigns/sections/area_actions.html",
        )
        sections.BULLETIN_DRAFT.register(bulletin_items, name="campaigns.open_actions", label="Take action", order=20)
        sections.REFERENCE_DESCRIBERS.register(
            describe_reference, name="campaigns.references", label="Signatures and campaign actions", order=10
        )
        sections.DEMO_CONTENT.register(demo.load, name="campaigns", label="Open letters and petitions", order=40)
