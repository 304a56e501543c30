"""Fixtures for the grants tests."""

from __future__ import annotations

import pytest

from chorus.accounts.services import roles_sync
from chorus.grants.models import FundPage
from chorus.grants.tests.factories import make_fund
from chorus.pages.tests.factories import make_site


@pytest.fixture
def fund(db: None) -> FundPage:
    """A published fund. Made outside the editor, so no hook gives it to the Grants officer:
    roles are synced after it exists, as ``manage.py sync_roles`` would."""
    fund = make_fund(make_site())
    roles_sync()
    return fund
