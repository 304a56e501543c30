"""Sharing an action without tracking anyone: plain links with prefilled text, page meta
for link previews, and a share image of the count drawn here and served from the site.

Nothing on our pages loads from a social site: each share link is an ordinary link that
the reader chooses to follow. Mastodon has no central server, so our own small form asks
for the reader's server and sends them to its share page (docs/decisions/0030).
"""

from __future__ import annotations

import hashlib
import io
import re
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.cache import cache
from PIL import Image, ImageDraw, ImageFont

from chorus.campaigns.models import ActionPage

SHARE_IMAGE_SIZE = (1200, 630)  # the size link previews expect (1.91:1)
SHARE_IMAGE_CACHE_SECONDS = 7 * 24 * 3600
# A host name as people type their Mastodon server: "mastodon.social", "kolektiva.social".
MASTODON_SERVER = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@dataclass(frozen=True)
class ShareLink:
    label: str  # what the link says, e.g. "Share on WhatsApp"
    url: str


def absolute_url(action: ActionPage) -> str:
    """The action's address on the public site, from SITE_URL (never the request's host)."""
    url = str(action.url or "")
    return settings.SITE_URL + url if url.startswith("/") else url


def share_text(action: ActionPage) -> str:
    return f"{action.title}: sign the {action.kind_label.lower()}"


def share_image_path(action: ActionPage, *, total: int) -> str:
    """The share image's address; the count in it makes a new count a new image to link previews."""
    return f"/campaigns/{action.pk}/share.png?count={total}"


def share_links(action: ActionPage) -> list[ShareLink]:
    """Plain links with the text filled in: each loads nothing until the reader follows it."""
    url, text = absolute_url(action), share_text(action)
    both = f"{text} {url}"
    return [
        ShareLink(
            "Share by email", "mailto:?" + urlencode({"subject": text, "body": f"{text}\n\n{url}"}, quote_via=quote)
        ),
        ShareLink("Share on WhatsApp", "https://wa.me/?" + urlencode({"text": both}, quote_via=quote)),
        ShareLink("Share on Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": both}, quote_via=quote)),
        ShareLink("Share on X", "https://x.com/intent/post?" + urlencode({"text": text, "url": url}, quote_via=quote)),
    ]


def mastodon_share_url(*, server: str, action: ActionPage) -> str | None:
    """The reader's own server's share page with the text filled in; None for something that is no host name."""
    host = server.strip().lower().removeprefix("https://").removeprefix("http://").removeprefix("@").rstrip("/")
    # "@name@server" or "name@server", as people often write their handle: keep the server.
    host = host.rpartition("@")[2]
    if not MASTODON_SERVER.match(host):
        return None
    return f"https://{host}/share?" + urlencode(
        {"text": f"{share_text(action)} {absolute_url(action)}"}, quote_via=quote
    )


def share_context(action: ActionPage, *, total: int) -> dict[str, object]:
    """What an action's page and thank-you page need for link previews and share links."""
    return {
        "share_url": absolute_url(action),
        "share_text": share_text(action),
        "share_links": share_links(action),
        "share_image_url": settings.SITE_URL + share_image_path(action, total=total),
        "share_image_alt": f"{action.title}: {total:,} signature{'' if total == 1 else 's'} so far",
    }


@lru_cache(maxsize=4)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's own bundled font: nothing fetched, nothing to install.
    return ImageFont.load_default(size=size)


def share_image_png(*, title: str, total: int, kind_label: str) -> bytes:
    """A 1200×630 PNG: the action's title and its count, in the site's colours."""
    image = Image.new("RGB", SHARE_IMAGE_SIZE, "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, SHARE_IMAGE_SIZE[0], 16), fill="#1d4f91")
    draw.text((72, 70), kind_label.upper(), fill="#3b3b3b", font=_font(34))
    lines = textwrap.wrap(title, width=34)[:3]
    y = 130
    for line in lines:
        draw.text((72, y), line, fill="#0b0c0c", font=_font(64))
        y += 78
    noun = "signature" if total == 1 else "signatures"
    draw.text((72, 470), f"{total:,} {noun} so far", fill="#1d4f91", font=_font(56))
    draw.text((72, 545), "Add your name", fill="#3b3b3b", font=_font(34))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def share_image(action: ActionPage, *, total: int) -> bytes:
    """The share image for this count, drawn once per count and title and then kept in the cache."""
    # The title is in the key too, so renaming an action draws a new image. The shared
    # cache degrades to a miss when Redis is unwell (chorus.core.cache), never an error.
    title_digest = hashlib.sha256(action.title.encode()).hexdigest()[:16]
    key = f"campaigns:share-image:{action.pk}:{total}:{title_digest}"
    found = cache.get(key)
    if isinstance(found, bytes):
        return found
    png = share_image_png(title=action.title, total=total, kind_label=action.kind_label)
    cache.set(key, png, SHARE_IMAGE_CACHE_SECONDS)
    return png
