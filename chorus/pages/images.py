"""Uploaded photos lose their hidden metadata (EXIF, XMP: where and when they were taken, the camera).

A photo from a phone can say where its taker lives. Every JPEG, PNG or WebP uploaded to
Wagtail's images is re-saved without it before it is stored, turned upright first so that
dropping the orientation tag does not leave it on its side. Connected to ``pre_save`` of the
image model (chorus.pages.wagtail_hooks): Wagtail offers no hook of its own for an upload.
"""

from __future__ import annotations

import io
import os
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image as Picture
from PIL import ImageOps
from wagtail.utils.file import hash_filelike

# Formats that carry EXIF or XMP and that Pillow writes back faithfully. GIF and SVG carry none.
REWRITTEN_FORMATS = {"JPEG", "PNG", "WEBP"}


def without_metadata(data: bytes) -> bytes | None:
    """The image re-saved upright without EXIF or XMP, or None when it had neither."""
    with Picture.open(io.BytesIO(data)) as picture:
        image_format = picture.format or ""
        if image_format not in REWRITTEN_FORMATS:
            return None
        if not picture.getexif() and "xmp" not in picture.info and "XML:com.adobe.xmp" not in picture.info:
            return None
        icc_profile = picture.info.get("icc_profile")
        upright = ImageOps.exif_transpose(picture)
        options: dict[str, Any] = {"format": image_format}
        if icc_profile:
            options["icc_profile"] = icc_profile  # colours, not a person's details: kept
        if image_format == "JPEG":
            options.update(quality=92, optimize=True)
        elif image_format == "WEBP":
            options.update(quality=90)
        output = io.BytesIO()
        # Pillow writes EXIF and XMP only when asked to (exif=, xmp=), so none is written here.
        upright.save(output, **options)
        return output.getvalue()


def strip_uploaded_image_metadata(sender: Any, instance: Any, **kwargs: Any) -> None:
    """Before an image with a new file is stored: the file without its metadata."""
    if not instance.file:
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("file", flat=True).first() if instance.pk else None
    if stored == instance.file.name:
        return  # the same file as before: already cleaned when it was uploaded
    instance.file.open("rb")
    instance.file.seek(0)
    data = instance.file.read()
    instance.file.seek(0)
    cleaned = without_metadata(data)
    if cleaned is None:
        return
    instance.file = ContentFile(cleaned, name=os.path.basename(instance.file.name))
    instance.file_size = len(cleaned)
    instance.file_hash = hash_filelike(io.BytesIO(cleaned))
