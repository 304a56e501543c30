"""The password-reset email, built when the outbox sends it: Wagtail's own templates and link,
with a token made at that moment from the account (Django's ``default_token_generator``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from chorus.accounts.models import PASSWORD_RESET_EMAIL, User
from chorus.core import outbox
from chorus.core.branding import organisation_name
from chorus.core.mail import ChorusEmail, render_plain_text
from chorus.core.models import OutboxMessage

# The templates Wagtail's password-reset view renders (wagtail.admin.views.account).
SUBJECT_TEMPLATE = "wagtailadmin/account/password_reset/email_subject.txt"
BODY_TEMPLATE = "wagtailadmin/account/password_reset/email.txt"


def password_reset_accounts(*, email: str) -> list[User]:
    """The active accounts with a usable password for the address, as Django's reset form finds them."""
    from wagtail.admin.forms.auth import PasswordResetForm

    return [user for user in PasswordResetForm().get_users(email) if isinstance(user, User)]


def password_reset_email(*, users: list[User]) -> ChorusEmail:
    """One email with a fresh reset link for each account (several accounts may share an address)."""
    site = urlsplit(settings.SITE_URL)
    bodies = []
    subject = ""
    for user in users:
        context: dict[str, Any] = {
            "email": user.email,
            "domain": site.netloc,
            "site_name": organisation_name(),
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": site.scheme or "https",
        }
        subject = " ".join(render_plain_text(SUBJECT_TEMPLATE, context).split())
        bodies.append(render_plain_text(BODY_TEMPLATE, context).strip())
    return ChorusEmail(
        subject=subject, body="\n\n".join(bodies) + "\n", from_email=settings.DEFAULT_FROM_EMAIL, to=[users[0].email]
    )


@outbox.composer(PASSWORD_RESET_EMAIL, label="Staff password reset link")
def compose_password_resets(rows: list[OutboxMessage]) -> Iterator[outbox.Envelope]:
    """A reset link to each address that has a staff account; nothing to any other address."""
    for row in rows:
        users = password_reset_accounts(email=row.address) if row.address else []
        if users:
            yield outbox.Envelope(message=password_reset_email(users=users), rows=(row.pk,))
