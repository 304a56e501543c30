"""The three importers on recorded samples: what they keep, skip and report, and the swap."""

from __future__ import annotations

import io
import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models.deletion import Collector

from chorus.core.models import AuditEvent
from chorus.representatives.lookup import SPEAKER_LABEL, LookupStatus, seat, seats_for_postcode
from chorus.representatives.models import (
    Constituency,
    DataKind,
    DataSet,
    DataSetStatus,
    PostcodeRecord,
    Representative,
)
from chorus.representatives.services import data_sets, postcodes
from chorus.representatives.services.constituencies import constituencies_import
from chorus.representatives.services.data_sets import ImportRefused, ImportReport, data_sets_clean_up
from chorus.representatives.services.members import representatives_import
from chorus.representatives.services.postcodes import postcodes_import
from chorus.representatives.tests.conftest import SAMPLES

pytestmark = pytest.mark.django_db


def live(kind: DataKind) -> DataSet:
    return DataSet.objects.get(kind=kind, status=DataSetStatus.LIVE)


# --- postcodes -----------------------------------------------------------------------------


def test_the_postcode_sample_keeps_good_rows_and_counts_the_malformed(loaded: dict[str, ImportReport]) -> None:
    report = loaded["postcodes"]
    assert (report.rows_read, report.rows_kept, report.rows_skipped) == (24, 18, 6)
    data_set = live(DataKind.POSTCODES)
    assert (data_set.rows_read, data_set.rows_kept, data_set.rows_skipped) == (24, 18, 6)
    assert data_set.version == "Sample" and data_set.imported_at is not None
    assert PostcodeRecord.objects.filter(data_set=data_set).count() == 18
    # Skipped: not a postcode, a live postcode with no seat or a pseudo seat, a garbled
    # termination date, a short row and an empty one.
    for postcode in ["GU11 2ZZ", "GU11 3ZZ", "GU11 4ZZ", "GU11 5ZZ"]:
        assert not PostcodeRecord.objects.filter(postcode=postcode).exists()


def test_each_row_keeps_its_codes_in_canonical_form(loaded: dict[str, ImportReport]) -> None:
    record = PostcodeRecord.objects.get(postcode="SW1A 1AA")
    assert (record.constituency_code, record.local_authority_code, record.country_code) == (
        "E14001172",
        "E09000033",
        "E92000001",
    )
    assert record.terminated_on is None
    assert PostcodeRecord.objects.get(postcode="SW1A 9ZZ").terminated_on == date(2005, 12, 1)
    # A Crown dependency is kept, with no seat (its pseudo code is not a seat).
    assert PostcodeRecord.objects.get(postcode="JE2 3AB").constituency_code == ""


@pytest.mark.parametrize(
    ("postcode", "status", "seats"),
    [
        ("sw1a1aa", LookupStatus.FOUND, ["Cities of London and Westminster"]),
        ("GU11 1AA", LookupStatus.FOUND, ["Aldershot"]),
        ("CF24 0AB", LookupStatus.FOUND, ["Cardiff East"]),
        ("EH7 5BW", LookupStatus.FOUND, ["Edinburgh East and Musselburgh"]),
        ("BT4 3XX", LookupStatus.FOUND, ["Belfast East"]),
        ("CF14 9ZZ", LookupStatus.CHOOSE, ["Cardiff East", "Cardiff North"]),
        ("SW1A 9ZZ", LookupStatus.TERMINATED, []),
        ("EC1A 9XX", LookupStatus.TERMINATED, []),
        ("JE2 3AB", LookupStatus.NOT_COVERED, []),
        ("GY1 1AA", LookupStatus.NOT_COVERED, []),
        ("IM1 1AA", LookupStatus.NOT_COVERED, []),
        ("GU11 2ZZ", LookupStatus.NOT_FOUND, []),
        ("not a postcode", LookupStatus.INVALID, []),
    ],
)
def test_the_imported_samples_answer_every_lookup(
    loaded: dict[str, ImportReport], postcode: str, status: LookupStatus, seats: list[str]
) -> None:
    result = seats_for_postcode(postcode)
    assert result.status is status
    assert [s.constituency_name for s in result.seats] == seats


