"""The printable delivery pack: an action's text and its listed signatories, as a PDF.

Staff ask for a pack (``delivery_pack_request``); a task builds it (``delivery_pack_build``)
so a large action never holds a web process for minutes; staff download it while it is
kept (``delivery_pack_open``); a periodic job deletes it when its time is up
(``delivery_packs_expire``). The PDF names signers, so it is stored sealed with the
personal-data key (AES-256-GCM, like ``core.crypto``) in the database, never as a file
that a web server or proxy could hand out. See docs/decisions/0016.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from chorus.campaigns.models import PACK_IN_PROGRESS, ActionPage, DeliveryPack, DeliveryPackStatus
from chorus.campaigns.selectors import action_count, listed_signatures
from chorus.core import crypto
from chorus.core.audit import log_action, log_actions
from chorus.core.branding import organisation_sender

logger = logging.getLogger(__name__)

# Asking for, seeing and downloading a pack: the permission the dashboards need.
PACK_PERMISSION = "campaigns.view_signature"
# One typeface for the whole pack, page numbers included (they sit in the page margin, which
# takes no font from the body). DejaVu Sans is the font docs/deployment.md asks workers to have.
PACK_TYPEFACE = "DejaVu Sans"
NONCE_BYTES = 12
# What staff are told when a build fails. The error itself is not kept: it could quote the pack.
FAILED_TO_BUILD = "The PDF could not be built."
FAILED_IN_TIME = "It was not built in time: the task worker may be stopped or busy."
FAILED_ERASED = "Someone asked for their details to be erased while it was being built."


class DeliveryPackUnavailable(Exception):
    """The pack is not ready, already deleted, or sealed with a key no longer configured."""


def _require(actor: Any) -> None:
    if not getattr(actor, "has_perm", None) or not actor.has_perm(PACK_PERMISSION):
        raise PermissionDenied("You do not have permission to do that.")


def _build_deadline(now: datetime) -> datetime:
    """Packs asked for before this and still not built are given up."""
    return now - timedelta(minutes=settings.CHORUS_CAMPAIGNS_PACK_BUILD_MINUTES)


# --- reads ------------------------------------------------------------------------------


def delivery_packs_of(*, action_id: int, limit: int = 10) -> QuerySet[DeliveryPack]:
    """The action's latest packs, newest first, without their (large, sealed) content."""
    packs = DeliveryPack.objects.filter(action_id=action_id).defer("content").select_related("requested_by")
    return packs[:limit]


def delivery_pack_of(*, action_id: int, pack_id: int) -> DeliveryPack | None:
    """One pack of the action, without its content; None if there is no such pack."""
    packs = DeliveryPack.objects.filter(action_id=action_id, pk=pack_id).defer("content")
    pack: DeliveryPack | None = packs.select_related("requested_by").first()
    return pack


# --- writes -----------------------------------------------------------------------------


@transaction.atomic
def delivery_pack_request(*, action: ActionPage, actor: Any, request: HttpRequest | None = None) -> DeliveryPack:
    """Queue a new pack for the action, or return the one already on its way (asking twice builds once)."""
    _require(actor)
    now = timezone.now()
    _give_up_late(now=now, action_id=action.pk)
    pending = DeliveryPack.objects.filter(action=action, status__in=PACK_IN_PROGRESS).defer("content").first()
    if pending is not None:
        return pending
    try:
        # A savepoint: a second request racing this one hits the constraint, not a broken transaction.
        with transaction.atomic():
            pack = DeliveryPack.objects.create(action=action, requested_by=actor, requested_at=now)
    except IntegrityError:
        return DeliveryPack.objects.defer("content").get(action=action, status__in=PACK_IN_PROGRESS)
    log_action(
        "campaigns.delivery_pack.requested",
        actor=actor,
        obj=action,
        object_type="campaigns.actionpage",
        data={"pack": pack.pk},
        request=request,
    )
    # Robust: if the queue cannot take it, the pack is given up in time and staff can ask again.
    transaction.on_commit(lambda: _enqueue(pack.pk), robust=True)
    return pack


def _enqueue(pack_id: int) -> None:
    from chorus.campaigns import tasks

    tasks.build_delivery_pack.enqueue(pack_id=pack_id)


