"""The one staff menu entry type shows itself only to people its screen will let in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from chorus.core.staff import GuardedMenuItem

pytestmark = pytest.mark.django_db


def _request_for(user: Any) -> Any:
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_a_permission_shows_the_entry_only_to_those_holding_it(administrator: Any, editor: Any) -> None:
    item = GuardedMenuItem("Audit log", "/admin/audit/", shown_to="core.view_auditevent")
    assert item.is_shown(_request_for(administrator))
    assert not item.is_shown(_request_for(editor))


def test_a_check_of_the_user_decides_when_given() -> None:
    class Someone:
        def __init__(self, allowed: bool) -> None:
            self.allowed = allowed

    item = GuardedMenuItem("Applications", "/admin/grants/", shown_to=lambda user: user.allowed)
    assert item.is_shown(_request_for(Someone(True)))
    assert not item.is_shown(_request_for(Someone(False)))
