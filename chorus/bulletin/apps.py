from django.apps import AppConfig


class BulletinConfig(AppConfig):
    name = "chorus.bulletin"
    label = "bulletin"
    verbose_name = "Members bulletin"
