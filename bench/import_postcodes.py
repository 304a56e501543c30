"""Benchmark: import a postcode directory the size of the real one (about 2.7 million rows).

Generates a CSV in the ONSPD layout (52 columns, the width of the real file, with the
columns Chorus reads under their real names), then runs ``manage.py import_postcodes`` on
a tenth of it and on all of it, each in a process of its own, and prints rows per second
and each process's peak memory (``ru_maxrss``). Memory is flat when the two peaks are
about the same although one file has ten times the rows. As a ceiling of the same shape,
it also times reading and checking the same rows without writing them.

    .venv/bin/python bench/import_postcodes.py               # 2,700,000 rows
    .venv/bin/python bench/import_postcodes.py --quick       # 270,000 rows
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/chorus_postcodes_bench \\
        .venv/bin/python bench/import_postcodes.py

The default database is a SQLite file under var/bench/, made afresh each run. With
DATABASE_URL set, that database is used (and migrated): give it one of its own, since
the import replaces its postcode data. About 1 GB of temporary files; a few minutes.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The 2025 ONSPD's columns, as wide as the real file; Chorus reads pcds, doterm, lad25cd,
# ctry25cd and pcon24cd.
COLUMNS = [
    "pcd7",
    "pcd8",
    "pcds",
    "dointr",
    "doterm",
    "usrtypind",
    "east1m",
    "north1m",
    "gridind",
    "oa21cd",
    "cty25cd",
    "ced25cd",
    "lad25cd",
    "wd25cd",
    "nhser24cd",
    "ctry25cd",
    "rgn25cd",
    "pcon24cd",
    "ttwa15cd",
    "itl25cd",
    "npark16cd",
    "lsoa21cd",
    "msoa21cd",
    "wz11cd",
    "sicbl24cd",
    "bua24cd",
    "ruc21ind",
    "oac11ind",
    "lat",
    "long",
    "lep21cd1",
    "lep21cd2",
    "pfa23cd",
    "imd20ind",
    "icb23cd",
    "oa11cd",
    "lsoa11cd",
    "msoa11cd",
    "ward98cd",
    "statsward",
    "casward",
    "oa01cd",
    "lsoa01cd",
    "msoa01cd",
    "ur01ind",
    "oac01ind",
    "ccg19cd",
    "hlthau",
    "teclec",
    "eer20cd",
    "parncp25cd",
    "bua11cd",
]
NATIONS = [  # (country code, seat code prefix, seats, local authority prefix)
    ("E92000001", "E14001", 543, "E06000"),
    ("W92000004", "W07000", 32, "W06000"),
    ("S92000003", "S14000", 57, "S12000"),
    ("N92000002", "N05000", 18, "N09000"),
]
AREAS = [
    "AB",
    "AL",
    "BA",
    "BB",
    "BD",
    "BH",
    "BL",
    "BN",
    "BR",
    "BS",
    "CA",
    "CB",
    "CF",
    "CH",
    "CM",
    "CO",
    "CR",
    "CT",
    "CV",
    "CW",
    "DA",
    "DD",
    "DE",
    "DG",
    "DH",
    "DL",
    "DN",
    "DT",
    "DY",
    "EH",
]
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def postcodes() -> object:
    """Distinct, well-formed postcodes in a stable order: 30 areas x 99 districts x 4,000 units."""
    for district in range(1, 100):
        for area in AREAS:
            for digit in range(10):
                for first in INWARD_LETTERS:
                    for second in INWARD_LETTERS:
                        yield f"{area}{district} {digit}{first}{second}"


def generate(path: Path, rows: int) -> None:
    """A file of ``rows`` rows: a fifth terminated, one in a thousand malformed, a few Crown dependencies."""
    chance = random.Random(26)
    width = len(COLUMNS)
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        filler = ["E99999999"] * width
        for number, postcode in zip(range(rows), postcodes(), strict=False):
            row = list(filler)
            country, seat_prefix, seats, authority = NATIONS[chance.choices(range(4), weights=(84, 5, 8, 3))[0]]
            row[0] = postcode.replace(" ", "").ljust(7)
            row[1] = postcode
            row[2] = postcode
            row[3] = "198001"
            row[4] = f"{chance.randint(1990, 2024)}{chance.randint(1, 12):02d}" if chance.random() < 0.2 else ""
            row[12] = f"{authority}{chance.randint(1, 99):03d}"
            row[15] = country
            row[17] = f"{seat_prefix}{chance.randint(1, seats):03d}"
            row[28], row[29] = f"{chance.uniform(50, 58):.6f}", f"{chance.uniform(-7, 1.7):.6f}"
            if number % 1000 == 7:
                row[2] = "NOT A POSTCODE"  # skipped and counted
            elif number % 5000 == 11:
                row[15], row[17] = "L93000001", "L99999999"  # no seat at Westminster
            writer.writerow(row)


def read_only(path: Path) -> float:
    """The ceiling: seconds to read and check every row as the importer does, writing nothing."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from chorus.representatives.services.postcodes import PostcodeColumns, postcode_row

    started = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as text:
        reader = csv.reader(text)
        columns = PostcodeColumns(next(reader))
        for row in reader:
            postcode_row(row, columns, 0)
    return time.perf_counter() - started


