"""Each signing form is an ordinary Django form: its fields are its own, whatever another
signer's form on this or another petition asks or changes."""

from __future__ import annotations

from chorus.campaigns.forms import OpenLetterSignForm, PetitionSignForm


def test_petitions_that_ask_and_do_not_ask_for_a_postcode_keep_their_own_fields() -> None:
    asking = PetitionSignForm({"name": "Ada", "email": "ada@example.org", "postcode": "nowhere"}, asks_postcode=True)
    not_asking = PetitionSignForm({"name": "Bo", "email": "bo@example.org", "postcode": "nowhere"})

    assert list(asking.fields)[:3] == ["name", "email", "postcode"]
    assert "postcode" not in not_asking.fields
    # One form's field changed for its signer (as a view may) stays that form's.
    asking.fields["name"].help_text = "As it appears on your ID"
    asking.fields["email"].widget.attrs["aria-describedby"] = "ada-hint"
    assert not_asking.fields["name"].help_text == ""
    assert "aria-describedby" not in not_asking.fields["email"].widget.attrs

    assert not asking.is_valid() and "postcode" in asking.errors
    assert not_asking.is_valid(), not_asking.errors  # a postcode it does not ask for is ignored
    assert "postcode" not in not_asking.cleaned_data
    # The form built next for the asking petition still asks, as it was declared.
    again = PetitionSignForm(asks_postcode=True)
    assert "postcode" in again.fields and again.fields["name"].help_text == ""


def test_two_signers_of_one_petition_do_not_share_field_objects() -> None:
    first = PetitionSignForm(asks_postcode=True)
    second = PetitionSignForm(asks_postcode=True)
    assert first.fields is not second.fields
    first.fields["postcode"].required = True
    first.fields["postcode"].widget.attrs["aria-invalid"] = "true"
    assert second.fields["postcode"].required is False
    assert "aria-invalid" not in second.fields["postcode"].widget.attrs


def test_instances_keep_their_own_data_and_errors() -> None:
    first = OpenLetterSignForm(data={"name": "", "email": "not-an-email"})
    second = OpenLetterSignForm(data={"name": "Ada", "email": "ada@example.org"})
    assert not first.is_valid()
    assert set(first.errors) >= {"name", "email"}
    assert "name" not in second.errors and "email" not in second.errors
    assert second["name"].value() == "Ada"
    assert first["name"].value() == ""


def test_class_level_widget_attributes_reach_the_rendered_form() -> None:
    rendered = str(OpenLetterSignForm())
    assert 'autocomplete="name"' in rendered
    assert 'tabindex="-1"' in rendered  # the honeypot stays out of the tab order
