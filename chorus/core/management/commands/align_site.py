"""Give the default Wagtail Site SITE_URL's host name and port (run after changing SITE_URL)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from chorus.core.sites import align_default_site, site_follows_site_url


class Command(BaseCommand):
    help = "Make the default Wagtail Site's address match SITE_URL, so sitemap and feed links are right."

    def handle(self, *args: Any, **options: Any) -> None:
        site = align_default_site()
        if site is None:
            raise CommandError("There is no default Wagtail Site yet: run `manage.py migrate` first.")
        if not site_follows_site_url(site):
            # Wagtail writes only port 443 as https://: an https address on another port
            # cannot be expressed by a Site.
            raise CommandError(
                f"The Site is now {site.root_url}, which still differs from SITE_URL {settings.SITE_URL}: "
                "use an https address on port 443 or an http one."
            )
        self.stdout.write(f"The default site's address is {site.root_url}.")
