"""Send three-part templated email: ``<name>_subject.txt``, ``_body.txt``, ``_body.html``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def build_email(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    headers: dict[str, str] | None = None,
) -> EmailMultiAlternatives:
    full_context = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template}_subject.txt", full_context).split())
    text = render_to_string(f"{template}_body.txt", full_context)
    html = render_to_string(f"{template}_body.html", full_context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], headers=headers or {}
    )
    message.attach_alternative(html, "text/html")
    return message


def send_templated_email(
    *, to: str, template: str, context: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    """Render and send one email now. Call from a task, never from a view."""
    build_email(to=to, template=template, context=context, headers=headers).send()
