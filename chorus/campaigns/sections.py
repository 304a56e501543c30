"""What campaigns contribute to pages they do not own: the actions shown beside a spotlit
one on the home page, and a priority area's open actions. Registered in
``CampaignsConfig.ready()`` (chorus.core.sections)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest
from wagtail.models import Page

from chorus.campaigns.models import ActionPage
from chorus.campaigns.selectors import actions_alongside, open_actions_for_area


def spotlight_companions(*, page: Page) -> Sequence[Page]:
    """A spotlit open letter or petition brings the campaign's other open actions with it."""
    if not isinstance(page, ActionPage):
        return []
    return actions_alongside(page)


def area_actions_section(*, request: HttpRequest, page: Page) -> Mapping[str, Any] | None:
    """A priority area's open letters and petitions, by themselves; those an editor features
    on the page (its ``related_actions``) are shown there already, so not twice."""
    featured = getattr(page, "related_actions", None)
    leave_out = [link.action_id for link in featured.all()] if featured is not None else []
    actions = open_actions_for_area(area_id=page.pk, leave_out=leave_out)
    if not actions:
        return None
    return {"actions": actions}
