"""``{% email_arrival %}``: the one wording of when an emailed link comes, for every page that promises one."""

from __future__ import annotations

from django import template

from chorus.core.mail import EMAIL_ARRIVAL

register = template.Library()


@register.simple_tag
def email_arrival() -> str:
    """When the email leaves and when to look in the spam folder (chorus.core.mail.EMAIL_ARRIVAL)."""
    return EMAIL_ARRIVAL
