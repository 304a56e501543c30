"""Template context every page needs: site navigation, read from a short cache."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from chorus.core.navigation import navigation_links


def site_chrome(request: HttpRequest) -> dict[str, Any]:
    return {"nav_links": navigation_links}
