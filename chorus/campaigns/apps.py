from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "chorus.campaigns"
    label = "campaigns"
    verbose_name = "Campaign actions"

    def ready(self) -> None:
        # emails and letter_emails register outbox composers; receivers connect.
        from chorus.campaigns import demo, emails, letter_emails, letter_views, receivers, views  # noqa: F401
        from chorus.campaigns.models import ActionPage, LetterToRepresentativePage
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
        LetterToRepresentativePage.connect_letter_views(
            {
                "letter_action": letter_views.letter_action,
                "letter": letter_views.write,
                "letter_check_email": letter_views.check_email,
                "easy_read": views.easy_read,
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
