"""An action page's own addresses are served by views that CampaignsConfig.ready() connects."""

from __future__ import annotations

import pytest

from chorus.campaigns import views
from chorus.campaigns.models import ACTION_ROUTES, ActionPage, OpenLetterPage, PetitionPage


def test_every_route_of_an_action_has_its_view_connected() -> None:
    assert set(ActionPage.route_views) == set(ACTION_ROUTES)
    assert ActionPage.route_views["sign"] is views.sign
    # Open letters and petitions are served by the same views.
    assert OpenLetterPage.route_views is PetitionPage.route_views is ActionPage.route_views
    assert not [error for error in ActionPage.check() if error.id == "campaigns.E001"]


def test_start_up_stops_if_a_view_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ActionPage, "route_views", {"action": views.action_detail})
    (error,) = [error for error in ActionPage.check() if error.id == "campaigns.E001"]
    assert "sign, check_email, confirmed, signatories, easy_read" in error.msg
