"""Fixtures for the grants tests."""

from __future__ import annotations

import pytest

from chorus.accounts.services import roles_sync
from chorus.grants.models import FundPage
from chorus.grants.tests.factories import make_fund
from chorus.pages.tests.factories import make_site


@pytest.fixture
def fund(db: None) -> FundPage:
    """A published fund; roles are synced after it exists, as staff do after adding a fund,
    so the Grants officer holds its page permissions."""
    fund = make_fund(make_site())
    roles_sync()
    return fund
