"""Django's sign-in signal: the session remembers when it started (chorus.accounts.sessions)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from chorus.accounts.sessions import session_start_record


@receiver(user_logged_in)
def remember_sign_in_time(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        session_start_record(request=request)
