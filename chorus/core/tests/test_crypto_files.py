"""Files sealed in chunks (recordings, documents): round trips, and a file changed, cut or
reordered, or sealed with another key, is refused."""

from __future__ import annotations

import io
import os
import struct

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from chorus.core import crypto
from chorus.core.tests.test_crypto import NEW_KEY, OLD_KEY

SIZES = [0, 1, 1000, crypto.FILE_CHUNK_BYTES - 1, crypto.FILE_CHUNK_BYTES, crypto.FILE_CHUNK_BYTES + 1]


@pytest.mark.parametrize("size", SIZES)
def test_a_file_comes_back_as_it_was_and_is_hidden_at_rest(size: int) -> None:
    data = os.urandom(size)
    sealed = crypto.encrypt_bytes(data)
    assert crypto.decrypt_bytes(sealed) == data
    # Hidden at rest: the content does not appear in what is stored. (A byte or two of random
    # content can turn up in any ciphertext by chance, so only longer content says anything.)
    if size >= 16:
        assert data not in sealed


@settings(max_examples=30, deadline=None)
@given(st.lists(st.binary(max_size=5000), max_size=8))
def test_any_pieces_seal_to_their_joined_content(pieces: list[bytes]) -> None:
    sealed = b"".join(crypto.encrypt_chunks(pieces))
    assert b"".join(crypto.decrypt_chunks(io.BytesIO(sealed))) == b"".join(pieces)


def test_the_same_file_seals_differently_each_time() -> None:
    assert crypto.encrypt_bytes(b"voice") != crypto.encrypt_bytes(b"voice")


def _records(sealed: bytes) -> tuple[bytes, list[bytes]]:
    """The header and each (length, body) record of a sealed file."""
    key_length = sealed[len(crypto.FILE_MAGIC)]
    header_end = len(crypto.FILE_MAGIC) + 1 + key_length + 7
    header, rest, records = sealed[:header_end], sealed[header_end:], []
    while rest:
        (length,) = struct.unpack(">I", rest[:4])
        records.append(rest[: 4 + length])
        rest = rest[4 + length :]
    return header, records


def test_a_file_cut_short_after_a_whole_chunk_is_refused() -> None:
    sealed = crypto.encrypt_bytes(os.urandom(crypto.FILE_CHUNK_BYTES * 2 + 10))
    header, records = _records(sealed)
    assert len(records) == 3
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(header + records[0] + records[1])  # the last chunk dropped
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(header + records[1] + records[0] + records[2])  # reordered
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(sealed[:-5])
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(header)


@pytest.mark.parametrize("position", [12, 30, -1])
def test_a_changed_byte_is_refused(position: int) -> None:
    sealed = bytearray(crypto.encrypt_bytes(b"a recording of our meeting"))
    sealed[position] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(bytes(sealed))


def test_a_file_names_its_key_and_opens_while_that_key_is_kept() -> None:
    with override_settings(CHORUS_ENCRYPTION_KEYS=OLD_KEY):
        sealed = crypto.encrypt_bytes(b"kept")
    with override_settings(CHORUS_ENCRYPTION_KEYS=f"{NEW_KEY},{OLD_KEY}"):
        assert crypto.decrypt_bytes(sealed) == b"kept"
    with override_settings(CHORUS_ENCRYPTION_KEYS=NEW_KEY), pytest.raises(crypto.DecryptionError, match="No key"):
        crypto.decrypt_bytes(sealed)


def test_something_else_is_not_taken_for_a_sealed_file() -> None:
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(b"ID3\x03\x00 plain mp3")