def delivery_pack_build(*, pack_id: int) -> str:
    """Build a queued pack and store it sealed; returns the pack's status afterwards.

    The pack is claimed with a conditional UPDATE, so a task run twice (a retry, or a
    worker re-queued after a crash) builds it once; a pack already built, failed or
    given up is left alone.
    """
    started = timezone.now()
    claimed = DeliveryPack.objects.filter(pk=pack_id, status=DeliveryPackStatus.QUEUED).update(
        status=DeliveryPackStatus.BUILDING, started_at=started
    )
    if not claimed:
        return str(DeliveryPack.objects.filter(pk=pack_id).values_list("status", flat=True).first() or "")
    pack = DeliveryPack.objects.defer("content").select_related("action").get(pk=pack_id)
    try:
        pdf, rows = delivery_pack_render(action=pack.action.specific)
    except Exception as error:
        # Only the error's type is logged: its text (a template or PDF error) could quote a name.
        logger.error("Delivery pack %s could not be built (%s).", pack_id, type(error).__name__)
        _fail(pack_id=pack_id, started=started, failure=FAILED_TO_BUILD, reason="error")
        return str(DeliveryPackStatus.FAILED)
    key_id, sealed = _seal(pdf, pack_id=pack_id)
    now = timezone.now()
    with transaction.atomic():
        # Still ours: the expiry job may have given up on a build that took too long.
        finished = DeliveryPack.objects.filter(
            pk=pack_id, status=DeliveryPackStatus.BUILDING, started_at=started
        ).update(
            status=DeliveryPackStatus.READY,
            content=sealed,
            key_id=key_id,
            rows=rows,
            size=len(pdf),
            finished_at=now,
            expires_at=now + timedelta(hours=settings.CHORUS_CAMPAIGNS_PACK_KEEP_HOURS),
        )
        if not finished:
            return str(DeliveryPack.objects.filter(pk=pack_id).values_list("status", flat=True).first() or "")
        log_action(
            "campaigns.delivery_pack.built",
            obj=pack,
            data={"action": pack.action_id, "rows": rows, "bytes": len(pdf)},
        )
        # One copy of the names at a time: the packs this one replaces go now.
        older = DeliveryPack.objects.filter(
            action_id=pack.action_id,
            status=DeliveryPackStatus.READY,
        ).exclude(pk=pack_id)
        _delete(list(older.defer("content")), now=now, reason="replaced")
    return str(DeliveryPackStatus.READY)


def delivery_pack_context(*, action: ActionPage) -> dict[str, Any]:
    """What the pack's template shows: the action, its listed signatories, the count, and who sends it."""
    return {
        "action": action,
        "signatories": list(listed_signatures(action_id=action.pk).iterator(chunk_size=2000)),
        "count": action_count(action_id=action.pk),
        "today": timezone.localdate(),
        # The organisation sends the pack; its contact address, or failing that its website.
        "sender": organisation_sender(),
        "site_url": settings.SITE_URL,
        "typeface": PACK_TYPEFACE,
    }


def delivery_pack_render(*, action: ActionPage) -> tuple[bytes, int]:
    """The PDF of the action and its listed signatories, and how many it lists."""
    from weasyprint import HTML

    context = delivery_pack_context(action=action)
    html = render_to_string("campaigns/admin/delivery_pack.html", context)
    # PDF/UA: tagged, with a title and language, so a screen reader can read the pack.
    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(pdf_variant="pdf/ua-1")
    return pdf, len(context["signatories"])


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # The pack is built from our own HTML only; WeasyPrint must fetch nothing.
    raise ValueError("The delivery pack refuses to fetch anything.")


def delivery_pack_open(*, pack: DeliveryPack, actor: Any, request: HttpRequest | None = None) -> bytes:
    """The PDF of a ready pack, for download; the download is written to the audit log."""
    _require(actor)
    row = DeliveryPack.objects.filter(pk=pack.pk, status=DeliveryPackStatus.READY).first()
    if row is None or row.content is None or (row.expires_at is not None and row.expires_at <= timezone.now()):
        raise DeliveryPackUnavailable("This delivery pack is not ready or has been deleted.")
    pdf = _open(bytes(row.content), pack_id=row.pk, key_id=row.key_id)
    log_action(
        "campaigns.signatories.exported",
        actor=actor,
        object_type="campaigns.actionpage",
        object_id=row.action_id,
        data={"format": "pdf", "rows": row.rows, "pack": row.pk},
        request=request,
    )
    return pdf


