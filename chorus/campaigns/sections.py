"""What campaigns contribute to pages they do not own: the actions shown beside a spotlit
one on the home page. Registered in ``CampaignsConfig.ready()`` (chorus.core.sections)."""

from __future__ import annotations

from collections.abc import Sequence

from wagtail.models import Page

from chorus.campaigns.models import ActionPage
from chorus.campaigns.selectors import actions_alongside


def spotlight_companions(*, page: Page) -> Sequence[Page]:
    """A spotlit open letter or petition brings the campaign's other open actions with it."""
    if not isinstance(page, ActionPage):
        return []
    return actions_alongside(page)
