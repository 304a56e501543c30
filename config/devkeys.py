"""Keys for the embedded default, generated once into var/dev-keys.env on first start.

Never used in production: production.py requires keys from the environment.
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable
from pathlib import Path


def _encryption_keys() -> str:
    return "dev1:" + base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def _random_key() -> str:
    return secrets.token_urlsafe(48)


# Every key the settings require, and how to make one.
DEV_KEYS: dict[str, Callable[[], str]] = {
    "CHORUS_ENCRYPTION_KEYS": _encryption_keys,
    "CHORUS_BLIND_INDEX_KEY": _random_key,
    "CHORUS_IP_HASH_KEY": _random_key,
    "CHORUS_AUDIT_SEAL_KEY": _random_key,
}


def ensure_dev_keys(var_dir: Path) -> None:
    path = var_dir / "dev-keys.env"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
    text = path.read_text()
    present = {line.partition("=")[0] for line in text.splitlines()}
    # A file from an older checkout lacks keys added since: add them, never replace one,
    # since a replaced key would make the data it protects unreadable or unverifiable.
    missing = [f"{name}={make()}" for name, make in DEV_KEYS.items() if name not in present]
    if missing:
        with path.open("a") as handle:
            handle.write(("\n" if text and not text.endswith("\n") else "") + "\n".join(missing) + "\n")
    for line in path.read_text().splitlines():
        name, _, value = line.partition("=")
        if name and value:
            os.environ.setdefault(name, value)
