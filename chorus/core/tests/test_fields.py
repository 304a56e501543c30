"""EncryptedTextField: stored sealed, read plain, never filtered by value."""

from __future__ import annotations

import pytest
from django.db import connection

from chorus.core import crypto
from chorus.core.fields import Sealed
from chorus.people.models import Person

pytestmark = pytest.mark.django_db


def _raw_name(person: Person) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM people_person WHERE id = %s", [person.pk])
        return str(cursor.fetchone()[0])


def test_values_are_stored_encrypted_and_read_back_plain() -> None:
    person = Person.objects.create(email="ada@example.org", name="Ada Lovelace")
    raw = _raw_name(person)
    assert raw.startswith("v1.test1.") and "Ada" not in raw
    assert Person.objects.get(pk=person.pk).name == "Ada Lovelace"


def test_blank_and_null_are_kept_as_they_are() -> None:
    person = Person.objects.create(email="ada@example.org", name="")
    assert _raw_name(person) == ""
    assert Person.objects.get(pk=person.pk).name == ""


@pytest.mark.parametrize("lookup", ["exact", "iexact", "contains", "icontains", "startswith", "in"])
def test_value_lookups_are_refused(lookup: str) -> None:
    value: object = ["Ada"] if lookup == "in" else "Ada"
    with pytest.raises(TypeError, match="Encrypted fields cannot be filtered"):
        Person.objects.filter(**{f"name__{lookup}": value})


def test_plain_equality_filter_is_refused() -> None:
    with pytest.raises(TypeError):
        Person.objects.filter(name="Ada")


def test_isnull_is_allowed() -> None:
    Person.objects.create(email="ada@example.org", name="Ada")
    assert Person.objects.filter(name__isnull=False).count() == 1


def test_sealed_values_are_written_as_they_are() -> None:
    token = crypto.encrypt("Grace Hopper")
    person = Person.objects.create(email="g@example.org")
    Person.objects.filter(pk=person.pk).update(name=Sealed(token))
    assert _raw_name(person) == token
    assert Person.objects.get(pk=person.pk).name == "Grace Hopper"
