"""The blind index: canonical emails (property-tested) and keyed, per-purpose hashes."""

from __future__ import annotations

import hmac

from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from chorus.core.crypto import blind_index, canonical_email, email_index

local_parts = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-", min_size=1, max_size=20)
domains = st.sampled_from(["example.org", "chorus.test", "gmail.com", "mail.example.co.uk", "googlemail.com"])
tags = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", max_size=10)


@given(local_parts, domains)
def test_canonical_form_is_idempotent(local: str, domain: str) -> None:
    once = canonical_email(f"{local}@{domain}")
    assert canonical_email(once) == once


@given(local_parts, domains)
def test_case_and_surrounding_space_are_ignored(local: str, domain: str) -> None:
    assert canonical_email(f"  {local.upper()}@{domain.upper()} ") == canonical_email(f"{local}@{domain}")


@given(local_parts, domains, tags)
def test_plus_tags_are_folded_for_every_provider(local: str, domain: str, tag: str) -> None:
    assert canonical_email(f"{local}+{tag}@{domain}") == canonical_email(f"{local}@{domain}")


@given(local_parts, st.data())
def test_dots_are_folded_only_where_the_provider_ignores_them(local: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(min_value=0, max_value=len(local)))
    dotted = local[:position] + "." + local[position:]
    if dotted.startswith(".") or dotted.endswith("."):
        dotted = local[:1] + "." + local[1:] if len(local) > 1 else local
    assert canonical_email(f"{dotted}@gmail.com") == canonical_email(f"{local}@gmail.com")
    assert canonical_email(f"{dotted}@googlemail.com") == f"{local}@gmail.com"
    if dotted != local:
        assert canonical_email(f"{dotted}@example.org") != canonical_email(f"{local}@example.org")


@given(local_parts, local_parts, domains)
def test_different_mailboxes_stay_different(first: str, second: str, domain: str) -> None:
    if first.replace(".", "") != second.replace(".", ""):
        assert email_index(f"{first}@{domain}") != email_index(f"{second}@{domain}")


@given(st.text(max_size=80))
def test_any_input_gives_a_hex_index_and_never_fails(text: str) -> None:
    index = email_index(text)
    assert len(index) == 64 and int(index, 16) >= 0


def test_trailing_dot_on_domain_is_ignored() -> None:
    assert canonical_email("Ada@Example.org.") == "ada@example.org"


def test_index_is_keyed_and_separated_by_purpose() -> None:
    plain = email_index("ada@example.org")
    assert "ada" not in plain
    assert blind_index("ada@example.org", purpose="email") == plain
    assert blind_index("ada@example.org", purpose="other") != plain
    with override_settings(CHORUS_BLIND_INDEX_KEY="another-blind-index-key-2222222222222222222222"):
        assert not hmac.compare_digest(email_index("ada@example.org"), plain)
