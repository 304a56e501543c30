from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "chorus.pages"
    label = "pages"
    verbose_name = "Pages"