def manage(env: dict[str, str], *arguments: str) -> tuple[float, float, str]:
    """Run a manage.py command in its own process: (seconds, peak RSS in MB, its output)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *arguments],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # wait4 gives this child's own usage, not the largest of every child so far.
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    output = process.stdout.read().decode() if process.stdout else ""
    errors = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"manage.py {' '.join(arguments)} failed:\n{errors[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--rows", type=int, default=2_700_000)
    parser.add_argument("--quick", action="store_true", help="270,000 rows")
    args = parser.parse_args()
    rows = 270_000 if args.quick else args.rows

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DEBUG": "false"}
    if "DATABASE_URL" not in os.environ:
        database = ROOT / "var" / "bench" / "postcodes.sqlite3"
        database.parent.mkdir(parents=True, exist_ok=True)
        for leftover in database.parent.glob("postcodes.sqlite3*"):
            leftover.unlink()
        env["DATABASE_URL"] = f"sqlite:///{database}"
    print(f"Database: {env['DATABASE_URL'].split('@')[-1]}", flush=True)
    manage(env, "migrate", "--verbosity", "0")

    with tempfile.TemporaryDirectory(prefix="chorus-bench-postcodes-") as folder:
        sizes = sorted({max(rows // 10, 1), rows})
        files = {}
        for size in sizes:
            files[size] = Path(folder) / f"ONSPD_BENCH_{size}.csv"
            started = time.perf_counter()
            generate(files[size], size)
            megabytes = files[size].stat().st_size / 1_000_000
            print(
                f"Generated {size:,} rows ({megabytes:,.0f} MB) in {time.perf_counter() - started:.0f} s", flush=True
            )
        # The ceiling's rate is the same at any size; the smaller file keeps the run short.
        ceiling = read_only(files[sizes[0]])
        print(
            f"Ceiling, reading and checking {sizes[0]:,} rows without writing: {sizes[0] / ceiling:,.0f} rows/s",
            flush=True,
        )
        peaks = {}
        for size in sizes:
            elapsed, peak, output = manage(env, "import_postcodes", str(files[size]), "--version", f"bench {size}")
            peaks[size] = peak
            kept = next((line for line in output.splitlines() if line.startswith("Rows kept")), "")
            print(
                f"import_postcodes, {size:,} rows: {elapsed:.1f} s, {size / elapsed:,.0f} rows/s, "
                f"peak memory {peak:,.0f} MB ({kept.lower()})"
            )
    if len(sizes) == 2:
        small, large = sizes
        print(
            f"Peak memory at {large:,} rows is {peaks[large] / peaks[small]:.2f} times that at {small:,} rows "
            f"({large // small} times the rows)."
        )
    print(f"(This process: peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB.)", flush=True)


if __name__ == "__main__":
    main()
