"""Calm abstract banners for the demo's articles and campaigns, drawn with Pillow when the demo loads.

Nothing is downloaded and no photo of a real person or place is used: each banner is soft
overlapping circles in the organisation's accent colour on a pale tint of it. They carry no
information, so the demo marks them as decoration (an empty text alternative), as an editor
should for such a picture.
"""

from __future__ import annotations

import io
import random

from django.core.files.images import ImageFile
from PIL import Image as Picture
from PIL import ImageDraw, ImageFilter
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage

from chorus.pages.colours import HEX_COLOUR
from chorus.pages.models import DEFAULT_ACCENT_COLOUR, OrganisationSettings
from chorus.pages.pictures import make_responsive_renditions

BANNER_SIZE = (1200, 450)
# Drawn small and enlarged: the blur hides the enlargement, and drawing a quarter of the
# pixels keeps loading the demo quick.
DRAWN_SCALE = 4
RGB = tuple[int, int, int]


def _rgb(colour: str) -> RGB:
    return (int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16))


def _mix(colour: RGB, other: RGB, share_of_other: float) -> RGB:
    r, g, b = (round(c + (o - c) * share_of_other) for c, o in zip(colour, other, strict=True))
    return (r, g, b)


def banner_png(*, accent: str, variation: int) -> bytes:
    """A PNG banner: soft circles of ``accent`` on a pale tint of it; ``variation`` picks their places."""
    colour = _rgb(accent if HEX_COLOUR.match(accent) else DEFAULT_ACCENT_COLOUR)
    white = (255, 255, 255)
    width, height = BANNER_SIZE[0] // DRAWN_SCALE, BANNER_SIZE[1] // DRAWN_SCALE
    canvas = Picture.new("RGB", (width, height), _mix(colour, white, 0.88))
    layer = Picture.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    chance = random.Random(variation)  # the same banner each time the demo loads: not for security
    for _ in range(8):
        radius = chance.randint(height // 6, height * 2 // 3)
        x, y = chance.randint(0, width), chance.randint(0, height)
        tint = _mix(colour, white, chance.choice([0.0, 0.25, 0.5, 0.7]))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*tint, chance.randint(40, 110)))
    canvas.paste(layer, mask=layer)
    banner = canvas.filter(ImageFilter.GaussianBlur(4)).resize(BANNER_SIZE, Picture.Resampling.BICUBIC)
    output = io.BytesIO()
    banner.save(output, format="PNG", optimize=True)
    return output.getvalue()


def demo_banner(*, title: str, variation: int) -> AbstractImage:
    """The demo banner with this title, drawn and stored only if missing, so loading twice adds none."""
    image_model = get_image_model()
    image: AbstractImage | None = image_model.objects.filter(title=title).first()
    if image is None:
        accent = OrganisationSettings.load().accent_colour
        data = banner_png(accent=accent, variation=variation)
        image = image_model.objects.create(
            title=title, file=ImageFile(io.BytesIO(data), name=f"banner-{variation}.png")
        )
    make_responsive_renditions(image)
    return image
