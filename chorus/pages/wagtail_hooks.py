"""Keep cached navigation and pages fresh when editors publish or change the site's settings."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_save, pre_save
from wagtail import hooks
from wagtail.images import get_image_model
from wagtail.signals import page_published, page_unpublished

from chorus.core.middleware import retire_cached_pages
from chorus.core.navigation import clear_navigation_cache
from chorus.pages.images import strip_uploaded_image_metadata
from chorus.pages.models import AccessibilityStatementSettings, HelpNowSettings, OrganisationSettings


def _content_changed(**kwargs: Any) -> None:
    clear_navigation_cache()
    retire_cached_pages()


# Wagtail's documented extension points for "a page changed".
page_published.connect(_content_changed, dispatch_uid="chorus.pages.published")
page_unpublished.connect(_content_changed, dispatch_uid="chorus.pages.unpublished")


@hooks.register("after_delete_page")
def after_delete_page(request: Any, page: Any) -> None:
    _content_changed()


@hooks.register("after_move_page")
def after_move_page(request: Any, page: Any) -> None:
    _content_changed()


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
@hooks.register("after_delete_snippet")
def after_snippet_change(request: Any, instance: Any) -> None:
    _content_changed()


def _settings_changed(**kwargs: Any) -> None:
    # The name, logo, colour, help wording and statement are on cached pages: retire them
    # once the change has committed, so no process caches the old wording again.
    transaction.on_commit(retire_cached_pages)


# Wagtail's settings screen has no hook of its own for a saved setting; Django's post_save
# on these three models is the documented extension point (docs/decisions/0028).
for setting_model in (OrganisationSettings, HelpNowSettings, AccessibilityStatementSettings):
    post_save.connect(_settings_changed, sender=setting_model, dispatch_uid=f"chorus.pages.{setting_model.__name__}")

# Photos lose their EXIF and XMP (location, camera) before they are stored (chorus.pages.images).
pre_save.connect(
    strip_uploaded_image_metadata, sender=get_image_model(), dispatch_uid="chorus.pages.strip_image_metadata"
)
