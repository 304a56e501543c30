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


def test_a_move_says_which_chosen_requests_it_leaves_alone(caseworker: Any) -> None:
    # "Acknowledge" starts only from New: a request already in progress stays as it is, and the
    # page says so for that request rather than promising every chosen request will move.
    new = make_request(email="")[0]
    in_progress = make_request(email="")[0]
    type(in_progress).objects.filter(pk=in_progress.pk).update(status="in_progress")
    response = client_for(caseworker).post(
        "/admin/support/", {"ids": [new.pk, in_progress.pk], "bulk_action": "transition:acknowledge"}
    )
    body = " ".join(response.content.decode().split())
    assert "1 of the 2 requests will move to “Acknowledged”." in body
    assert "The other 1 cannot move there from its status, so it stays as it is." in body
    assert f'<th scope="row">{new.reference}</th><td>New</td><td>Acknowledged</td>' in body
    assert f'<th scope="row">{in_progress.reference}</th><td>In progress</td><td>Stays In progress</td>' in body
