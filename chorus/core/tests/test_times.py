"""``<time datetime>`` holds a valid HTML date or time: no microseconds, the offset kept."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.test import override_settings

from chorus.core.templatetags.times import machine_time

CHORUS = Path(__file__).resolve().parents[2]
# A valid global date and time string (HTML): seconds at most to three decimals, with an offset.
VALID_GLOBAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?([+-]\d{2}:\d{2}|Z)$")


@override_settings(TIME_ZONE="Europe/London")
def test_a_moment_has_no_microseconds_and_keeps_its_offset() -> None:
    moment = datetime.datetime(2026, 7, 1, 15, 30, 5, 123456, tzinfo=datetime.UTC)
    written = machine_time(moment)
    assert written == "2026-07-01T16:30:05+01:00"
    assert VALID_GLOBAL_TIME.match(written)


def test_a_date_is_a_plain_iso_date_and_nothing_is_empty() -> None:
    assert machine_time(datetime.date(2026, 12, 7)) == "2026-12-07"
    assert machine_time(None) == ""


def test_the_filter_in_a_template_writes_a_valid_attribute() -> None:
    moment = datetime.datetime(2026, 12, 7, 9, 0, 0, 999999, tzinfo=ZoneInfo("Europe/London"))
    html = Template('{% load times %}<time datetime="{{ moment|machine_time }}"></time>').render(
        Context({"moment": moment})
    )
    attribute = re.search(r'datetime="([^"]*)"', html)
    assert attribute and VALID_GLOBAL_TIME.match(attribute.group(1))
    assert "999999" not in html


def test_every_template_writes_time_attributes_through_the_filter() -> None:
    # date:'c' writes microseconds: a new template using it would bring the error back.
    offenders = []
    for template in CHORUS.rglob("templates/**/*.html"):
        for attribute in re.findall(r'datetime="([^"]*)"', template.read_text()):
            if "|machine_time" not in attribute:
                offenders.append(f"{template.relative_to(CHORUS)}: {attribute}")
    assert offenders == []
