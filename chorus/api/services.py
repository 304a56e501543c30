"""Writes made through the integration API."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from chorus.api.models import ApiToken, Tag
from chorus.core.audit import log_action


def tag_get_or_create(*, name: str, token: ApiToken) -> tuple[Tag, bool]:
    """The tag with this name, made if new (OSDI: posting an existing tag returns it); audited."""
    name = " ".join(name.split())
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag is not None:
        return tag, False
    try:
        with transaction.atomic():
            tag = Tag.objects.create(name=name)
            log_action("api.tag.created", obj=tag, data={"token_id": token.pk})
    except IntegrityError:
        return Tag.objects.get(name=name), False
    return tag, True
