"""The main navigation: the home page's children that are shown in menus."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache

NAVIGATION_CACHE_KEY = "chorus:navigation:v1"


@dataclass(frozen=True)
class NavLink:
    title: str
    url: str


def navigation_links() -> list[NavLink]:
    """Called lazily from templates; cleared by a Wagtail hook when pages are published."""
    links: list[NavLink] | None = cache.get(NAVIGATION_CACHE_KEY)
    if links is None:
        from wagtail.models import Site

        site = Site.objects.select_related("root_page").filter(is_default_site=True).first()
        links = []
        if site is not None:
            for page in site.root_page.get_children().live().in_menu().specific():
                links.append(NavLink(title=page.title, url=page.url or "/"))
        cache.set(NAVIGATION_CACHE_KEY, links, 300)
    return links


def clear_navigation_cache() -> None:
    cache.delete(NAVIGATION_CACHE_KEY)
