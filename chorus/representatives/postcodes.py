"""UK postcodes in one canonical form ("SW1A 1AA"), checked by django-localflavor.

The ONSPD's ``pcds`` column is already in that form, so the importer's 2.7 million rows
take the quick path: localflavor's own pattern, matched once. Anything else (a member's
typing, the ``pcd7`` layout) goes through localflavor's field, which upper-cases it and
puts one space before the inward code.
"""

from __future__ import annotations

from django import forms
from localflavor.gb.forms import GBPostcodeField

# Far longer than any postcode, even with stray spaces: refused before any parsing.
LONGEST_INPUT = 40

_FIELD = GBPostcodeField(required=False)


def postcode_canonical(raw: str) -> str | None:
    """The canonical form of a UK postcode ("SW1A 1AA"), or None when it is not one."""
    if not raw or len(raw) > LONGEST_INPUT:
        return None
    if GBPostcodeField.postcode_regex.fullmatch(raw):
        return raw
    try:
        # localflavor keeps spaces other than the one it adds, so collapse them first.
        cleaned: str = _FIELD.clean("".join(raw.split()))
    except forms.ValidationError:
        return None
    return cleaned or None
