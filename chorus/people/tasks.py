"""Background work for people and privacy. Tasks take ids and call services."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.urls import reverse

from chorus.core import crypto
from chorus.core.mail import send_templated_email
from chorus.core.periodic import periodic
from chorus.people.models import PrivacyLink
from chorus.people.services import people_retention_apply


@task()
def send_privacy_link(*, link_id: int, sealed_token: str) -> None:
    link = PrivacyLink.objects.select_related("person").filter(pk=link_id, used_at__isnull=True).first()
    if link is None or not link.person.email:
        return  # used, cleaned up or erased meanwhile: nothing to send
    token = crypto.decrypt(sealed_token)
    url = settings.SITE_URL + reverse("people:privacy_link", kwargs={"token": token})
    send_templated_email(
        to=link.person.email,
        template="people/email/privacy_link",
        context={"url": url, "minutes": settings.CHORUS_PRIVACY_LINK_MINUTES},
    )


@periodic(every=timedelta(hours=1), name="people.retention")
@task()
def people_retention_run() -> None:
    people_retention_apply()
