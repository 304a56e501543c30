"""What each staff role may do with site content (pages are granted in accounts.services)."""

ROLE_PERMISSIONS = {
    "Editor": [
        "pages.add_coalition",
        "pages.change_coalition",
        "pages.delete_coalition",
        "wagtaildocs.add_document",
        "wagtaildocs.change_document",
        "wagtaildocs.choose_document",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
    ],
}
