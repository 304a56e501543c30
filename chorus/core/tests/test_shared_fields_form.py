"""Forms whose instances share one set of fields keep everything else their own."""

from __future__ import annotations

from chorus.campaigns.forms import OpenLetterSignForm, PetitionSignForm


def test_instances_share_fields_but_not_data_or_errors() -> None:
    first = OpenLetterSignForm(data={"name": "", "email": "not-an-email"})
    second = OpenLetterSignForm(data={"name": "Ada", "email": "ada@example.org"})
    assert first.fields is second.fields
    assert not first.is_valid()
    assert set(first.errors) >= {"name", "email"}
    assert "name" not in second.errors and "email" not in second.errors
    assert second["name"].value() == "Ada"
    assert first["name"].value() == ""


def test_a_petition_asks_for_a_postcode_only_when_its_variant_does() -> None:
    asking = PetitionSignForm(asks_postcode=True)
    not_asking = PetitionSignForm()
    assert "postcode" in asking.fields
    assert "postcode" not in not_asking.fields
    assert asking.fields is not not_asking.fields
    assert list(asking.fields)[:3] == ["name", "email", "postcode"]


def test_class_level_widget_attributes_reach_the_rendered_form() -> None:
    rendered = str(OpenLetterSignForm())
    assert 'autocomplete="name"' in rendered
    assert 'tabindex="-1"' in rendered  # the honeypot stays out of the tab order
