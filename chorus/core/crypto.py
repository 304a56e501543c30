"""Encryption of personal data at rest, and keyed blind indexes for lookups.

Ciphertexts look like ``v1.<key id>.<base64(nonce || ciphertext+tag)>`` so that a
value always names the key that sealed it; keys can be rotated by adding a new
key first in ``CHORUS_ENCRYPTION_KEYS`` and running ``manage.py rotate_keys``.
Keys reach the process from the environment (or a ``_FILE``), never the database.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import io
import os
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

CIPHERTEXT_PREFIX = "v1"
_NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value could not be opened with any configured key."""


@dataclass(frozen=True)
class KeyRing:
    current_id: str
    keys: dict[str, bytes]


def parse_key_ring(raw: str) -> KeyRing:
    """Parse ``id:base64key,id:base64key``; the first key is the one used to encrypt."""
    keys: dict[str, bytes] = {}
    current_id = ""
    for part in [item.strip() for item in raw.split(",") if item.strip()]:
        key_id, sep, encoded = part.partition(":")
        if not sep or not key_id.isalnum():
            raise ImproperlyConfigured("CHORUS_ENCRYPTION_KEYS entries must look like 'k1:<base64 key>'.")
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError) as error:
            raise ImproperlyConfigured(f"Encryption key {key_id!r} is not valid base64.") from error
        if len(key) != 32:
            raise ImproperlyConfigured(f"Encryption key {key_id!r} must be 32 bytes (AES-256).")
        if key == bytes(32):
            raise ImproperlyConfigured(f"Encryption key {key_id!r} is all zeros.")
        keys[key_id] = key
        current_id = current_id or key_id
    if not keys:
        raise ImproperlyConfigured("CHORUS_ENCRYPTION_KEYS is empty.")
    return KeyRing(current_id=current_id, keys=keys)


@lru_cache(maxsize=4)
def _ring(raw: str) -> KeyRing:
    return parse_key_ring(raw)


def key_ring() -> KeyRing:
    return _ring(settings.CHORUS_ENCRYPTION_KEYS)


@lru_cache(maxsize=16)
def _cipher(key: bytes) -> AESGCM:
    # Building the cipher costs more than sealing one short field; keep one per key.
    return AESGCM(key)


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def encrypt(plaintext: str) -> str:
    ring = key_ring()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _cipher(ring.keys[ring.current_id]).encrypt(nonce, plaintext.encode("utf-8"), ring.current_id.encode())
    return f"{CIPHERTEXT_PREFIX}.{ring.current_id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str | None:
    parts = token.split(".", 2)
    if len(parts) != 3 or parts[0] != CIPHERTEXT_PREFIX:
        return None
    return parts[1]


def decrypt(token: str) -> str:
    parts = token.split(".", 2)
    if len(parts) != 3 or parts[0] != CIPHERTEXT_PREFIX:
        raise DecryptionError("Not a Chorus ciphertext.")
    _, key_id, body = parts
    key = key_ring().keys.get(key_id)
    if key is None:
        raise DecryptionError(f"No key {key_id!r} is configured.")
    try:
        raw = base64.urlsafe_b64decode(body)
        plain = _cipher(key).decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], key_id.encode())
    except Exception as error:  # InvalidTag, binascii.Error: both mean "not ours"
        raise DecryptionError("The value could not be decrypted.") from error
    return plain.decode("utf-8")


# Files (recordings, documents) are sealed in chunks, so a large one is never held whole in
# memory: "CHF1", the key id's length and the key id, a random nonce prefix, then records of
# (4-byte length, chunk sealed with AES-GCM). Each chunk's nonce is the prefix, its number and
# a flag marking the last chunk (the STREAM construction), so chunks cannot be reordered,
# dropped or cut off at the end without decryption failing.
FILE_MAGIC = b"CHF1"
FILE_CHUNK_BYTES = 1024 * 1024
_FILE_PREFIX_BYTES = 7
_LENGTH = struct.Struct(">I")


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def _chunk_nonce(prefix: bytes, number: int, *, last: bool) -> bytes:
    return prefix + struct.pack(">IB", number, 1 if last else 0)