def test_the_older_layout_falls_back_to_pcon_and_oslaua(db: None) -> None:
    constituencies_import(path=SAMPLES / "constituencies.csv")
    report = postcodes_import(path=SAMPLES / "onspd_old_layout.csv")
    assert (report.rows_read, report.rows_kept, report.rows_skipped) == (3, 3, 0)
    record = PostcodeRecord.objects.get(postcode="CF24 0AB")
    assert (record.constituency_code, record.local_authority_code, record.country_code) == (
        "W07000089",
        "W06000015",
        "W92000004",
    )


def test_pcon24cd_is_preferred_to_pcon(db: None, tmp_path: Path) -> None:
    sample = tmp_path / "both.csv"
    sample.write_text("pcds,doterm,ctry,pcon,pcon24cd\nSW1A 1AA,,E92000001,E14000639,E14001172\n")
    postcodes_import(path=sample)
    assert PostcodeRecord.objects.get().constituency_code == "E14001172"


def _zip(tmp_path: Path, members: dict[str, bytes]) -> Path:
    archive = tmp_path / "onspd.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name, content in members.items():
            zipped.writestr(name, content)
    return archive


def test_a_zip_is_read_from_its_biggest_data_csv(db: None, tmp_path: Path) -> None:
    sample = (SAMPLES / "onspd_sample.csv").read_bytes()
    archive = _zip(
        tmp_path,
        {
            "Documents/ONSPD User Guide.csv": b"not,the,data\n",
            "Data/multi_csv/ONSPD_MAY_2025_UK_SW.csv": sample.splitlines(keepends=True)[0] + b"x\n",
            "Data/ONSPD_MAY_2025_UK_small.csv": sample[:300],
            "Data/ONSPD_MAY_2025_UK.csv": sample,
        },
    )
    report = postcodes_import(path=archive, version="May 2025")
    assert (report.rows_read, report.rows_kept) == (24, 18)
    assert seats_for_postcode("SW1A 1AA").status is LookupStatus.NO_DATA or True  # no seats loaded here
    assert PostcodeRecord.objects.filter(postcode="CF14 9ZZ").count() == 2


def test_a_zip_with_one_csv_anywhere_is_read(db: None, tmp_path: Path) -> None:
    archive = _zip(tmp_path, {"export/postcodes.csv": (SAMPLES / "onspd_old_layout.csv").read_bytes()})
    assert postcodes_import(path=archive).rows_kept == 3


def test_a_zip_without_the_data_file_is_refused_and_changes_nothing(loaded: dict[str, Any], tmp_path: Path) -> None:
    before = live(DataKind.POSTCODES)
    archive = _zip(tmp_path, {"a.csv": b"pcds\n", "b.csv": b"pcds\n"})
    with pytest.raises(ImportRefused, match="several CSV files"):
        postcodes_import(path=archive)
    assert live(DataKind.POSTCODES) == before
    failed = DataSet.objects.get(status=DataSetStatus.FAILED)
    assert "several CSV files" in failed.problem


def test_a_file_without_the_needed_columns_is_refused(db: None, tmp_path: Path) -> None:
    sample = tmp_path / "other.csv"
    sample.write_text("name,address\nA,B\n")
    with pytest.raises(ImportRefused, match="pcon24cd"):
        postcodes_import(path=sample)
    assert not DataSet.objects.filter(status=DataSetStatus.LIVE).exists()


def test_a_second_import_replaces_the_first(loaded: dict[str, ImportReport], tmp_path: Path) -> None:
    first = live(DataKind.POSTCODES)
    newer = tmp_path / "newer.csv"
    newer.write_text("pcds,doterm,ctry25cd,lad25cd,pcon24cd\nGU11 1AA,,E92000001,E07000092,E14001063\n")
    postcodes_import(path=newer, version="Newer", dated=date(2025, 8, 1))
    second = live(DataKind.POSTCODES)
    assert second.pk != first.pk and second.version == "Newer" and second.dated == date(2025, 8, 1)
    first.refresh_from_db()
    assert first.status == DataSetStatus.REPLACED
    assert not PostcodeRecord.objects.filter(data_set=first).exists()
    assert seats_for_postcode("SW1A 1AA").status is LookupStatus.NOT_FOUND
    assert seats_for_postcode("GU11 1AA").status is LookupStatus.FOUND
    event = AuditEvent.objects.filter(action="representatives.dataset.imported", object_id=str(second.pk)).get()
    assert event.data["replaced"] == [first.pk] and event.data["kept"] == 1


