"""Answers as recordings or files: hostile uploads refused with what to do and nothing stored,
good ones sealed in private storage, removed by the group, and opened only by staff who may
read the application, each opening audited."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.utils.html import escape

from chorus.accounts.models import User
from chorus.core.crypto import decrypt_bytes
from chorus.core.models import AuditEvent
from chorus.grants.file_views import SizeLimitedUploads, uploads_too_big
from chorus.grants.forms import question_field_name, recording_field_name, remove_field_name
from chorus.grants.models import Answer, AnswerFile, Application, FundPage, RoundPage
from chorus.grants.selectors import can_read_application
from chorus.grants.services import files as files_service
from chorus.grants.services.applications import drafts_delete_unsent, missing_for_submit
from chorus.grants.services.files import (
    Accepts,
    UploadRefused,
    application_files_delete,
    upload_check,
)
from chorus.grants.tests import sample_files
from chorus.grants.tests.factories import make_mixed_round
from chorus.grants.tests.test_applying import _fill, _ids, _key, _start
from chorus.grants.workflow import ApplicationStatus
from conftest import client_for

pytestmark = pytest.mark.django_db

WRITTEN = "What will you do?"


@pytest.fixture
def private_files(settings: Any, tmp_path: Path) -> Path:
    """This test's own private storage folder, so what is on disk can be counted."""
    folder = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        settings.GRANTS_FILES_STORAGE: {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    return folder


def on_disk(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.fixture
def round_page(fund: FundPage) -> RoundPage:
    """Small grants ask a written answer (required), choices, an amount, a date and a file (not required)."""
    round_page = make_mixed_round(fund)
    band = round_page.bands.get(name="Small grants")
    band.questions.append(("file", {"question": "Your latest accounts", "help_text": "", "required": False}))
    band.save()
    return round_page


@pytest.fixture
def group() -> Client:
    return Client()


@pytest.fixture
def token(group: Client, round_page: RoundPage) -> str:
    token = _start(group, round_page)
    band = round_page.bands.get(name="Small grants")
    group.post(f"/funding/application/{token}/size/", {"band": str(band.pk), "submission_key": _key()})
    return token


def _names(round_page: RoundPage) -> dict[str, str]:
    ids = _ids(round_page)
    return {
        "written": question_field_name(ids[WRITTEN]),
        "recording": recording_field_name(ids[WRITTEN]),
        "remove": remove_field_name(ids[WRITTEN]),
        "where": question_field_name(ids["Where do you meet?"]),
        "amount": question_field_name(ids["How much do you need?"]),
        "accounts": question_field_name(ids["Your latest accounts"]),
        "remove_accounts": remove_field_name(ids["Your latest accounts"]),
    }


def _post_questions(
    group: Client, token: str, round_page: RoundPage, *, key: str | None = None, action: str = "continue", **extra: Any
) -> Any:
    names = _names(round_page)
    data: dict[str, Any] = {
        names["where"]: "In person",
        names["amount"]: "450",
        "submission_key": key or _key(),
        "action": action,
    }
    data.update({names.get(name, name): value for name, value in extra.items()})
    return group.post(f"/funding/application/{token}/questions/", data)


# --- the form -----------------------------------------------------------------------------


def test_the_questions_step_takes_files_and_says_what_and_how_big(
    group: Client, token: str, round_page: RoundPage
) -> None:
    page = group.get(f"/funding/application/{token}/questions/").content.decode()
    assert 'enctype="multipart/form-data"' in page
    names = _names(round_page)
    assert f'name="{names["recording"]}"' in page and 'accept="audio/*,video/*"' in page
    assert f'<label for="id_{names["recording"]}">Or give this answer as a recording' in page
    # The written answer is still shown as needed: a recording is the other way to give it.
    assert f'<label for="id_{names["written"]}">{WRITTEN}</label>' in page
    assert "MP3, M4A, WAV or OGG audio, or MP4, MOV or WebM video, up to 100 MB." in page
    assert f'name="{names["accounts"]}"' in page
    assert "PDF, Word (.docx), OpenDocument (.odt), JPG or PNG, up to 10 MB." in page


def test_a_recording_answers_a_required_written_question(
    group: Client, token: str, round_page: RoundPage, private_files: Path
) -> None:
    response = _post_questions(group, token, round_page, recording=sample_files.upload(sample_files.mp3()))
    assert response.status_code == 302, response.content.decode()
    application = Application.objects.get()
    stored = AnswerFile.objects.get()
    assert (stored.kind, stored.content_type, stored.size) == ("audio", "audio/mpeg", len(sample_files.mp3()))
    assert not Answer.objects.filter(question_id=stored.question_id).exists()
    assert WRITTEN not in missing_for_submit(application)
    check = group.get(f"/funding/application/{token}/check/").content.decode()
    assert "Audio recording (3.3 KB)" in check


def test_without_writing_or_a_recording_a_required_question_is_still_asked(
    group: Client, token: str, round_page: RoundPage
) -> None:
    response = _post_questions(group, token, round_page)
    assert response.status_code == 400
    assert f"Answer: {WRITTEN}" in response.content.decode()
    # "Save and come back later" keeps a half-done page as it is.
    assert _post_questions(group, token, round_page, action="leave").status_code == 302


def test_a_file_question_takes_a_document(
    group: Client, token: str, round_page: RoundPage, private_files: Path
) -> None:
    response = _post_questions(
        group,
        token,
        round_page,
        written="Weekly meetings",
        accounts=sample_files.upload(sample_files.PDF, "accounts.pdf", "application/pdf"),
    )
    assert response.status_code == 302, response.content.decode()
    stored = AnswerFile.objects.get()
    assert (stored.kind, stored.content_type) == ("document", "application/pdf")
    assert stored.original_name == "accounts.pdf"


# --- hostile uploads ----------------------------------------------------------------------

HOSTILE_RECORDINGS = {
    "wrong type": (sample_files.PDF, "notes.mp3", "We cannot play this kind of file."),
    "a text file": (b"just some words, not a recording", "words.mp3", "We cannot play this kind of file."),
    "a renamed Linux program": (sample_files.ELF, "voice.mp3", "This file is a program, not a recording"),
    "a renamed Windows program": (sample_files.WINDOWS_PROGRAM, "voice.mp3", "This file is a program"),
    "a renamed script": (sample_files.SHELL_SCRIPT, "voice.wav", "This file is a program"),
    "a script in its title": (
        sample_files.mp3(title="<script>alert(1)</script>"),
        "voice.mp3",
        "This recording has text hidden in its details",
    ),
    "a script in UTF-16, which no byte search finds": (
        sample_files.mp3(title="<script>alert(1)</script>", encoding=1),
        "voice.mp3",
        "This recording has text hidden in its details",
    ),
    "markup in its comment": (
        sample_files.mp3(comment='<img src=x onerror="alert(1)">', encoding=1),
        "voice.mp3",
        "record it again",
    ),
    "a script address in its artist": (
        sample_files.mp3(artist="javascript:alert(1)", encoding=1),
        "voice.mp3",
        "Save the recording again",
    ),
}


@pytest.mark.parametrize("case", HOSTILE_RECORDINGS)
def test_a_hostile_recording_is_refused_with_what_to_do_and_nothing_is_stored(
    case: str, group: Client, token: str, round_page: RoundPage, private_files: Path
) -> None:
    content, name, message = HOSTILE_RECORDINGS[case]
    response = _post_questions(
        group, token, round_page, written="Weekly meetings", recording=sample_files.upload(content, name)
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert escape(message) in page
    assert "There is a problem" in page
    # The whole step is refused: the written answer is kept on the page, not stored half-way.
    assert "Weekly meetings" in page
    assert not Answer.objects.exists()
    assert not AnswerFile.objects.exists()
    assert on_disk(private_files) == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (sample_files.PDF_WITH_SCRIPT, "This PDF contains a script"),
        (sample_files.docx(with_macros=True), "This document contains macros"),
        (sample_files.ELF, "This file is a program, not a document"),
        (sample_files.mp3(), "We cannot open this kind of file. Send a PDF"),
    ],
)
def test_a_hostile_document_is_refused(
    content: bytes, message: str, group: Client, token: str, round_page: RoundPage, private_files: Path
) -> None:
    response = _post_questions(
        group, token, round_page, written="Weekly meetings", accounts=sample_files.upload(content, "accounts.pdf")
    )
    assert response.status_code == 400
    assert escape(message) in response.content.decode()
    assert not AnswerFile.objects.exists() and on_disk(private_files) == []


def test_an_oversized_recording_is_dropped_as_it_arrives_and_refused(
    settings: Any, group: Client, token: str, round_page: RoundPage, private_files: Path
) -> None:
    settings.CHORUS_GRANTS_RECORDING_MAX_MB = 1
    big = sample_files.mp3(frames=3000)  # about 1.2 MB
    response = _post_questions(group, token, round_page, written="Weekly meetings", recording=sample_files.upload(big))
    assert response.status_code == 400
    assert "This recording is bigger than 1 MB, so we cannot take it." in response.content.decode()
    assert not AnswerFile.objects.exists() and not Answer.objects.exists() and on_disk(private_files) == []


def test_a_request_bigger_than_the_step_limit_is_refused_unread(
    settings: Any, group: Client, token: str, round_page: RoundPage, private_files: Path
) -> None:
    settings.CHORUS_GRANTS_UPLOAD_REQUEST_MAX_MB = 1
    settings.CHORUS_GRANTS_RECORDING_MAX_MB = 1
    big = sample_files.mp3(frames=3000)
    response = _post_questions(group, token, round_page, written="Weekly meetings", recording=sample_files.upload(big))
    assert response.status_code == 413
    assert "bigger than 1 MB, so we did not read or keep any of it" in response.content.decode()
    assert not AnswerFile.objects.exists() and not Answer.objects.exists() and on_disk(private_files) == []


def test_an_oversized_file_is_dropped_while_it_arrives_and_its_field_noted(settings: Any) -> None:
    settings.CHORUS_GRANTS_RECORDING_MAX_MB = 1
    posted = RequestFactory().post(
        "/",
        {
            "rec_x": sample_files.upload(sample_files.mp3(frames=3000)),
            "q_y": sample_files.upload(sample_files.PDF, "small.pdf"),
        },
    )
    posted.upload_handlers.insert(0, SizeLimitedUploads(posted))
    assert list(posted.FILES) == ["q_y"]
    assert uploads_too_big(posted) == {"rec_x"}


def test_the_size_is_checked_before_the_content_is_read(settings: Any) -> None:
    settings.CHORUS_GRANTS_DOCUMENT_MAX_MB = 1

    class Unreadable(sample_files.SimpleUploadedFile):
        def read(self, *args: Any, **kwargs: Any) -> bytes:
            raise AssertionError("read before its size was checked")

    big = Unreadable("big.pdf", b"%PDF" + bytes(2 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(UploadRefused, match="bigger than 1 MB"):
        upload_check(upload=big, accepts=Accepts.DOCUMENT)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(UploadRefused, match="empty"):
        upload_check(upload=sample_files.upload(b""), accepts=Accepts.RECORDING)


@pytest.mark.parametrize(
    ("content", "kind", "content_type"),
    [
        (sample_files.mp3(title="Our group's year", artist="Leeds Hearing Voices"), "audio", "audio/mpeg"),
        (sample_files.wav(), "audio", "audio/x-wav"),
        (sample_files.ogg(), "audio", "audio/ogg"),
    ],
)
def test_ordinary_recordings_pass_by_their_content_whatever_their_name(
    content: bytes, kind: str, content_type: str
) -> None:
    checked = upload_check(
        upload=sample_files.upload(content, "C:\\Users\\sam\\recording.bin"), accepts=Accepts.RECORDING
    )
    assert (checked.kind, checked.content_type, checked.size) == (kind, content_type, len(content))
    assert checked.original_name == "recording.bin"


# --- stored privately, sealed, all or nothing ---------------------------------------------


def test_a_recording_is_stored_sealed_under_a_random_name_with_its_name_encrypted(
    group: Client, token: str, round_page: RoundPage, private_files: Path
) -> None:
    content = sample_files.mp3(title="Our year")
    _post_questions(group, token, round_page, recording=sample_files.upload(content, "sam-voice-memo.mp3"))
    stored = AnswerFile.objects.get()
    [path] = on_disk(private_files)
    assert path.name == stored.stored_name and "sam" not in path.name and not path.suffix
    on_disk_bytes = path.read_bytes()
    assert on_disk_bytes != content and content[:200] not in on_disk_bytes
    assert decrypt_bytes(on_disk_bytes) == content
    with connection.cursor() as cursor:
        cursor.execute("SELECT original_name FROM grants_answerfile")
        assert "sam-voice-memo" not in cursor.fetchone()[0]
    assert stored.original_name == "sam-voice-memo.mp3"


def test_a_double_click_stores_the_recording_once(
    group: Client, token: str, round_page: RoundPage, private_files: Path
) -> None:
    key = _key()
    for _ in range(2):
        response = _post_questions(
            group, token, round_page, key=key, recording=sample_files.upload(sample_files.mp3())
        )
        assert response.status_code == 302
    assert AnswerFile.objects.count() == 1 and len(on_disk(private_files)) == 1


def test_the_same_page_sent_again_with_another_file_is_no_repeat(
    group: Client, token: str, round_page: RoundPage, private_files: Path
) -> None:
    # Back, another file chosen, sent again: the form's key is the same, the file is not.
    key = _key()
    _post_questions(group, token, round_page, key=key, recording=sample_files.upload(sample_files.mp3(), "a.mp3"))
    _post_questions(group, token, round_page, key=key, recording=sample_files.upload(sample_files.wav(), "a.mp3"))
    assert AnswerFile.objects.get().content_type == "audio/x-wav"


def test_a_new_recording_replaces_the_old_and_the_old_file_goes(
    group: Client,
    token: str,
    round_page: RoundPage,
    private_files: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _post_questions(group, token, round_page, recording=sample_files.upload(sample_files.mp3()))
    first = AnswerFile.objects.get().stored_name
    with django_capture_on_commit_callbacks(execute=True):
        _post_questions(group, token, round_page, recording=sample_files.upload(sample_files.wav(), "again.wav"))
    replacement = AnswerFile.objects.get()
    assert replacement.stored_name != first and replacement.content_type == "audio/x-wav"
    assert [path.name for path in on_disk(private_files)] == [replacement.stored_name]


def test_a_group_can_remove_a_file_it_sent(
    group: Client,
    token: str,
    round_page: RoundPage,
    private_files: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _post_questions(group, token, round_page, recording=sample_files.upload(sample_files.mp3()))
    page = group.get(f"/funding/application/{token}/questions/").content.decode()
    names = _names(round_page)
    assert "You sent: Audio recording (3.3 KB)" in page
    assert f'<label for="id_{names["remove"]}">Remove the audio recording you sent</label>' in page
    # Removing the only answer to a required question asks for another.
    refused = _post_questions(group, token, round_page, remove="on")
    assert refused.status_code == 400 and f"Answer: {WRITTEN}" in refused.content.decode()
    assert AnswerFile.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_questions(group, token, round_page, written="We will write it instead", remove="on")
    assert response.status_code == 302
    assert not AnswerFile.objects.exists() and on_disk(private_files) == []


def test_a_file_whose_row_fails_is_not_left_on_disk(
    group: Client, token: str, round_page: RoundPage, private_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(AnswerFile.objects, "create", broken)
    with pytest.raises(RuntimeError):
        _post_questions(group, token, round_page, recording=sample_files.upload(sample_files.mp3()))
    assert on_disk(private_files) == []


def test_a_step_that_fails_after_its_files_are_written_leaves_none(
    group: Client, token: str, round_page: RoundPage, private_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = files_service.answer_files_apply

    def then_fail(**kwargs: Any) -> None:
        real(**kwargs)
        assert len(on_disk(private_files)) == 1  # written, then the transaction fails
        raise RuntimeError("worker stopped")

    monkeypatch.setattr("chorus.grants.views.answer_files_apply", then_fail)
    with pytest.raises(RuntimeError):
        _post_questions(group, token, round_page, written="Weekly", recording=sample_files.upload(sample_files.mp3()))
    assert not AnswerFile.objects.exists() and not Answer.objects.exists()
    assert on_disk(private_files) == []


def test_the_retention_job_can_delete_every_file_of_an_application(
    group: Client,
    token: str,
    round_page: RoundPage,
    private_files: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _post_questions(
        group,
        token,
        round_page,
        recording=sample_files.upload(sample_files.mp3()),
        accounts=sample_files.upload(sample_files.PDF, "a.pdf"),
    )
    assert len(on_disk(private_files)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert application_files_delete(application=Application.objects.get()) == 2
    assert not AnswerFile.objects.exists() and on_disk(private_files) == []
    files_service.delete_stored_file("already-gone")  # a second run finds nothing and does not fail


def test_unsent_drafts_deleted_after_their_round_take_their_files(
    group: Client,
    token: str,
    round_page: RoundPage,
    private_files: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _post_questions(group, token, round_page, recording=sample_files.upload(sample_files.mp3()))
    assert len(on_disk(private_files)) == 1
    later = round_page.closes_at + timedelta(days=365)
    with django_capture_on_commit_callbacks(execute=True):
        assert drafts_delete_unsent(now=later) == 1
    assert not AnswerFile.objects.exists() and on_disk(private_files) == []


def test_files_for_another_sizes_questions_are_not_sent(
    group: Client,
    token: str,
    round_page: RoundPage,
    private_files: Path,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    _post_questions(group, token, round_page, recording=sample_files.upload(sample_files.mp3()))
    application = Application.objects.get()
    application.files.update(question_id="a-question-of-the-other-size")
    _fill(group, round_page, token)
    with django_capture_on_commit_callbacks(execute=True):
        assert group.post(f"/funding/application/{token}/check/", {"submission_key": _key()}).status_code == 302
    assert Application.objects.get().status == ApplicationStatus.RECEIVED
    assert not AnswerFile.objects.exists() and on_disk(private_files) == []


# --- staff reading the files --------------------------------------------------------------


@pytest.fixture
def sent_with_recording(group: Client, token: str, round_page: RoundPage, private_files: Path) -> AnswerFile:
    _fill(group, round_page, token)
    _post_questions(group, token, round_page, recording=sample_files.upload(sample_files.mp3(), "our-year.mp3"))
    assert group.post(f"/funding/application/{token}/check/", {"submission_key": _key()}).status_code == 302
    return AnswerFile.objects.get()


def test_the_staff_page_shows_the_recording_with_a_player_and_a_download(
    grants_officer: User, sent_with_recording: AnswerFile
) -> None:
    page = client_for(grants_officer).get(f"/admin/grants/{sent_with_recording.application_id}/").content.decode()
    url = f"/admin/grants/files/{sent_with_recording.pk}/"
    assert "Audio recording (3.3 KB)" in page
    assert f'<audio controls preload="none" src="{url}"></audio>' in page
    assert f'href="{url}" download>Download audio recording' in page
    assert not AuditEvent.objects.filter(action="grants.file.viewed").exists()  # shown, not yet opened


def test_a_visitor_is_sent_to_sign_in(sent_with_recording: AnswerFile) -> None:
    response = Client().get(f"/admin/grants/files/{sent_with_recording.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not AuditEvent.objects.filter(action="grants.file.viewed").exists()


@pytest.mark.parametrize("role", ["editor", "caseworker", "campaigner"])
def test_staff_who_may_not_read_applications_are_refused(
    role: str, sent_with_recording: AnswerFile, request: pytest.FixtureRequest
) -> None:
    response = client_for(request.getfixturevalue(role)).get(f"/admin/grants/files/{sent_with_recording.pk}/")
    assert response.status_code == 403
    assert b"ID3" not in response.content and sample_files.MP3_FRAME not in response.content
    assert not AuditEvent.objects.filter(action="grants.file.viewed").exists()


@pytest.mark.parametrize("role", ["grants_officer", "administrator"])
def test_staff_who_may_read_get_the_file_as_an_attachment_and_it_is_audited(
    role: str, sent_with_recording: AnswerFile, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(role)
    response = client_for(user).get(f"/admin/grants/files/{sent_with_recording.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == sample_files.mp3()
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Content-Disposition"] == 'attachment; filename="our-year.mp3"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    event = AuditEvent.objects.get(action="grants.file.viewed")
    assert event.actor_id == user.pk
    assert event.object_id == str(sent_with_recording.application_id)
    assert event.data == {"file": sent_with_recording.pk, "kind": "audio"}


def test_a_draft_file_is_nobodys_but_the_groups(
    grants_officer: User, group: Client, token: str, round_page: RoundPage, private_files: Path
) -> None:
    _post_questions(group, token, round_page, recording=sample_files.upload(sample_files.mp3()))
    draft_file = AnswerFile.objects.get()
    assert not can_read_application(grants_officer, draft_file.application)
    assert client_for(grants_officer).get(f"/admin/grants/files/{draft_file.pk}/").status_code == 403
    assert client_for(grants_officer).get("/admin/grants/files/999999/").status_code == 404


def test_a_required_file_question_asks_for_its_file_once(
    group: Client, token: str, round_page: RoundPage, private_files: Path
) -> None:
    band = round_page.bands.get(name="Small grants")
    band.questions[-1].value["required"] = True
    band.save()
    page = group.get(f"/funding/application/{token}/questions/").content.decode()
    names = _names(round_page)
    assert f'<label for="id_{names["accounts"]}">Your latest accounts</label>' in page  # not "(optional)"
    refused = _post_questions(group, token, round_page, written="Weekly")
    assert refused.status_code == 400 and "Send a file for: Your latest accounts" in refused.content.decode()
    assert "Your latest accounts" in missing_for_submit(Application.objects.get())
    sent = _post_questions(group, token, round_page, written="Weekly", accounts=sample_files.upload(sample_files.PNG))
    assert sent.status_code == 302
    # Coming back, the file sent before still answers it: the empty file box is no new refusal.
    assert _post_questions(group, token, round_page, written="Weekly").status_code == 302
    assert "Your latest accounts" not in missing_for_submit(Application.objects.get())
