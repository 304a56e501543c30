"""Keys for the embedded default, generated once into var/dev-keys.env on first start.

Never used in production: production.py requires keys from the environment.
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path


def ensure_dev_keys(var_dir: Path) -> None:
    path = var_dir / "dev-keys.env"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        key = base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")
        lines = [
            f"CHORUS_ENCRYPTION_KEYS=dev1:{key}",
            f"CHORUS_BLIND_INDEX_KEY={secrets.token_urlsafe(48)}",
            f"CHORUS_IP_HASH_KEY={secrets.token_urlsafe(48)}",
        ]
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("\n".join(lines) + "\n")
    for line in path.read_text().splitlines():
        name, _, value = line.partition("=")
        if name and value:
            os.environ.setdefault(name, value)
