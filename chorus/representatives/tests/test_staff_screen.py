"""The staff screen: who may see it, what it says, and uploading a file that the worker imports."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chorus.accounts.models import User
from chorus.core.models import AuditEvent
from chorus.core.staff import staff_permissions_of
from chorus.representatives import admin_views, tasks
from chorus.representatives.lookup import LookupStatus, seats_for_postcode
from chorus.representatives.models import DataKind, DataSet, DataSetStatus, PostcodeRecord
from chorus.representatives.permissions import MANAGE_DATA
from chorus.representatives.services.data_sets import ImportReport
from chorus.representatives.services.uploads import data_set_import_upload
from chorus.representatives.tests.conftest import SAMPLES
from conftest import client_for

pytestmark = pytest.mark.django_db

URL = "/admin/representatives/"


def test_the_screen_is_at_its_address_and_guarded() -> None:
    assert reverse("representatives_admin:data") == URL
    assert staff_permissions_of(admin_views.data) == (MANAGE_DATA,)


def test_signed_out_people_are_sent_to_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_other_roles_are_refused(campaigner: User) -> None:
    assert client_for(campaigner).get(URL).status_code == 403
    assert client_for(campaigner).post(URL, {"kind": "postcodes"}).status_code == 403


def test_administrators_see_that_no_postcode_data_is_loaded(administrator: User) -> None:
    response = client_for(administrator).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Letters to MPs cannot find anyone's MP until postcode data is loaded" in page
    assert "No constituencies are loaded" in page
    assert "Nothing has been imported yet." in page
    assert "Postcodes and MPs" in page
    assert "E14" not in page  # no internal codes


def test_the_screen_shows_each_data_set(administrator: User, loaded: dict[str, ImportReport]) -> None:
    page = client_for(administrator).get(URL).content.decode()
    assert "cannot find anyone" not in page
    assert "10 constituencies are loaded: 9 with an MP, 1 vacant." in page
    assert "onspd_sample.csv" in page and "In use" in page
    assert "Names that matched no constituency" in page and "Nowhere-on-Sea" in page
    assert ">24<" in page and ">18<" in page and ">6<" in page  # read, kept, skipped


def _upload(name: str, content: bytes, **fields: str) -> dict[str, Any]:
    return {"kind": "postcodes", "version": "", "dated": "", **fields, "file": SimpleUploadedFile(name, content)}


def test_an_upload_is_stored_privately_and_imported_by_the_worker(
    administrator: User,
    uploads_dir: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            URL,
            _upload(
                "ONSPD_MAY_2025.zip",
                _zipped((SAMPLES / "onspd_sample.csv").read_bytes()),
                version="May 2025",
                dated="2025-05-01",
            ),
        )
    assert response.status_code == 302 and response["Location"] == URL
    data_set = DataSet.objects.get(kind=DataKind.POSTCODES)
    assert data_set.status == DataSetStatus.LIVE  # the (immediate) worker imported it
    assert (data_set.rows_read, data_set.rows_kept, data_set.rows_skipped) == (24, 18, 6)
    assert data_set.version == "May 2025" and str(data_set.dated) == "2025-05-01"
    assert data_set.file_name == "ONSPD_MAY_2025.zip" and data_set.imported_by == administrator
    assert data_set.stored_file == "" and list(uploads_dir.iterdir()) == []  # the file is gone once read
    assert seats_for_postcode("JE2 3AB").status is LookupStatus.NOT_COVERED
    assert PostcodeRecord.objects.filter(data_set=data_set).count() == 18
    actions = list(
        AuditEvent.objects.filter(object_id=str(data_set.pk), object_type="representatives.dataset")
        .order_by("pk")
        .values_list("action", "actor")
    )
    assert actions == [
        ("representatives.dataset.uploaded", administrator.pk),
        ("representatives.dataset.imported", administrator.pk),
    ]
    assert "will be imported in the background" in client.get(URL).content.decode()


def _zipped(content: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Data/ONSPD_MAY_2025_UK.csv", content)
    return buffer.getvalue()


def test_a_refused_upload_says_why_on_the_screen(
    administrator: User, uploads_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(administrator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, _upload("people.csv", b"name,address\nA,B\n"))
    data_set = DataSet.objects.get()
    assert data_set.status == DataSetStatus.FAILED
    assert "does not look like the ONS Postcode Directory" in client.get(URL).content.decode()
    assert list(uploads_dir.iterdir()) == []


def test_an_upload_runs_once_even_if_its_task_runs_twice(
    administrator: User, uploads_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client_for(administrator).post(URL, _upload("sample.csv", (SAMPLES / "onspd_sample.csv").read_bytes()))
    data_set = DataSet.objects.get()
    assert data_set_import_upload(data_set_id=data_set.pk) is None
    assert tasks.import_data_set.call(data_set.pk) == 0
    assert AuditEvent.objects.filter(action="representatives.dataset.imported").count() == 1


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"kind": ""}, "Choose what the file holds"),
        ({"kind": "representatives"}, "Choose a .json file for members of parliament"),
        ({"kind": "postcodes", "dated": "yesterday"}, "Enter the date as year-month-day"),
        ({"kind": "postcodes", "dated": "2999-01-01"}, "Enter a date between 1980 and today"),
        ({"kind": "postcodes", "version": "May\x1b2025"}, "Enter the version in plain words"),
    ],
)
def test_a_bad_upload_is_answered_with_the_form_and_its_answers(
    administrator: User, uploads_dir: Path, fields: dict[str, str], error: str
) -> None:
    response = client_for(administrator).post(URL, _upload("sample.csv", b"pcds,pcon\n", **fields))
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page and error in page
    assert not DataSet.objects.exists()
    assert not uploads_dir.exists() or list(uploads_dir.iterdir()) == []


def test_a_file_that_claims_to_be_a_zip_but_is_not(administrator: User, uploads_dir: Path) -> None:
    response = client_for(administrator).post(URL, _upload("onspd.zip", b"pcds,pcon\n"))
    assert response.status_code == 400
    assert "not a ZIP file" in response.content.decode()


def test_the_menu_offers_the_screen_only_to_those_who_may_use_it(administrator: User, campaigner: User) -> None:
    assert "Postcodes, MPs" in client_for(administrator).get("/admin/").content.decode()
    assert "Postcodes, MPs" not in client_for(campaigner).get("/admin/").content.decode()


def test_the_hourly_clean_up_queues_again_an_upload_whose_task_was_lost(
    administrator: User, uploads_dir: Path
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    # Stored, but the task never ran (a worker that died before starting it).
    client_for(administrator).post(URL, _upload("sample.csv", (SAMPLES / "onspd_sample.csv").read_bytes()))
    data_set = DataSet.objects.get()
    assert data_set.status == DataSetStatus.WAITING and (uploads_dir / data_set.stored_file).exists()
    assert tasks.clean_up_imports.call() == 0
    data_set.refresh_from_db()
    assert data_set.status == DataSetStatus.WAITING  # not yet lost: only a quarter of an hour later
    DataSet.objects.filter(pk=data_set.pk).update(progress_at=timezone.now() - timedelta(minutes=20))
    tasks.clean_up_imports.call()
    data_set.refresh_from_db()
    assert data_set.status == DataSetStatus.LIVE and data_set.rows_kept == 18
