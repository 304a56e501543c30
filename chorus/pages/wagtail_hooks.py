"""Keep cached navigation and pages fresh when editors publish."""

from __future__ import annotations

from typing import Any

from wagtail import hooks
from wagtail.signals import page_published, page_unpublished

from chorus.core.middleware import retire_cached_pages
from chorus.core.navigation import clear_navigation_cache


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