def delivery_packs_expire(*, now: datetime | None = None) -> dict[str, int]:
    """Delete built packs whose time is up, and give up on packs not built in time."""
    now = now or timezone.now()
    with transaction.atomic():
        due = DeliveryPack.objects.filter(status=DeliveryPackStatus.READY, expires_at__lte=now).defer("content")
        deleted = _delete(list(due.select_for_update()), now=now, reason="expired")
    given_up = _give_up_late(now=now)
    return {"deleted": deleted, "given_up": given_up}


def delivery_packs_discard(*, action_ids: Iterable[int]) -> int:
    """Delete the actions' built packs now, and give up on those being built: someone who may
    be listed in them has had their details erased, and no copy of their name should stay."""
    now = timezone.now()
    ids = list(action_ids)
    with transaction.atomic():
        built = DeliveryPack.objects.filter(action_id__in=ids, status=DeliveryPackStatus.READY).defer("content")
        discarded = _delete(list(built.select_for_update()), now=now, reason="discarded")
    on_the_way = DeliveryPack.objects.filter(action_id__in=ids, status__in=PACK_IN_PROGRESS)
    for pack_id in list(on_the_way.values_list("pk", flat=True)):
        discarded += _fail(pack_id=pack_id, started=None, failure=FAILED_ERASED, reason="erasure")
    return discarded


def _give_up_late(*, now: datetime, action_id: int | None = None) -> int:
    late = DeliveryPack.objects.filter(status__in=PACK_IN_PROGRESS, requested_at__lt=_build_deadline(now))
    if action_id is not None:
        late = late.filter(action_id=action_id)
    given_up = 0
    for pack_id in list(late.values_list("pk", flat=True)):
        given_up += _fail(pack_id=pack_id, started=None, failure=FAILED_IN_TIME, reason="timeout")
    return given_up


def _fail(*, pack_id: int, started: datetime | None, failure: str, reason: str) -> int:
    """Mark a pack failed if it is still on its way (and, for a build, still this build's)."""
    with transaction.atomic():
        still = DeliveryPack.objects.filter(pk=pack_id, status__in=PACK_IN_PROGRESS)
        if started is not None:
            still = still.filter(started_at=started)
        failed = still.update(status=DeliveryPackStatus.FAILED, failure=failure, finished_at=timezone.now())
        if failed:
            log_action(
                "campaigns.delivery_pack.failed",
                object_type="campaigns.deliverypack",
                object_id=pack_id,
                data={"reason": reason},
            )
    return failed


def _delete(packs: list[DeliveryPack], *, now: datetime, reason: str) -> int:
    """Empty built packs (call inside a transaction); the rows stay as a record without the file."""
    if not packs:
        return 0
    DeliveryPack.objects.filter(pk__in=[pack.pk for pack in packs]).update(
        status=DeliveryPackStatus.DELETED, content=None, key_id="", deleted_at=now, failure=""
    )
    log_actions(f"campaigns.delivery_pack.{reason}", objs=packs)
    return len(packs)


# --- sealing ----------------------------------------------------------------------------


def _associated_data(*, pack_id: int, key_id: str) -> bytes:
    # Binds the ciphertext to its row: a sealed pack copied onto another row will not open.
    return f"campaigns.deliverypack:{pack_id}:{key_id}".encode()


def _seal(pdf: bytes, *, pack_id: int) -> tuple[str, bytes]:
    """AES-256-GCM under the newest personal-data key; returns its id and nonce + ciphertext."""
    ring = crypto.key_ring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(ring.keys[ring.current_id]).encrypt(
        nonce, pdf, _associated_data(pack_id=pack_id, key_id=ring.current_id)
    )
    return ring.current_id, nonce + sealed


def _open(sealed: bytes, *, pack_id: int, key_id: str) -> bytes:
    key = crypto.key_ring().keys.get(key_id)
    if key is None:
        # The key was retired since the pack was built (docs/deployment.md, key rotation).
        raise DeliveryPackUnavailable("This delivery pack was sealed with a key that is no longer configured.")
    try:
        return AESGCM(key).decrypt(
            sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _associated_data(pack_id=pack_id, key_id=key_id)
        )
    except InvalidTag as error:
        raise DeliveryPackUnavailable("This delivery pack could not be opened.") from error
