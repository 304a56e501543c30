"""What the bulletin contributes to pages it does not own: the home page's invitation to
subscribe. Registered in ``BulletinConfig.ready()`` (chorus.core.sections)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from wagtail.models import Page


def subscribe_section(*, request: HttpRequest, page: Page) -> Mapping[str, Any] | None:
    # Always shown, and only a link: the form's own page is the one that may set a cookie.
    return {}
