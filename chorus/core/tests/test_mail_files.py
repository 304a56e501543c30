"""Development mail is written as one .eml file per message, which mail programs open."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.test import override_settings


def eml_mailers(directory: Path) -> dict[str, dict[str, object]]:
    return {"default": {"BACKEND": "chorus.core.mail_files.EmlFileBackend", "OPTIONS": {"file_path": str(directory)}}}


def test_development_settings_use_the_eml_backend() -> None:
    # The test settings keep mail in memory; the base (development) settings are what `make run` uses.
    from config.settings import base

    assert base.MAILERS["default"]["BACKEND"] == "chorus.core.mail_files.EmlFileBackend"
    assert settings.MAILERS["default"]["BACKEND"].endswith("locmem.EmailBackend")


def test_each_message_gets_its_own_eml_file_that_parses_as_mail(tmp_path: Path) -> None:
    with override_settings(MAILERS=eml_mailers(tmp_path)):
        mailer = mailers["default"]
        first = EmailMultiAlternatives("Confirm your signature", "Plain text", to=["sam@example.org"])
        first.attach_alternative("<p>HTML</p>", "text/html")
        second = EmailMultiAlternatives("Your weekly bulletin", "Another", to=["alex@example.org"])
        with mailer:
            assert mailer.send_messages([first, second]) == 2

    files = sorted(tmp_path.iterdir())
    assert [path.suffix for path in files] == [".eml", ".eml"]
    messages = [BytesParser(policy=policy.default).parsebytes(path.read_bytes()) for path in files]
    assert sorted(str(message["Subject"]) for message in messages) == [
        "Confirm your signature",
        "Your weekly bulletin",
    ]
    multipart = next(message for message in messages if message.is_multipart())
    html = multipart.get_body(preferencelist=("html",))
    assert html is not None and "<p>HTML</p>" in html.get_content()
    # The file name carries no address or subject.
    assert all("example" not in path.name and "bulletin" not in path.name for path in files)


def test_a_message_without_recipients_writes_nothing(tmp_path: Path) -> None:
    with override_settings(MAILERS=eml_mailers(tmp_path)):
        assert mailers["default"].send_messages([EmailMultiAlternatives("No one", "text", to=[])]) == 0
    assert list(tmp_path.iterdir()) == []