def encrypt_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Seal a file's content under the current key, chunk by chunk (see FILE_MAGIC above)."""
    ring = key_ring()
    key_id = ring.current_id.encode()
    cipher = _cipher(ring.keys[ring.current_id])
    prefix = os.urandom(_FILE_PREFIX_BYTES)
    yield FILE_MAGIC + bytes([len(key_id)]) + key_id + prefix

    def sealed(number: int, plain: bytes, *, last: bool) -> bytes:
        body = cipher.encrypt(_chunk_nonce(prefix, number, last=last), plain, key_id)
        return _LENGTH.pack(len(body)) + body

    # Rechunked to a fixed size, one chunk held back, so the last one can be flagged.
    pending = b""
    number = 0
    held: bytes | None = None
    for piece in chunks:
        pending += piece
        while len(pending) >= FILE_CHUNK_BYTES:
            if held is not None:
                yield sealed(number, held, last=False)
                number += 1
            held, pending = pending[:FILE_CHUNK_BYTES], pending[FILE_CHUNK_BYTES:]
    if held is not None and pending:
        yield sealed(number, held, last=False)
        number += 1
        held = None
    yield sealed(number, pending if held is None else held, last=True)


def _read_exactly(stream: Readable, size: int) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise DecryptionError("The file is cut short.")
    return data


def decrypt_chunks(stream: Readable) -> Iterator[bytes]:
    """Open a file sealed by ``encrypt_chunks``, chunk by chunk; DecryptionError if it is not
    whole, not ours, or was changed."""
    if stream.read(len(FILE_MAGIC)) != FILE_MAGIC:
        raise DecryptionError("Not a Chorus sealed file.")
    key_id = _read_exactly(stream, _read_exactly(stream, 1)[0])
    key = key_ring().keys.get(key_id.decode("ascii", "replace"))
    if key is None:
        raise DecryptionError(f"No key {key_id!r} is configured.")
    cipher = _cipher(key)
    prefix = _read_exactly(stream, _FILE_PREFIX_BYTES)
    number = 0
    header = stream.read(_LENGTH.size)
    while header:
        if len(header) != _LENGTH.size:
            raise DecryptionError("The file is cut short.")
        body = _read_exactly(stream, _LENGTH.unpack(header)[0])
        following = stream.read(_LENGTH.size)
        try:
            yield cipher.decrypt(_chunk_nonce(prefix, number, last=not following), body, key_id)
        except Exception as error:  # InvalidTag: changed, reordered, truncated or another key
            raise DecryptionError("The file could not be decrypted.") from error
        number += 1
        header = following
    if number == 0:
        raise DecryptionError("The file is cut short.")


def encrypt_bytes(data: bytes) -> bytes:
    """Seal bytes held in memory (see ``encrypt_chunks``)."""
    return b"".join(encrypt_chunks([data]))


def decrypt_bytes(sealed: bytes) -> bytes:
    return b"".join(decrypt_chunks(io.BytesIO(sealed)))


def is_current(token: str) -> bool:
    return key_id_of(token) == key_ring().current_id


def reseal(token: str) -> str:
    """The same plaintext under the newest key; a value already under it is returned unchanged."""
    if is_current(token):
        return token
    return encrypt(decrypt(token))


# Providers whose mailboxes ignore dots in the local part; +tags are folded for all.
DOT_INSENSITIVE_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
DOMAIN_ALIASES = {"googlemail.com": "gmail.com"}


def canonical_email(email: str) -> str:
    """The form two spellings of one mailbox share: see docs/data-protection.md."""
    cleaned = email.strip().lower()
    local, sep, domain = cleaned.rpartition("@")
    if not sep or not local or not domain:
        return cleaned
    domain = domain.rstrip(".")
    domain = DOMAIN_ALIASES.get(domain, domain)
    local = local.split("+", 1)[0] or local
    if domain in DOT_INSENSITIVE_DOMAINS:
        local = local.replace(".", "")
    return f"{local}@{domain}"


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed HMAC of a value, separate per purpose, for lookups without decrypting."""
    key = settings.CHORUS_BLIND_INDEX_KEY.encode()
    return hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()


def token_digest(token: str) -> str:
    """What is stored for a long random link token, so a database copy cannot use the link."""
    return hashlib.sha256(token.encode()).hexdigest()


def email_index(email: str) -> str:
    return blind_index(canonical_email(email), purpose="email")
