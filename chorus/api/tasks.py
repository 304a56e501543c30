"""Background work for the integration API. Tasks call services."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.api.services import taggings_prune
from chorus.core.periodic import periodic


@periodic(every=timedelta(hours=1), name="api.taggings_prune")
@task()
def api_taggings_prune() -> None:
    taggings_prune()
