"""Public counts, refreshed in batches from signature rows: never a hot row per signature."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from chorus.campaigns.models import ActionPage, Signature, SignatureCount, SignatureKind
from chorus.campaigns.workflow import ActionState

# A confirmation committed just before a refresh may carry an earlier timestamp than
# the refresh's start; actions changed within this lag are counted again next time.
COUNT_LAG = timedelta(seconds=10)


def _recount(action_id: int, *, now: datetime) -> None:
    figures = (
        Signature.objects.counted()
        .filter(action_id=action_id)
        .aggregate(
            total=Count("pk"),
            individuals=Count("pk", filter=Q(kind=SignatureKind.INDIVIDUAL)),
            organisations=Count("pk", filter=Q(kind=SignatureKind.ORGANISATION)),
        )
    )
    values = {**figures, "refreshed_at": now, "counted_up_to": now - COUNT_LAG}
    updated = SignatureCount.objects.filter(action_id=action_id).update(**values)
    if not updated:
        try:
            with transaction.atomic():
                SignatureCount.objects.create(action_id=action_id, **values)
        except IntegrityError:  # another refresher created it first
            SignatureCount.objects.filter(action_id=action_id).update(**values)


def counts_refresh(*, full: bool = False, batch_size: int = 50) -> int:
    """Recount, from Signature rows, each action with changes since its last count.

    ``full`` recounts every action (the nightly job). Returns how many were recounted.
    """
    now = timezone.now()
    if full:
        ids = list(ActionPage.objects.values_list("pk", flat=True))
    else:
        changed = Signature.objects.filter(action_id=OuterRef("pk"))
        ids = list(
            ActionPage.objects.annotate(
                has_any=Exists(changed),
                has_new=Exists(changed.filter(changed_at__gt=OuterRef("signature_count__counted_up_to"))),
            )
            .filter(
                Q(signature_count__isnull=True, has_any=True)
                | Q(signature_count__counted_up_to__isnull=True, has_any=True)
                | Q(has_new=True)
            )
            .values_list("pk", flat=True)
        )
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            for action_id in ids[start : start + batch_size]:
                _recount(action_id, now=now)
    # Every count of an open action is now known to be current: say so on the page.
    SignatureCount.objects.filter(action__state=ActionState.OPEN).exclude(action_id__in=ids).update(refreshed_at=now)
    return len(ids)
