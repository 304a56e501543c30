"""Recordings and documents sent with an application: checked, sealed, stored privately, removed.

An upload is judged by its content, never its name or the type the browser claims
(``filetype`` reads the first bytes): a program renamed ``.mp3`` is refused as a program. A
recording's tags (title, artist, comments: read with ``mutagen``) and the start and end of
its bytes must hold no markup or script, since a player or a page showing those tags could
run it. A PDF with scripts or embedded files and a Word document with macros are refused.
Each refusal says what to do instead, in plain words.

What passes is sealed (``chorus.core.crypto.encrypt_chunks``) under a random name in the
private storage (``settings.GRANTS_FILES_STORAGE``, outside the media and static folders);
the original name is kept only encrypted. A file is written first and its row second, and a
file whose row is not committed is deleted: by ``answer_file_save`` itself when the row
fails, and by ``stored_files_kept_on_success`` when anything later in the request fails.
A replaced or removed file is deleted only once the change is committed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
import secrets
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import PurePath
from typing import IO, Any

import filetype
import mutagen
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from mutagen.mp4 import MP4Cover

from chorus.core.crypto import decrypt_chunks, encrypt_chunks
from chorus.grants.choices import FileKind
from chorus.grants.models import AnswerFile, Application

MB = 1024 * 1024
# What is read to tell a file's type: every signature filetype knows sits in the first few KB.
HEAD_BYTES = 8192
# Tags are usually at the start (ID3v2, MP4 "moov" often) or the end (ID3v1, APE, MP4 at the end).
EDGE_BYTES = 256 * 1024


class Accepts(Enum):
    """What a file field takes: a recording (an answer given by voice or on video) or a document."""

    RECORDING = "recording"
    DOCUMENT = "document"


@dataclass(frozen=True)
class AllowedType:
    kind: str  # FileKind
    name: str  # as people know it, for messages


# By content type as filetype reads it. WebM is listed as video: a WebM recording may be sound
# only, and a browser plays either through the same element.
RECORDING_TYPES: dict[str, AllowedType] = {
    "audio/mpeg": AllowedType(FileKind.AUDIO, "MP3"),
    "audio/mp4": AllowedType(FileKind.AUDIO, "M4A"),
    "audio/x-wav": AllowedType(FileKind.AUDIO, "WAV"),
    "audio/ogg": AllowedType(FileKind.AUDIO, "OGG"),
    "audio/aac": AllowedType(FileKind.AUDIO, "AAC"),
    "audio/x-flac": AllowedType(FileKind.AUDIO, "FLAC"),
    "audio/amr": AllowedType(FileKind.AUDIO, "AMR"),
    "video/mp4": AllowedType(FileKind.VIDEO, "MP4"),
    "video/quicktime": AllowedType(FileKind.VIDEO, "MOV"),
    "video/webm": AllowedType(FileKind.VIDEO, "WebM"),
    "video/3gpp": AllowedType(FileKind.VIDEO, "3GP"),
}
DOCUMENT_TYPES: dict[str, AllowedType] = {
    "application/pdf": AllowedType(FileKind.DOCUMENT, "PDF"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": AllowedType(
        FileKind.DOCUMENT, "Word (.docx)"
    ),
    "application/vnd.oasis.opendocument.text": AllowedType(FileKind.DOCUMENT, "OpenDocument text (.odt)"),
    "image/jpeg": AllowedType(FileKind.DOCUMENT, "JPG"),
    "image/png": AllowedType(FileKind.DOCUMENT, "PNG"),
}
# The audio and video formats named in the form's words (the others are accepted all the same).
RECORDING_WORDS = "MP3, M4A, WAV or OGG audio, or MP4, MOV or WebM video"
DOCUMENT_WORDS = "PDF, Word (.docx), OpenDocument (.odt), JPG or PNG"

# How programs start: ELF (Linux), MZ (Windows), Mach-O (macOS, both byte orders and fat
# binaries), and "#!" (a script).
PROGRAM_STARTS = (
    b"\x7fELF",
    b"MZ",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
PROGRAM_TYPES = frozenset({"application/x-executable", "application/x-msdownload", "application/wasm"})
# Markup or script in a tag: any <tag>, or a script address.
MARKUP_IN_TEXT = re.compile(r"<\s*[a-z!?/][^<>]*>|<\s*script|javascript\s*:|vbscript\s*:|data\s*:\s*text/html", re.I)
MARKUP_IN_BYTES = re.compile(rb"<\s*script|javascript\s*:|vbscript\s*:", re.I)
PDF_ACTIVE_CONTENT = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia)(?![A-Za-z])")


class UploadRefused(Exception):
    """A file we cannot accept, with what to do instead, in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check: what it is, by its content."""

    upload: UploadedFile
    kind: str
    content_type: str
    size: int
    original_name: str


def max_bytes(accepts: Accepts) -> int:
    megabytes = (
        settings.CHORUS_GRANTS_RECORDING_MAX_MB
        if accepts is Accepts.RECORDING
        else settings.CHORUS_GRANTS_DOCUMENT_MAX_MB
    )
    return int(megabytes) * MB


def accepted_in_words(accepts: Accepts) -> str:
    """What a file field takes and its size limit, as the form's hint says it."""
    if accepts is Accepts.RECORDING:
        return f"{RECORDING_WORDS}, up to {settings.CHORUS_GRANTS_RECORDING_MAX_MB} MB."
    return f"{DOCUMENT_WORDS}, up to {settings.CHORUS_GRANTS_DOCUMENT_MAX_MB} MB."


