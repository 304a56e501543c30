"""The Wagtail Site follows ``SITE_URL``.

Wagtail builds every absolute page link (sitemap.xml, the Atom feeds' page links,
``page.full_url``) from the default Site's host name and port, not from ``SITE_URL``.
A Site left at Wagtail's ``localhost:80`` makes every such link ``http://localhost/…``,
so the demo aligns the Site when it loads, ``manage.py align_site`` aligns it after a
deployment, and a system check warns while the two differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Site


@dataclass(frozen=True)
class SiteAddress:
    hostname: str
    port: int


def address_from_site_url(site_url: str | None = None) -> SiteAddress:
    """The host name and port Wagtail's Site must hold for its links to start with SITE_URL."""
    parts = urlsplit(site_url if site_url is not None else settings.SITE_URL)
    default_port = 443 if parts.scheme == "https" else 80
    return SiteAddress(hostname=parts.hostname or "localhost", port=parts.port or default_port)


def site_follows_site_url(site: Site) -> bool:
    """Whether Wagtail's links for this Site start with SITE_URL."""
    # Wagtail writes port 443 as https:// and any other port as http://; an https address
    # on another port cannot be written by a Site at all, so comparing the root URL (not
    # only host and port) tells the operator the truth about the links.
    return bool(site.root_url == settings.SITE_URL.rstrip("/"))


def align_default_site() -> Site | None:
    """Give the default Site SITE_URL's host name and port; None when there is no Site yet."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    address = address_from_site_url()
    if (site.hostname, site.port) != (address.hostname, address.port):
        site.hostname = address.hostname
        site.port = address.port
        site.save(update_fields=["hostname", "port"])
    return site
