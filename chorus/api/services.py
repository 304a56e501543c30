"""Writes made through the integration API."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from chorus.api.models import ApiToken, Tag, Tagging
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


@transaction.atomic
def taggings_prune() -> int:
    """Delete the tags on people who are no longer shared (every sharing agreement withdrawn).

    They have no purpose left, and while they stayed, the people app's keeping times would
    keep the person too (a row pointing at a person keeps them). Audited with a count.
    """
    from chorus.api.osdi.selectors import shareable_people

    deleted, _ = Tagging.objects.exclude(person__in=shareable_people().values("pk")).delete()
    if deleted:
        log_action("api.taggings.pruned", data={"count": deleted}, screen="task api_taggings_prune")
    return deleted