def size_in_words(size: int) -> str:
    return str(filesizeformat(size)).replace("\xa0", " ")


def too_big_message(accepts: Accepts) -> str:
    limit = max_bytes(accepts) // MB
    if accepts is Accepts.RECORDING:
        return (
            f"This recording is bigger than {limit} MB, so we cannot take it. Send a shorter recording, or save it "
            "at a lower quality (most phones have a setting for this), or ask us to call you instead."
        )
    return f"This file is bigger than {limit} MB, so we cannot take it. Send a smaller file, for example a PDF."


def _safe_name(name: str) -> str:
    """The file's own name without any folder, control characters or excess length (it is shown to staff)."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return cleaned[-200:] or "file"


def _read_edges(stream: IO[bytes], size: int) -> bytes:
    stream.seek(0)
    start = stream.read(EDGE_BYTES)
    if size <= EDGE_BYTES * 2:
        return start + stream.read()
    stream.seek(size - EDGE_BYTES)
    return start + stream.read(EDGE_BYTES)


def _tag_texts(tags: Any) -> Iterator[str]:
    """Every piece of text in a file's tags, whatever the format (ID3 frames, Vorbis comments, MP4 atoms)."""
    if tags is None:
        return
    if hasattr(tags, "getall") and hasattr(tags, "values"):  # ID3: frames with text, urls, descriptions
        for frame in tags.values():
            for attribute in ("text", "url", "desc", "owner", "email", "lang"):
                value = getattr(frame, attribute, None)
                if value is None:
                    continue
                for item in value if isinstance(value, list) else [value]:
                    yield str(item)
        return
    items: Iterable[tuple[Any, Any]] = tags.items() if hasattr(tags, "items") else tags
    for key, value in items:
        yield str(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, MP4Cover):  # a picture: not text
                continue
            if isinstance(item, bytes):  # free-form atoms: text in bytes, often
                yield item.decode("utf-8", "replace")
                continue
            yield str(item)


def _has_hidden_markup(stream: IO[bytes], size: int) -> bool:
    if MARKUP_IN_BYTES.search(_read_edges(stream, size)):
        return True
    stream.seek(0)
    try:
        media = mutagen.File(stream)
    except Exception:
        return False
    finally:
        stream.seek(0)
    if media is None:
        return False
    return any(MARKUP_IN_TEXT.search(text) for text in _tag_texts(media.tags))


