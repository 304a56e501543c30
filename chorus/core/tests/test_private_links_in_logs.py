"""The token of a private link never reaches a log: Django logs the path of every 4xx and 5xx."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import pytest
from django.test import Client

from chorus.core.logfilters import HIDDEN, MaskPrivateLinks

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/support/request/{token}/",
        "/support/request/{token}/withdraw/",
        "/privacy/link/{token}/",
        "/privacy/access/{token}/erase/",
        "/bulletin/preferences/{token}/",
        "/campaigns/confirm/{token}/",
        "/funding/application/{token}/",
        "/funding/application/{token}/about/",
    ],
)
def test_a_refused_private_link_is_logged_without_its_token(path: str, caplog: Any) -> None:
    token = secrets.token_urlsafe(32)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = Client().get(path.format(token=token))
    assert response.status_code in {400, 404}
    logged = [record for record in caplog.records if record.name == "django.request"]
    assert logged, "Django logged nothing for the refused request"
    assert token not in caplog.text
    assert HIDDEN in caplog.text and path.split("{token}")[0] in caplog.text


def test_the_server_log_line_is_masked_and_other_lines_are_left_alone() -> None:
    token = secrets.token_urlsafe(32)
    masking = MaskPrivateLinks()
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /support/request/{token}/?sent=1 HTTP/1.1", 200, 1234),
        None,
    )
    assert masking.filter(record)
    assert record.getMessage() == f'"GET /support/request/{HIDDEN}/?sent=1 HTTP/1.1" 200 1234'
    plain = logging.LogRecord(
        "django.server", logging.INFO, __file__, 1, '"%s" %s %s', ("GET /news/ HTTP/1.1", 200, 9), None
    )
    assert masking.filter(plain) and plain.args == ("GET /news/ HTTP/1.1", 200, 9)
