"""The delivery pack: asked for by staff, built by a task, kept sealed for a while, then deleted."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from chorus.campaigns import delivery_packs, tasks
from chorus.campaigns.delivery_packs import (
    DeliveryPackUnavailable,
    delivery_pack_build,
    delivery_pack_open,
    delivery_pack_request,
    delivery_packs_expire,
)
from chorus.campaigns.models import DeliveryPack, DeliveryPackStatus, DisplayChoice, Signature, SignatureStatus
from chorus.campaigns.selectors import consent_scope
from chorus.campaigns.tests.factories import letter
from chorus.core.models import AuditEvent
from chorus.core.periodic import periodic_jobs
from chorus.people.models import ConsentPurpose
from chorus.people.services import consent_give, person_get_or_create
from conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(index: Any) -> Any:
    return letter(index)


def _listed(action: Any, email: str, name: str) -> Signature:
    person, _ = person_get_or_create(email=email)
    signature: Signature = Signature.objects.create(
        action=action,
        person=person,
        name=name,
        status=SignatureStatus.CONFIRMED,
        display=DisplayChoice.FULL_NAME,
        confirmed_at=timezone.now(),
    )
    consent_give(
        person=person,
        purpose=ConsentPurpose.PUBLISH_NAME,
        wording="Show my name",
        wording_version="t",
        source="test",
        scope=consent_scope(action.pk),
    )
    return signature


def _built(action: Any, actor: Any) -> DeliveryPack:
    pack = delivery_pack_request(action=action, actor=actor)
    assert delivery_pack_build(pack_id=pack.pk) == DeliveryPackStatus.READY
    pack.refresh_from_db()
    return pack


def _base(action: Any) -> str:
    return f"/admin/campaigns/{action.pk}/delivery-packs/"


# --- who may ----------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in_from_every_pack_url(action: Any, campaigner: Any) -> None:
    pack = _built(action, campaigner)
    client = Client()
    for url in (
        _base(action),
        f"{_base(action)}{pack.pk}/",
        f"{_base(action)}{pack.pk}/status.json",
        f"{_base(action)}{pack.pk}/delivery-pack.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    response = client.post(_base(action))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert DeliveryPack.objects.count() == 1
    assert not AuditEvent.objects.filter(action="campaigns.signatories.exported").exists()


@pytest.mark.parametrize("persona", ["editor", "caseworker"])
def test_other_roles_are_refused_every_pack_url(
    action: Any, campaigner: Any, persona: str, request: pytest.FixtureRequest
) -> None:
    pack = _built(action, campaigner)
    client = client_for(request.getfixturevalue(persona))
    for url in (
        _base(action),
        f"{_base(action)}{pack.pk}/",
        f"{_base(action)}{pack.pk}/status.json",
        f"{_base(action)}{pack.pk}/delivery-pack.pdf",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(_base(action)).status_code == 403
    assert DeliveryPack.objects.count() == 1
    assert not AuditEvent.objects.filter(action="campaigns.signatories.exported").exists()


@pytest.mark.parametrize("persona", ["campaigner", "administrator"])
def test_campaign_staff_ask_for_see_and_download_a_pack(
    action: Any, persona: str, request: pytest.FixtureRequest, django_capture_on_commit_callbacks: Any
) -> None:
    _listed(action, "ada@example.org", "Ada Lovelace")
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(_base(action)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(_base(action))
    pack = DeliveryPack.objects.get()
    assert asked.status_code == 302 and asked["Location"] == f"{_base(action)}{pack.pk}/"
    assert pack.status == DeliveryPackStatus.READY and pack.rows == 1
    page = client.get(f"{_base(action)}{pack.pk}/")
    assert page.status_code == 200
    assert f"{pack.pk}/delivery-pack.pdf" in page.content.decode()
    assert client.get(f"{_base(action)}{pack.pk}/status.json").json() == {
        "status": "ready",
        "status_label": "Ready to download",
    }
    response = client.get(f"{_base(action)}{pack.pk}/delivery-pack.pdf")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="delivery-pack-{action.slug}.pdf"'
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="campaigns.signatories.exported")
    assert event.actor_id == user.pk
    assert (event.object_type, event.object_id) == ("campaigns.actionpage", str(action.pk))
    assert event.data == {"format": "pdf", "rows": 1, "pack": pack.pk}
    requested = AuditEvent.objects.get(action="campaigns.delivery_pack.requested")
    assert requested.actor_id == user.pk and requested.data == {"pack": pack.pk}


def test_a_pack_of_another_action_is_not_found(action: Any, index: Any, campaigner: Any) -> None:
    pack = _built(action, campaigner)
    other = letter(index)
    client = client_for(campaigner)
    for url in (f"{_base(other)}{pack.pk}/", f"{_base(other)}{pack.pk}/delivery-pack.pdf"):
        assert client.get(url).status_code == 404, url
    assert not AuditEvent.objects.filter(action="campaigns.signatories.exported").exists()


# --- asking, building -------------------------------------------------------------------


def test_asking_twice_while_one_is_on_its_way_gives_the_same_pack(action: Any, campaigner: Any) -> None:
    first = delivery_pack_request(action=action, actor=campaigner)
    second = delivery_pack_request(action=action, actor=campaigner)
    assert first.pk == second.pk and first.status == DeliveryPackStatus.QUEUED
    DeliveryPack.objects.filter(pk=first.pk).update(status=DeliveryPackStatus.BUILDING)
    client = client_for(campaigner)
    assert client.post(_base(action))["Location"] == f"{_base(action)}{first.pk}/"
    assert DeliveryPack.objects.count() == 1
    assert AuditEvent.objects.filter(action="campaigns.delivery_pack.requested").count() == 1


def test_the_database_allows_one_pack_on_its_way_per_action(action: Any) -> None:
    from django.db import IntegrityError, transaction

    DeliveryPack.objects.create(action=action)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryPack.objects.create(action=action, status=DeliveryPackStatus.BUILDING)


def test_asking_queues_the_task_with_the_pack_id_only(
    action: Any, campaigner: Any, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    queued: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks, "build_delivery_pack", SimpleNamespace(enqueue=lambda **kwargs: queued.append(kwargs)))
    with django_capture_on_commit_callbacks(execute=True):
        pack = delivery_pack_request(action=action, actor=campaigner)
    assert queued == [{"pack_id": pack.pk}]
    assert DeliveryPack.objects.get().status == DeliveryPackStatus.QUEUED


def test_the_task_builds_the_pack_and_stores_it_sealed(action: Any, campaigner: Any) -> None:
    _listed(action, "ada@example.org", "Ada Lovelace")
    _listed(action, "grace@example.org", "Grace Hopper")
    pack = delivery_pack_request(action=action, actor=campaigner)
    result = tasks.build_delivery_pack.enqueue(pack_id=pack.pk)  # the immediate backend runs it now
    assert result.return_value == "ready"
    pack.refresh_from_db()
    assert pack.status == DeliveryPackStatus.READY and pack.rows == 2
    assert pack.expires_at == pack.finished_at + timedelta(hours=settings.CHORUS_CAMPAIGNS_PACK_KEEP_HOURS)
    stored = bytes(pack.content)
    # What the database holds is ciphertext, under the named personal-data key.
    assert not stored.startswith(b"%PDF") and b"PDF" not in stored
    assert pack.key_id == "test1"
    pdf = delivery_pack_open(pack=pack, actor=campaigner)
    assert pdf.startswith(b"%PDF") and len(pdf) == pack.size
    built = AuditEvent.objects.get(action="campaigns.delivery_pack.built")
    assert built.object_id == str(pack.pk) and built.actor_id is None
    assert built.data == {"action": action.pk, "rows": 2, "bytes": pack.size}


def test_a_build_run_twice_builds_once(action: Any, campaigner: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    renders: list[int] = []
    real_render = delivery_packs.delivery_pack_render

    def counting_render(*, action: Any) -> tuple[bytes, int]:
        renders.append(action.pk)
        return real_render(action=action)

    monkeypatch.setattr(delivery_packs, "delivery_pack_render", counting_render)
    pack = delivery_pack_request(action=action, actor=campaigner)
    assert delivery_pack_build(pack_id=pack.pk) == "ready"
    assert delivery_pack_build(pack_id=pack.pk) == "ready"
    assert renders == [action.pk]
    assert AuditEvent.objects.filter(action="campaigns.delivery_pack.built").count() == 1


def test_a_failed_build_keeps_nothing_and_logs_no_text_from_the_pack(
    action: Any, campaigner: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken_render(*, action: Any) -> tuple[bytes, int]:
        raise ValueError("Could not lay out 'Ada Lovelace'")

    monkeypatch.setattr(delivery_packs, "delivery_pack_render", broken_render)
    pack = delivery_pack_request(action=action, actor=campaigner)
    with caplog.at_level(logging.ERROR, logger="chorus.campaigns.delivery_packs"):
        assert delivery_pack_build(pack_id=pack.pk) == "failed"
    pack.refresh_from_db()
    assert pack.status == DeliveryPackStatus.FAILED and pack.content is None
    assert pack.failure == delivery_packs.FAILED_TO_BUILD
    assert "ValueError" in caplog.text and "Ada" not in caplog.text
    assert AuditEvent.objects.get(action="campaigns.delivery_pack.failed").data == {"reason": "error"}
    page = client_for(campaigner).get(f"{_base(action)}{pack.pk}/").content.decode()
    assert "could not be built" in page and "Try again" in page
    # A failed pack blocks nothing: asking again makes a new one.
    assert delivery_pack_request(action=action, actor=campaigner).pk != pack.pk


def test_a_pack_not_built_in_time_is_given_up_so_staff_can_ask_again(action: Any, campaigner: Any) -> None:
    stuck = delivery_pack_request(action=action, actor=campaigner)
    late = timezone.now() + timedelta(minutes=settings.CHORUS_CAMPAIGNS_PACK_BUILD_MINUTES + 1)
    assert delivery_packs_expire(now=late) == {"deleted": 0, "given_up": 1}
    stuck.refresh_from_db()
    assert stuck.status == DeliveryPackStatus.FAILED and stuck.failure == delivery_packs.FAILED_IN_TIME
    # A task that turns up after all builds nothing.
    assert delivery_pack_build(pack_id=stuck.pk) == "failed"
    assert delivery_pack_request(action=action, actor=campaigner).pk != stuck.pk


def test_asking_again_past_the_deadline_does_not_wait_for_the_job(action: Any, campaigner: Any) -> None:
    stuck = delivery_pack_request(action=action, actor=campaigner)
    DeliveryPack.objects.filter(pk=stuck.pk).update(
        requested_at=timezone.now() - timedelta(minutes=settings.CHORUS_CAMPAIGNS_PACK_BUILD_MINUTES + 1)
    )
    fresh = delivery_pack_request(action=action, actor=campaigner)
    assert fresh.pk != stuck.pk and fresh.status == DeliveryPackStatus.QUEUED
    assert DeliveryPack.objects.get(pk=stuck.pk).status == DeliveryPackStatus.FAILED


# --- the status page --------------------------------------------------------------------


def test_the_status_page_says_where_the_pack_is_and_works_without_javascript(action: Any, campaigner: Any) -> None:
    pack = delivery_pack_request(action=action, actor=campaigner)
    client = client_for(campaigner)
    url = f"{_base(action)}{pack.pk}/"
    body = client.get(url).content.decode()
    assert "Status: Waiting to be built" in body
    assert f'href="/admin/campaigns/{action.pk}/delivery-packs/{pack.pk}/">Check again</a>' in body
    assert "campaigns/delivery-pack" in body and "<script>" not in body  # our own file, nothing inline
    DeliveryPack.objects.filter(pk=pack.pk).update(status=DeliveryPackStatus.BUILDING, started_at=timezone.now())
    assert "Status: Being built" in client.get(url).content.decode()
    assert client.get(f"{url}status.json").json()["status"] == "building"
    DeliveryPack.objects.filter(pk=pack.pk).update(status=DeliveryPackStatus.QUEUED)
    delivery_pack_build(pack_id=pack.pk)
    body = client.get(url).content.decode()
    assert "Status: Ready to download" in body and "Check again" not in body
    assert "campaigns/delivery-pack" not in body  # nothing left to wait for


# --- keeping and deleting ---------------------------------------------------------------


def test_the_expiry_job_deletes_the_pack_when_its_time_is_up(action: Any, campaigner: Any) -> None:
    _listed(action, "ada@example.org", "Ada Lovelace")
    pack = _built(action, campaigner)
    assert pack.expires_at is not None
    assert delivery_packs_expire(now=pack.expires_at - timedelta(minutes=1)) == {"deleted": 0, "given_up": 0}
    assert DeliveryPack.objects.get(pk=pack.pk).content is not None
    result = tasks.expire_delivery_packs.enqueue()  # as the scheduler runs it
    assert result.return_value == {"deleted": 0, "given_up": 0}
    assert delivery_packs_expire(now=pack.expires_at) == {"deleted": 1, "given_up": 0}
    pack.refresh_from_db()
    assert pack.status == DeliveryPackStatus.DELETED and pack.content is None and pack.key_id == ""
    assert pack.deleted_at == pack.expires_at
    event = AuditEvent.objects.get(action="campaigns.delivery_pack.expired")
    assert (event.object_type, event.object_id) == ("campaigns.deliverypack", str(pack.pk))
    with pytest.raises(DeliveryPackUnavailable):
        delivery_pack_open(pack=pack, actor=campaigner)
    client = client_for(campaigner)
    response = client.get(f"{_base(action)}{pack.pk}/delivery-pack.pdf", follow=True)
    assert response.redirect_chain == [(f"{_base(action)}{pack.pk}/", 302)]
    assert "cannot be downloaded any more" in response.content.decode()
    assert "This pack was deleted" in response.content.decode()
    assert not AuditEvent.objects.filter(action="campaigns.signatories.exported").exists()


def test_a_pack_past_its_time_cannot_be_downloaded_before_the_job_runs(action: Any, campaigner: Any) -> None:
    pack = _built(action, campaigner)
    DeliveryPack.objects.filter(pk=pack.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(DeliveryPackUnavailable):
        delivery_pack_open(pack=pack, actor=campaigner)


def test_the_expiry_job_is_scheduled() -> None:
    jobs = {job.task_path: job for job in periodic_jobs()}
    job = jobs["chorus.campaigns.tasks.expire_delivery_packs"]
    assert timedelta(0) < job.every <= timedelta(hours=1)


def test_a_newer_pack_replaces_the_older_one(action: Any, campaigner: Any, administrator: Any) -> None:
    older = _built(action, campaigner)
    newer = _built(action, administrator)
    older.refresh_from_db()
    assert older.status == DeliveryPackStatus.DELETED and older.content is None
    assert DeliveryPack.objects.get(pk=newer.pk).status == DeliveryPackStatus.READY
    assert AuditEvent.objects.get(action="campaigns.delivery_pack.replaced").object_id == str(older.pk)


# --- sealing ----------------------------------------------------------------------------


def test_a_sealed_pack_opens_only_on_its_own_row(action: Any, index: Any, campaigner: Any) -> None:
    pack = _built(action, campaigner)
    other = _built(letter(index), campaigner)
    # Someone with database access copies one pack's ciphertext onto another row.
    DeliveryPack.objects.filter(pk=other.pk).update(content=bytes(pack.content), size=pack.size)
    other.refresh_from_db()
    with pytest.raises(DeliveryPackUnavailable):
        delivery_pack_open(pack=other, actor=campaigner)


def test_a_pack_sealed_with_a_retired_key_is_unavailable(action: Any, campaigner: Any, settings: Any) -> None:
    pack = _built(action, campaigner)
    settings.CHORUS_ENCRYPTION_KEYS = "k2:" + "a" * 43
    with pytest.raises(DeliveryPackUnavailable):
        delivery_pack_open(pack=pack, actor=campaigner)


def test_only_campaign_staff_may_open_a_pack_whatever_calls_the_service(
    action: Any, campaigner: Any, editor: Any
) -> None:
    from django.core.exceptions import PermissionDenied

    pack = _built(action, campaigner)
    with pytest.raises(PermissionDenied):
        delivery_pack_open(pack=pack, actor=editor)
    with pytest.raises(PermissionDenied):
        delivery_pack_request(action=action, actor=editor)


def test_erasing_a_signer_deletes_the_packs_that_could_name_them(
    action: Any, index: Any, campaigner: Any, administrator: Any
) -> None:
    from chorus.campaigns import privacy

    signature = _listed(action, "ada@example.org", "Ada Lovelace")
    built = _built(action, campaigner)
    other_action = letter(index)
    untouched = _built(other_action, campaigner)
    DeliveryPack.objects.create(action=action, status=DeliveryPackStatus.BUILDING, started_at=timezone.now())
    on_the_way = DeliveryPack.objects.get(action=action, status=DeliveryPackStatus.BUILDING)
    privacy.erase(signature.person)
    built.refresh_from_db()
    on_the_way.refresh_from_db()
    assert built.status == DeliveryPackStatus.DELETED and built.content is None
    assert on_the_way.status == DeliveryPackStatus.FAILED
    assert on_the_way.failure == delivery_packs.FAILED_ERASED
    assert DeliveryPack.objects.get(pk=untouched.pk).status == DeliveryPackStatus.READY
    assert AuditEvent.objects.get(action="campaigns.delivery_pack.discarded").object_id == str(built.pk)
