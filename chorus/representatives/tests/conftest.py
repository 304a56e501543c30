"""Fixtures for the representatives tests: the recorded samples, loaded through the importers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chorus.representatives.services.constituencies import constituencies_import
from chorus.representatives.services.data_sets import ImportReport
from chorus.representatives.services.members import representatives_import
from chorus.representatives.services.postcodes import postcodes_import

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def uploads_dir(settings: Any, tmp_path: Path) -> Path:
    """Uploads go to this test's own folder."""
    settings.CHORUS_REPRESENTATIVES_UPLOADS_DIR = tmp_path / "uploads"
    return tmp_path / "uploads"


@pytest.fixture
def loaded(db: None) -> dict[str, ImportReport]:
    """The three samples imported: constituencies, then MPs, then postcodes."""
    return {
        "constituencies": constituencies_import(path=SAMPLES / "constituencies.csv", version="Sample"),
        "representatives": representatives_import(path=SAMPLES / "members.json", version="Sample"),
        "postcodes": postcodes_import(path=SAMPLES / "onspd_sample.csv", version="Sample"),
    }
