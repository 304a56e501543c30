"""The demo loader is idempotent and produces requests in many states."""

from __future__ import annotations

import pytest

from chorus.support import demo
from chorus.support.models import Message, SupportPage, SupportRequest

pytestmark = pytest.mark.django_db


def test_demo_loads_once_with_a_spread_of_states() -> None:
    demo.load()
    count = SupportRequest.objects.count()
    assert count >= 24
    assert SupportPage.objects.live().count() == 1
    assert len(set(SupportRequest.objects.values_list("status", flat=True))) >= 6
    assert Message.objects.exists()
    demo.load()
    assert SupportRequest.objects.count() == count
    assert SupportPage.objects.count() == 1
