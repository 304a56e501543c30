"""The embedded default makes its own keys once, and adds keys a newer version needs."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.devkeys import DEV_KEYS, ensure_dev_keys


@pytest.fixture
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in DEV_KEYS:
        monkeypatch.delenv(name, raising=False)


def _read(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines())


def test_a_first_start_makes_every_key(tmp_path: Path, clean_environ: None) -> None:
    ensure_dev_keys(tmp_path)
    keys = _read(tmp_path / "dev-keys.env")
    assert set(keys) == set(DEV_KEYS)
    assert len(set(keys.values())) == len(keys)
    assert len(keys["CHORUS_AUDIT_SEAL_KEY"]) >= 32
    assert (tmp_path / "dev-keys.env").stat().st_mode & 0o777 == 0o600


def test_a_key_file_from_before_the_seal_key_gains_one_and_keeps_the_rest(tmp_path: Path, clean_environ: None) -> None:
    old = "CHORUS_ENCRYPTION_KEYS=dev1:abc\nCHORUS_BLIND_INDEX_KEY=blind\nCHORUS_IP_HASH_KEY=iphash"  # no newline
    (tmp_path / "dev-keys.env").write_text(old)
    ensure_dev_keys(tmp_path)
    keys = _read(tmp_path / "dev-keys.env")
    assert keys["CHORUS_ENCRYPTION_KEYS"] == "dev1:abc" and keys["CHORUS_IP_HASH_KEY"] == "iphash"
    assert len(keys["CHORUS_AUDIT_SEAL_KEY"]) >= 32
    ensure_dev_keys(tmp_path)
    assert _read(tmp_path / "dev-keys.env") == keys  # nothing replaced on the next start