def _document_problem(stream: IO[bytes], content_type: str, size: int) -> str:
    stream.seek(0)
    if content_type == "application/pdf":
        # A document is small (its limit is a few MB): read it whole for the names of active content.
        if PDF_ACTIVE_CONTENT.search(stream.read(size + 1)):
            return (
                "This PDF contains a script or another file hidden inside it, which we cannot accept. Save it again "
                'as a plain PDF (for example with "Print" and "Save as PDF") and send that.'
            )
    elif content_type.startswith("application/vnd."):
        try:
            with zipfile.ZipFile(stream) as archive:
                names = [name.lower() for name in archive.namelist()]
        except (zipfile.BadZipFile, OSError):
            return "We could not open this document. Save it again and send the new file, or send a PDF."
        if any(name.endswith(("vbaproject.bin", ".bas")) or "/basic/" in name for name in names):
            return (
                "This document contains macros (small programs), which we cannot accept. Save it again as a plain "
                "document (.docx or .odt without macros) or as a PDF, and send that."
            )
    return ""


def upload_check(*, upload: UploadedFile, accepts: Accepts) -> CheckedUpload:
    """Accept a file only if its content is a kind we take, within the size limit, with nothing hidden in it.

    The size is checked first, from what was received, before any of the file is read.
    Raises ``UploadRefused`` with what to do instead.
    """
    size = int(upload.size or 0)
    if size == 0:
        raise UploadRefused("The file you chose is empty. Choose the file again.")
    if size > max_bytes(accepts):
        raise UploadRefused(too_big_message(accepts))
    stream: IO[bytes] = upload.file  # type: ignore[assignment]
    stream.seek(0)
    head = stream.read(HEAD_BYTES)
    stream.seek(0)
    guessed = filetype.guess(head)
    content_type = guessed.mime if guessed is not None else ""
    wanted = f"Send an {RECORDING_WORDS} file" if accepts is Accepts.RECORDING else f"Send a {DOCUMENT_WORDS} file"
    if head.startswith(PROGRAM_STARTS) or content_type in PROGRAM_TYPES:
        raise UploadRefused(
            f"This file is a program, not a {accepts.value}, so we cannot accept it, whatever its name says. {wanted}."
        )
    allowed = (RECORDING_TYPES if accepts is Accepts.RECORDING else DOCUMENT_TYPES).get(content_type)
    if allowed is None:
        if accepts is Accepts.RECORDING:
            raise UploadRefused(
                f"We cannot play this kind of file. {wanted}. If your phone saved it in another format, share it "
                "from the phone as audio, or ask us to call you instead."
            )
        raise UploadRefused(f"We cannot open this kind of file. {wanted}.")
    if accepts is Accepts.RECORDING and _has_hidden_markup(stream, size):
        raise UploadRefused(
            "This recording has text hidden in its details (such as the title or artist) that we cannot accept, "
            "because it could be harmful. Save the recording again as a new file (for example by exporting or "
            "sharing it from your recording app), or record it again, and send that."
        )
    if accepts is Accepts.DOCUMENT and (problem := _document_problem(stream, content_type, size)):
        raise UploadRefused(problem)
    stream.seek(0)
    return CheckedUpload(
        upload=upload,
        kind=allowed.kind,
        content_type=content_type,
        size=size,
        original_name=_safe_name(upload.name or ""),
    )


def uploads_digest(files: Mapping[str, UploadedFile]) -> dict[str, str]:
    """A digest of each posted file's content, so a post sending different files is no repeat
    of an earlier one (core.idempotency compares the posted answers)."""
    digests = {}
    for name in sorted(files):
        hashed = hashlib.sha256()
        for chunk in files[name].chunks():
            hashed.update(chunk)
        files[name].seek(0)
        digests[f"file:{name}"] = hashed.hexdigest()
    return digests


# --- storing ---------------------------------------------------------------------------------


def private_storage() -> Storage:
    return storages[settings.GRANTS_FILES_STORAGE]


# The files written during one request (see stored_files_kept_on_success).
_written: ContextVar[list[str] | None] = ContextVar("grants_files_written", default=None)


@contextlib.contextmanager
def stored_files_kept_on_success() -> Iterator[None]:
    """Wrap the transaction that stores files: if it fails or rolls back, the files written in it are deleted."""
    written: list[str] = []
    token = _written.set(written)
    try:
        yield
    except BaseException:
        for stored_name in written:
            delete_stored_file(stored_name)
        raise
    finally:
        _written.reset(token)


