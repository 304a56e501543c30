from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from chorus.campaigns.models import CampaignIndexPage
from chorus.campaigns.tests.factories import make_campaigns

CONFIRM_LINK = re.compile(r"/campaigns/confirm/([A-Za-z0-9_-]+)/")


@pytest.fixture
def index(db: Any) -> CampaignIndexPage:
    return make_campaigns()


def token_from_outbox(position: int = -1) -> str:
    match = CONFIRM_LINK.search(str(mail.outbox[position].body))
    assert match, "no confirmation link in the email"
    return match.group(1)
