from django.apps import AppConfig


class TrackerConfig(AppConfig):
    name = "chorus.tracker"
    label = "tracker"
    verbose_name = "Policy tracker"
