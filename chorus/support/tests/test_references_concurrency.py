"""Reference numbers stay unique when many members send at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from chorus.support.models import SupportRequest
from chorus.support.tests.factories import make_request

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_submissions_get_distinct_sequential_references() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Needs real concurrent transactions (PostgreSQL)")
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def send() -> None:
        try:
            barrier.wait()
            make_request(email="")
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(SupportRequest.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 9))
    assert SupportRequest.objects.values("reference").distinct().count() == 8
