"""The proof: a copy of the database does not reveal who anyone is or what they wrote."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection

from chorus.core.tests.dump import assert_not_in_database_dump, database_dump
from chorus.people.models import ConsentPurpose
from chorus.people.services import consent_withdraw, privacy_link_request
from chorus.people.tests.factories import give_consent, make_person

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = [
    {
        "email": "Marguerite.Okonkwo+letters@example.org",
        "name": "Marguerite Okonkwo",
        "postcode": "EH8 9YL",
        "phone": "07700 900123",
        "access_needs": "Please send everything in Easy Read with large print",
    },
    {
        "email": "tobias.vantreeck@gmail.com",
        "name": "Tobias Vantreeck",
        "postcode": "LS6 3QW",
        "phone": "",
        "access_needs": "I use a screen reader; no phone calls after my ward round",
    },
]


def _sensitive_values() -> list[str]:
    values = []
    for fields in PEOPLE:
        values += [value for value in fields.values() if value]
        local = fields["email"].split("@")[0]
        values += [local.split("+")[0], fields["email"].lower()]
    return values


def test_no_personal_value_appears_in_a_database_dump() -> None:
    for fields in PEOPLE:
        person = make_person(**fields)
        give_consent(person, ConsentPurpose.BULLETIN)
        give_consent(person, ConsentPurpose.PUBLISH_NAME, scope="campaigns.petition:1")
        privacy_link_request(email=fields["email"])
    consent_withdraw(person=make_person(PEOPLE[0]["email"]), purpose=ConsentPurpose.BULLETIN, via="privacy page")
    dump = assert_not_in_database_dump(_sensitive_values())
    # The dump is real: it holds the rows, just not readably.
    assert "people_person" in dump and "v1.test1." in dump


def test_the_helper_catches_a_plain_value() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO people_person (uuid, email, name, postcode, phone, access_needs, created_at, updated_at, "
            "changed_at) VALUES (%s, '', 'Plainly Visible', '', '', '', %s, %s, %s)",
            [uuid.uuid4().hex, *["2026-01-01 00:00:00+00:00"] * 3],
        )
    assert "plainly visible" in database_dump().lower()
    with pytest.raises(AssertionError, match="Plainly Visible"):
        assert_not_in_database_dump(["Plainly Visible"])


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL")
def test_postgresql_is_dumped_with_pg_dump() -> None:
    make_person(**PEOPLE[0])
    dump = database_dump()
    assert "PostgreSQL database dump" in dump
    assert_not_in_database_dump(_sensitive_values(), dump=dump)
