"""Fixtures for the grants tests."""

from __future__ import annotations

import pytest

from chorus.grants.models import FundPage
from chorus.grants.tests.factories import make_fund
from chorus.pages.tests.factories import make_site


@pytest.fixture
def fund(db: None) -> FundPage:
    return make_fund(make_site())
