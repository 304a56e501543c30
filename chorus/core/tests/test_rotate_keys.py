"""`manage.py rotate_keys` reseals everything under the newest key, and resumes after a stop."""

from __future__ import annotations

import base64
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from chorus.core import crypto
from chorus.core.models import AuditEvent
from chorus.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)

OLD = "old1:" + base64.urlsafe_b64encode(b"o" * 32).decode()
NEW = "new1:" + base64.urlsafe_b64encode(b"n" * 32).decode()


def _raw_values() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, name, postcode, phone FROM people_person ORDER BY id")
        return [value for row in cursor.fetchall() for value in row if value]


def _make_people(count: int) -> None:
    with override_settings(CHORUS_ENCRYPTION_KEYS=OLD):
        for n in range(count):
            Person.objects.create(email=f"p{n}@example.org", email_index=f"i{n}", name=f"Person {n}", postcode="")


def test_every_value_is_resealed_under_the_newest_key() -> None:
    _make_people(5)
    with override_settings(CHORUS_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        call_command("rotate_keys", batch_size=2, stdout=mock.MagicMock())
        assert {crypto.key_id_of(value) for value in _raw_values()} == {"new1"}
        assert sorted(p.name for p in Person.objects.all()) == [f"Person {n}" for n in range(5)]
    # The old key can now be dropped.
    with override_settings(CHORUS_ENCRYPTION_KEYS=NEW):
        assert Person.objects.get(email_index="i3").email == "p3@example.org"
    event = AuditEvent.objects.get(action="core.keys.rotated")
    assert event.data["resealed"] == 10 and event.data["key_id"] == "new1"


def test_an_interrupted_rotation_resumes_where_it_stopped() -> None:
    _make_people(6)
    real_encrypt = crypto.encrypt
    calls = {"n": 0}

    def failing_encrypt(plaintext: str) -> str:
        calls["n"] += 1
        if calls["n"] > 5:  # dies in the middle of the third batch of two
            raise KeyboardInterrupt
        return real_encrypt(plaintext)

    with override_settings(CHORUS_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        with mock.patch.object(crypto, "encrypt", failing_encrypt), pytest.raises(KeyboardInterrupt):
            call_command("rotate_keys", batch_size=2, stdout=mock.MagicMock())
        ids = [crypto.key_id_of(value) for value in _raw_values()]
        # Two committed batches; the interrupted one rolled back whole.
        assert ids.count("new1") == 4 and ids.count("old1") == 8
        before = {value for value in _raw_values() if crypto.key_id_of(value) == "new1"}

        call_command("rotate_keys", batch_size=2, stdout=mock.MagicMock())
        after = _raw_values()
        assert {crypto.key_id_of(value) for value in after} == {"new1"}
        assert before <= set(after), "values already under the new key were not touched again"
        assert sorted(p.email for p in Person.objects.all()) == sorted(f"p{n}@example.org" for n in range(6))
        event = AuditEvent.objects.get(action="core.keys.rotated")
        assert event.data["resealed"] == 8


def test_running_again_when_everything_is_current_changes_nothing() -> None:
    _make_people(2)
    with override_settings(CHORUS_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        call_command("rotate_keys", stdout=mock.MagicMock())
        before = _raw_values()
        call_command("rotate_keys", stdout=mock.MagicMock())
        assert _raw_values() == before


def test_a_value_under_a_missing_key_stops_with_a_clear_message() -> None:
    _make_people(1)
    third = "gone1:" + base64.urlsafe_b64encode(b"g" * 32).decode()
    with override_settings(CHORUS_ENCRYPTION_KEYS=third):
        Person.objects.create(email="lost@example.org", email_index="lost")
    with override_settings(CHORUS_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        with pytest.raises(CommandError, match=r"people\.Person\.email id=\d+.*No key 'gone1'"):
            call_command("rotate_keys", batch_size=1, stdout=mock.MagicMock())
        assert "new1" in {crypto.key_id_of(value) for value in _raw_values()}  # earlier batches kept
