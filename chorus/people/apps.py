from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "chorus.people"
    label = "people"
    verbose_name = "People and privacy"
