"""The ``Permissions-Policy`` header: browser features no page of ours uses are switched off.

Chorus never asks for a camera, a microphone, a location or a payment, so a script that
somehow ran on one of its pages (an injected one, or a library gone bad) must not be able
to either. The only powerful features left on are the two that staff passkeys (WebAuthn)
need, for the site itself and never for a frame from elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

# Features switched off for every page ("()": no origin may use them) ...
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "bluetooth",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
# ... and the ones passkeys need, for this site only.
SELF_ONLY_FEATURES = ("publickey-credentials-create", "publickey-credentials-get")

PERMISSIONS_POLICY = ", ".join(
    [f"{feature}=()" for feature in DENIED_FEATURES] + [f"{feature}=(self)" for feature in SELF_ONLY_FEATURES]
)


class PermissionsPolicyMiddleware:
    """Add ``Permissions-Policy`` to every response, pages served from the page cache included.

    Listed just after Django's SecurityMiddleware, outside the public page cache, so a
    cached page gets the header too. A view that sets its own policy keeps it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
