"""Encryption at rest: round trips, key ids, wrong keys and rotation."""

from __future__ import annotations

import base64

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from chorus.core import crypto

OLD_KEY = "old1:" + base64.urlsafe_b64encode(b"o" * 32).decode()
NEW_KEY = "new1:" + base64.urlsafe_b64encode(b"n" * 32).decode()


def test_round_trip_keeps_the_text_and_hides_it() -> None:
    token = crypto.encrypt("Ada Lovelace, SW1A 1AA")
    assert "Ada" not in token and "SW1A" not in token
    assert crypto.decrypt(token) == "Ada Lovelace, SW1A 1AA"


@given(st.text(max_size=300))
def test_any_text_survives_a_round_trip(text: str) -> None:
    assert crypto.decrypt(crypto.encrypt(text)) == text


def test_the_same_text_encrypts_differently_each_time() -> None:
    assert crypto.encrypt("same") != crypto.encrypt("same")


def test_ciphertext_names_the_key_that_sealed_it() -> None:
    token = crypto.encrypt("x")
    assert token.startswith("v1.test1.")
    assert crypto.key_id_of(token) == "test1"
    assert crypto.is_current(token)
    assert crypto.key_id_of("not a token") is None


def test_a_value_sealed_with_another_key_cannot_be_opened() -> None:
    with override_settings(CHORUS_ENCRYPTION_KEYS=OLD_KEY):
        token = crypto.encrypt("secret")
    with pytest.raises(crypto.DecryptionError, match="No key"):
        crypto.decrypt(token)
    # Same key id but different key material: the tag check fails.
    impostor = "old1:" + base64.urlsafe_b64encode(b"i" * 32).decode()
    with override_settings(CHORUS_ENCRYPTION_KEYS=impostor), pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)


@pytest.mark.parametrize("position", [0, 12, 20, -1])  # nonce, ciphertext, tag
def test_tampered_ciphertext_is_refused(position: int) -> None:
    token = crypto.encrypt("secret")
    prefix, key_id, body = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[position] ^= 0x01
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{prefix}.{key_id}.{base64.urlsafe_b64encode(bytes(raw)).decode()}")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("v0.test1.abc")


def test_a_value_relabelled_to_another_key_id_is_refused() -> None:
    # Same key material under two ids: only the key id bound in as associated data differs.
    material = base64.urlsafe_b64encode(b"s" * 32).decode()
    with override_settings(CHORUS_ENCRYPTION_KEYS=f"aa1:{material},bb1:{material}"):
        token = crypto.encrypt("secret")
        assert crypto.decrypt(token) == "secret"
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(token.replace("v1.aa1.", "v1.bb1.", 1))


def test_rotation_encrypts_with_the_newest_key_and_still_reads_old_values() -> None:
    with override_settings(CHORUS_ENCRYPTION_KEYS=OLD_KEY):
        old = crypto.encrypt("kept")
    with override_settings(CHORUS_ENCRYPTION_KEYS=f"{NEW_KEY},{OLD_KEY}"):
        assert crypto.decrypt(old) == "kept"
        assert not crypto.is_current(old)
        resealed = crypto.reseal(old)
        assert crypto.key_id_of(resealed) == "new1"
        assert crypto.decrypt(resealed) == "kept"
        assert crypto.reseal(resealed) == resealed  # already current: untouched


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "nocolon",
        "bad id:" + base64.urlsafe_b64encode(b"k" * 32).decode(),
        "k1:" + base64.urlsafe_b64encode(b"short").decode(),
        "k1:" + base64.urlsafe_b64encode(bytes(32)).decode(),
        "k1:!!!notbase64",
    ],
)
def test_bad_key_rings_are_refused(raw: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_key_ring(raw)


def test_generated_keys_parse() -> None:
    ring = crypto.parse_key_ring(f"k2:{crypto.generate_key()},k1:{crypto.generate_key()}")
    assert ring.current_id == "k2"
    assert set(ring.keys) == {"k1", "k2"}
