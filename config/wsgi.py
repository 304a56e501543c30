"""WSGI entry point. Production sets DJANGO_SETTINGS_MODULE=config.settings.production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
application = get_wsgi_application()

from chorus.core.longlived import freeze_web_application  # noqa: E402  (needs the apps loaded)

freeze_web_application()
