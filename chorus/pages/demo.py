"""Demo site tree. Content is written in our own words from the network's facts."""

from __future__ import annotations

from wagtail.models import Page, Site

from chorus.pages.models import HomePage


def ensure_home() -> HomePage:
    """The demo home page as the default site's root, replacing Wagtail's welcome page."""
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(
            title="Chorus",
            slug="chorus",
            intro="We are a network led by people with lived experience of mental distress, "
            "working together to change mental-health policy.",
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Chorus")
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.save()
        if old_root.depth == 2 and old_root.specific_class is Page:
            old_root.delete()  # Wagtail's "Welcome" placeholder
    return home


def load() -> str:
    ensure_home()
    return "site tree ready"
