from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "chorus.accounts"
    label = "accounts"
    verbose_name = "Staff accounts"
    default = True  # this module holds two app configs; this one is chorus.accounts'

    def ready(self) -> None:
        from chorus.accounts import emails, receivers  # noqa: F401  (the outbox composer; the signal receivers)


class StaffUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's users app with Chorus's user screens (``chorus.accounts.viewsets``).

    Listed in INSTALLED_APPS in place of "wagtail.users", as Wagtail's docs describe.
    """

    default = False
    user_viewset = "chorus.accounts.viewsets.StaffUserViewSet"
