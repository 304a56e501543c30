"""The desk's bulk "are you sure?" page is the shared one: it lists the chosen requests in a
table and posts every chosen id again."""

from __future__ import annotations

from typing import Any

import pytest

from chorus.support.tests.factories import make_request
from conftest import client_for

pytestmark = pytest.mark.django_db


def test_the_chosen_requests_are_listed_and_each_id_is_carried(caseworker: Any) -> None:
    chosen = [make_request(email="")[0] for _ in range(2)]
    response = client_for(caseworker).post(
        "/admin/support/", {"ids": [r.pk for r in chosen], "bulk_action": "transition:decline"}
    )
    body = " ".join(response.content.decode().split())
    assert "<caption>The chosen requests</caption>" in body
    for support_request in chosen:
        assert f'<th scope="row">{support_request.reference}</th><td>New</td>' in body
        assert f'<input type="hidden" name="ids" value="{support_request.pk}">' in body
    assert '<input type="hidden" name="bulk_action" value="transition:decline">' in body
