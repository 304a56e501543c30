"""Every label in the staff sidebar fits without being cut off ("What members rai…").

Wagtail's sidebar cuts a label with an ellipsis at about 16 characters of its font, so
the menus are walked, as the broadest roles see them, and every label measured.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import get_resolver
from wagtail.admin.menu import SubmenuMenuItem, admin_menu

pytestmark = pytest.mark.django_db

# The longest label seen whole in Wagtail's sidebar at its default width.
LONGEST_LABEL = 16
# Wagtail's own help menu ("What's new in Wagtail 8.0") is not the project's to word.
WAGTAIL_OWN_SUBMENUS = {"help"}


def _labels(menu: Any, request: Any) -> list[str]:
    labels = []
    for item in menu.menu_items_for_request(request):
        if item.name in WAGTAIL_OWN_SUBMENUS:
            continue
        labels.append(str(item.label))
        if isinstance(item, SubmenuMenuItem):
            labels.extend(_labels(item.menu, request))
    return labels


def _menu_labels(user: Any) -> list[str]:
    # Viewsets and their groups add their menu items as the admin's URLs load: load them first.
    get_resolver().url_patterns  # noqa: B018
    request = RequestFactory().get("/admin/")
    request.user = user
    return _labels(admin_menu, request)


@pytest.mark.parametrize("persona", ["administrator", "editor", "campaigner", "caseworker", "superuser"])
def test_every_menu_label_fits_the_sidebar(
    persona: str, request: pytest.FixtureRequest, django_user_model: Any
) -> None:
    if persona == "superuser":
        user = django_user_model.objects.create_superuser(username="root", password="x", email="root@chorus.test")
    else:
        user = request.getfixturevalue(persona)
    labels = _menu_labels(user)
    assert labels, "the menu was not walked"
    too_long = [label for label in labels if len(label) > LONGEST_LABEL]
    assert too_long == [], f"labels cut off in the sidebar: {too_long}"


def test_the_walk_sees_submenus(administrator: Any) -> None:
    # The block lists live in a group: the walk must reach inside groups, or a long label hides there.
    labels = _menu_labels(administrator)
    assert "Email domains" in labels
