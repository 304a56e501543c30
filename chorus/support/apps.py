from django.apps import AppConfig


class SupportConfig(AppConfig):
    name = "chorus.support"
    label = "support"
    verbose_name = "Member support desk"