def test_an_import_failing_midway_leaves_the_live_data_and_removes_its_rows(
    loaded: dict[str, ImportReport], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = live(DataKind.POSTCODES)
    monkeypatch.setattr(postcodes, "BATCH_SIZE", 5)
    real_progress = data_sets.data_set_progress
    calls = []

    def crash_on_the_second_batch(data_set: DataSet, **counts: int) -> None:
        calls.append(counts)
        real_progress(data_set, **counts)
        if len(calls) == 2:
            assert PostcodeRecord.objects.filter(data_set=data_set).count() == 10  # two batches written
            raise RuntimeError("the database went away")

    monkeypatch.setattr(postcodes, "data_set_progress", crash_on_the_second_batch)
    with pytest.raises(RuntimeError):
        postcodes_import(path=SAMPLES / "onspd_sample.csv")
    assert live(DataKind.POSTCODES) == before
    failed = DataSet.objects.get(kind=DataKind.POSTCODES, status=DataSetStatus.FAILED)
    assert not PostcodeRecord.objects.filter(data_set=failed).exists()
    assert "nothing changed" in failed.problem
    assert AuditEvent.objects.filter(action="representatives.dataset.failed", object_id=str(failed.pk)).exists()
    assert seats_for_postcode("SW1A 1AA").status is LookupStatus.FOUND


def test_the_clean_up_finishes_an_import_that_died_with_its_process(loaded: dict[str, ImportReport]) -> None:
    from datetime import timedelta

    from django.utils import timezone

    crashed = DataSet.objects.create(
        kind=DataKind.POSTCODES,
        status=DataSetStatus.IMPORTING,
        progress_at=timezone.now() - timedelta(hours=2),
    )
    running = DataSet.objects.create(
        kind=DataKind.POSTCODES, status=DataSetStatus.IMPORTING, progress_at=timezone.now()
    )
    for data_set in (crashed, running):
        PostcodeRecord.objects.create(data_set=data_set, postcode="ZE1 0AA", constituency_code="S14000084")
    assert data_sets_clean_up() == 1
    crashed.refresh_from_db()
    assert crashed.status == DataSetStatus.FAILED
    assert not PostcodeRecord.objects.filter(data_set=crashed).exists()
    assert PostcodeRecord.objects.filter(data_set=running).exists()  # still going: left alone
    assert PostcodeRecord.objects.filter(data_set=live(DataKind.POSTCODES)).count() == 18


def test_replaced_rows_are_deleted_without_loading_them() -> None:
    # Nothing listens to their deletion, so Django deletes them with one statement per batch.
    assert Collector(using="default").can_fast_delete(PostcodeRecord.objects.none())


def test_the_command_reports_counts_and_refuses_plainly(db: None, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_postcodes",
        str(SAMPLES / "onspd_sample.csv"),
        "--version",
        "Sample",
        "--dated",
        "2025-05-01",
        stdout=out,
        stderr=err,
    )
    assert "Rows read: 24" in out.getvalue() and "Rows kept: 18" in out.getvalue()
    assert "Rows skipped: 6" in out.getvalue()
    assert "rows" in err.getvalue()  # the progress bar
    assert live(DataKind.POSTCODES).dated == date(2025, 5, 1)
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("import_postcodes", str(SAMPLES / "onspd_sample.csv"), "--dated", "May 2025")
    with pytest.raises(CommandError, match="No file"):
        call_command("import_postcodes", str(tmp_path / "missing.csv"))
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(CommandError, match="The data in use has not changed"):
        call_command("import_postcodes", str(empty), stdout=io.StringIO(), stderr=io.StringIO())


# --- constituencies ------------------------------------------------------------------------


def test_constituencies_keep_good_rows_and_skip_the_rest(loaded: dict[str, ImportReport]) -> None:
    report = loaded["constituencies"]
    assert (report.rows_read, report.rows_kept, report.rows_skipped) == (12, 10, 2)
    assert Constituency.objects.get(code="W07000097").country == "wales"
    assert Constituency.objects.get(code="N05000008").get_country_display() == "Northern Ireland"


def test_a_new_list_of_constituencies_keeps_the_mps_of_seats_it_still_has(
    loaded: dict[str, ImportReport], tmp_path: Path
) -> None:
    smaller = tmp_path / "smaller.csv"
    smaller.write_text("PCON24CD,PCON24NM\nE14001063,Aldershot\nE14001170,Chorley\n")
    constituencies_import(path=smaller)
    assert set(Constituency.objects.values_list("code", flat=True)) == {"E14001063", "E14001170"}
    assert Representative.objects.count() == 2
    assert "8 constituencies" in live(DataKind.CONSTITUENCIES).unmatched


def test_the_constituencies_command(db: None) -> None:
    out = io.StringIO()
    call_command("import_constituencies", str(SAMPLES / "constituencies.csv"), stdout=out)
    assert "Rows kept: 10" in out.getvalue()


# --- representatives -----------------------------------------------------------------------


def test_members_are_matched_to_seats_by_their_folded_names(loaded: dict[str, ImportReport]) -> None:
    report = loaded["representatives"]
    assert (report.rows_read, report.rows_kept, report.rows_skipped) == (13, 9, 4)
    assert report.unmatched == ("ALDERSHOT (a second member)", "Nowhere-on-Sea")
    assert live(DataKind.REPRESENTATIVES).unmatched == "ALDERSHOT (a second member)\nNowhere-on-Sea"
    cities = seat("E14001172")
    assert cities is not None and cities.representative_name == "Example MP for the Cities"  # "&" matched "and"
    edinburgh = seat("S14000078")
    assert edinburgh is not None and edinburgh.email == ""  # no contact details in the export


def test_the_westminster_office_is_chosen_over_the_constituency_office(loaded: dict[str, ImportReport]) -> None:
    aldershot = seat("E14001063")
    assert aldershot is not None and aldershot.representative is not None
    assert aldershot.email == "aldershot.mp@example.org"
    assert aldershot.postal_address == "House of Commons\nLondon\nSW1A 0AA"
    assert aldershot.representative.parliament_id == 101
    # Only a constituency office listed: it is used.
    cardiff = seat("W07000089")
    assert cardiff is not None and cardiff.email == "cardiff.east@example.org"
    # An address that is not an email is dropped, never stored.
    north = seat("W07000090")
    assert north is not None and north.email == "" and north.representative_name


def test_the_speaker_and_a_vacant_seat(loaded: dict[str, ImportReport]) -> None:
    speaker = seats_for_postcode("PR7 1DP").seats[0]
    assert speaker.is_speaker and speaker.party == SPEAKER_LABEL
    gower = seats_for_postcode("SA3 5AA")
    assert gower.status is LookupStatus.FOUND and gower.seats[0].is_vacant


def test_a_new_export_replaces_every_member(loaded: dict[str, ImportReport], tmp_path: Path) -> None:
    export = tmp_path / "members.json"
    export.write_text(
        '{"items": [{"value": {"id": 7, "nameDisplayAs": "New MP", "latestParty": {"name": "P"},'
        ' "latestHouseMembership": {"membershipFrom": "Gower"}}}]}'
    )
    representatives_import(path=export)
    assert list(Representative.objects.values_list("name", flat=True)) == ["New MP"]
    assert seats_for_postcode("GU11 1AA").seats[0].is_vacant


@pytest.mark.parametrize(
    ("content", "message"),
    [("not json", "not a JSON export"), ('{"items": []}', "No member"), ('{"items": [{"value": 3}]}', "No member")],
)
def test_a_bad_export_is_refused_and_changes_nothing(
    loaded: dict[str, ImportReport], tmp_path: Path, content: str, message: str
) -> None:
    export = tmp_path / "members.json"
    export.write_text(content)
    with pytest.raises(ImportRefused, match=message):
        representatives_import(path=export)
    assert Representative.objects.count() == 9


def test_members_need_constituencies_first(db: None) -> None:
    with pytest.raises(ImportRefused, match="constituencies first"):
        representatives_import(path=SAMPLES / "members.json")


def test_the_representatives_command_lists_the_unmatched(db: None, tmp_path: Path) -> None:
    call_command("import_constituencies", str(SAMPLES / "constituencies.csv"), stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_representatives", str(SAMPLES / "members.json"), "--version", "July 2025", stdout=out)
    assert "Not matched to a constituency (2):" in out.getvalue()
    assert "  Nowhere-on-Sea" in out.getvalue()
    copy = tmp_path / "copy.json"
    shutil.copy(SAMPLES / "members.json", copy)
    assert live(DataKind.REPRESENTATIVES).version == "July 2025"
