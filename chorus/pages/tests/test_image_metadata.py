"""Uploaded photos are stored without EXIF or XMP (a phone photo can say where its taker lives)."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as Picture
from wagtail.images import get_image_model
from wagtail.utils.file import hash_filelike

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def _photo(image_format: str = "JPEG", *, orientation: int = 1, with_exif: bool = True) -> bytes:
    picture = Picture.new("RGB", (40, 20), "#1d4f91")
    exif = Picture.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD)[2] = (53.0, 48.0, 0.0)  # latitude: Leeds
    output = io.BytesIO()
    picture.save(output, format=image_format, **({"exif": exif} if with_exif else {}))
    return output.getvalue()


def _upload(name: str, data: bytes) -> object:
    return get_image_model().objects.create(title=name, file=SimpleUploadedFile(name, data))


@pytest.mark.parametrize(
    ("name", "image_format"), [("photo.jpg", "JPEG"), ("photo.png", "PNG"), ("photo.webp", "WEBP")]
)
def test_an_uploaded_photo_is_stored_without_its_exif(name: str, image_format: str) -> None:
    original = _photo(image_format)
    assert Picture.open(io.BytesIO(original)).getexif(), "the test photo must carry EXIF"
    image = _upload(name, original)
    image.refresh_from_db()
    with image.open_file() as stored_file:
        stored = stored_file.read()
    assert b"PhoneMaker" not in stored
    with Picture.open(io.BytesIO(stored)) as stored_picture:
        assert not stored_picture.getexif()
        assert stored_picture.format == image_format
    assert image.file_size == len(stored)
    assert image.file_hash == hash_filelike(io.BytesIO(stored))


def test_a_sideways_photo_is_turned_upright_before_its_orientation_tag_goes() -> None:
    image = _upload("sideways.jpg", _photo(orientation=6))  # "rotate 90° clockwise to view"
    image.refresh_from_db()
    assert (image.width, image.height) == (20, 40)


def test_a_photo_without_metadata_is_stored_as_it_came() -> None:
    original = _photo(with_exif=False)
    image = _upload("plain.jpg", original)
    with image.open_file() as stored_file:
        assert stored_file.read() == original


def test_saving_an_image_again_leaves_its_file_alone() -> None:
    image = _upload("photo.jpg", _photo())
    name = image.file.name
    image.title = "Renamed"
    image.save()
    image.refresh_from_db()
    assert image.file.name == name


# --- The home spotlight's picture ------------------------------------------------------------------


# Wagtail makes each rendition in a SpooledTemporaryFile it never closes
# (wagtail/images/models.py, generate_rendition_file); the garbage collector closes it, with a
# ResourceWarning that only these tests, which make renditions, would turn into an error.
WAGTAIL_RENDITION_LEAK = pytest.mark.filterwarnings(
    "ignore:Exception ignored in.*SpooledTemporaryFile:pytest.PytestUnraisableExceptionWarning"
)


def _spotlit_home(**fields: object) -> object:
    from chorus.pages.tests.factories import make_site

    home = make_site()
    for name, value in {"spotlight_heading": "Stop the cameras", **fields}.items():
        setattr(home, name, value)
    return home


def test_a_spotlight_picture_needs_a_text_alternative_unless_it_is_decoration() -> None:
    from django.core.exceptions import ValidationError

    picture = _upload("march.jpg", _photo())
    home = _spotlit_home(spotlight_image=picture)
    with pytest.raises(ValidationError) as refused:
        home.full_clean()
    assert "spotlight_image_alt" in refused.value.message_dict
    home.spotlight_image_alt = "   "
    with pytest.raises(ValidationError):
        home.full_clean()
    home.spotlight_image_decorative = True
    home.full_clean()
    home.spotlight_image_decorative = False
    home.spotlight_image_alt = "Members marching past a hospital with banners"
    home.full_clean()


@WAGTAIL_RENDITION_LEAK
def test_the_spotlight_picture_is_responsive_webp_with_its_size_and_loaded_lazily(client: object) -> None:
    picture = _upload("march.jpg", _photo())
    home = _spotlit_home(spotlight_image=picture, spotlight_image_alt="Members marching with banners")
    home.save_revision().publish()
    html = client.get("/").content.decode()  # type: ignore[attr-defined]
    tag = html.split('<section class="spotlight"')[1].split("<img", 1)[1].split(">", 1)[0]
    assert 'alt="Members marching with banners"' in tag
    assert 'loading="lazy"' in tag
    assert re.search(r'width="\d+"', tag) and re.search(r'height="\d+"', tag)
    assert ".webp" in tag and "srcset=" in tag


@WAGTAIL_RENDITION_LEAK
def test_a_decorative_spotlight_picture_has_an_empty_text_alternative(client: object) -> None:
    picture = _upload("pattern.png", _photo("PNG"))
    home = _spotlit_home(spotlight_image=picture, spotlight_image_alt="ignored", spotlight_image_decorative=True)
    home.save_revision().publish()
    html = client.get("/").content.decode()  # type: ignore[attr-defined]
    tag = html.split('<section class="spotlight"')[1].split("<img", 1)[1].split(">", 1)[0]
    assert 'alt=""' in tag