def _store_sealed(upload: UploadedFile) -> str:
    """Seal the upload into the private storage under a new random name; returns that name."""
    with tempfile.TemporaryFile() as sealed:
        upload.seek(0)
        for piece in encrypt_chunks(upload.chunks()):
            sealed.write(piece)
        sealed.seek(0)
        stored_name = private_storage().save(secrets.token_hex(20), File(sealed))
    written = _written.get()
    if written is not None:
        written.append(stored_name)
    return stored_name


def delete_stored_file(stored_name: str) -> None:
    """Delete one stored file; a file already gone is not an error (the retention job may run twice)."""
    if stored_name:
        private_storage().delete(stored_name)


def _delete_after_commit(stored_names: list[str]) -> None:
    for stored_name in stored_names:
        transaction.on_commit(functools.partial(delete_stored_file, stored_name))


def answer_file_save(
    *,
    application: Application,
    question_id: str,
    checked: CheckedUpload,
    entered_by_staff: bool = False,
    now: datetime | None = None,
) -> AnswerFile:
    """Store a checked file as the answer to one question (or as the report), replacing any earlier one."""
    now = now or timezone.now()
    stored_name = _store_sealed(checked.upload)
    try:
        with transaction.atomic():
            replaced = list(
                AnswerFile.objects.select_for_update()
                .filter(application=application, question_id=question_id)
                .values_list("stored_name", flat=True)
            )
            AnswerFile.objects.filter(application=application, question_id=question_id).delete()
            saved = AnswerFile.objects.create(
                application=application,
                question_id=question_id,
                kind=checked.kind,
                stored_name=stored_name,
                original_name=checked.original_name,
                content_type=checked.content_type,
                size=checked.size,
                uploaded_at=now,
                entered_by_staff=entered_by_staff,
            )
    except BaseException:
        delete_stored_file(stored_name)
        raise
    _delete_after_commit(replaced)
    return saved


def answer_file_remove(*, application: Application, question_id: str) -> bool:
    """Remove the file given for one question; the stored file goes once this is committed."""
    removed = list(
        AnswerFile.objects.filter(application=application, question_id=question_id).values_list(
            "stored_name", flat=True
        )
    )
    AnswerFile.objects.filter(application=application, question_id=question_id).delete()
    _delete_after_commit(removed)
    return bool(removed)


def answer_files_apply(
    *,
    application: Application,
    uploads: Mapping[str, CheckedUpload],
    removals: Iterable[str] = (),
    now: datetime | None = None,
) -> None:
    """One step's files: remove those the group took away, store the new ones (a new one replaces the old)."""
    for question_id in removals:
        if question_id not in uploads:
            answer_file_remove(application=application, question_id=question_id)
    for question_id, checked in uploads.items():
        answer_file_save(application=application, question_id=question_id, checked=checked, now=now)


def answer_files_delete_except(*, application: Application, keep: Iterable[str]) -> int:
    """Delete the files given for questions not in ``keep`` (another size's questions), after commit."""
    unwanted = AnswerFile.objects.filter(application=application).exclude(question_id__in=list(keep))
    names = list(unwanted.values_list("stored_name", flat=True))
    unwanted.delete()
    _delete_after_commit(names)
    return len(names)


def application_files_delete(*, application: Application) -> int:
    """Delete every file of an application (the retention job): rows now, stored files once committed."""
    return answer_files_delete_of(applications=Application.objects.filter(pk=application.pk))


def answer_files_delete_of(*, applications: QuerySet[Application]) -> int:
    """Delete every file of these applications: rows now, stored files once committed."""
    files = AnswerFile.objects.filter(application__in=applications)
    names = list(files.values_list("stored_name", flat=True))
    files.delete()
    _delete_after_commit(names)
    return len(names)


def answer_file_content(answer_file: AnswerFile) -> Iterator[bytes]:
    """The file's content, opened chunk by chunk, for the staff download."""
    with private_storage().open(answer_file.stored_name, "rb") as stored:
        yield from decrypt_chunks(stored)
