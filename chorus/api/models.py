"""Integration API tokens, and the tags a CRM sync reads (and, later, writes) on people.

A token is shown once, as ``chorus_pat_<prefix>_<secret>``; only the public prefix
(to find the row) and the SHA-256 of the 32-byte secret are stored, so a copy of the
database cannot call the API.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from chorus.core.fields import EncryptedTextField


class Scope(models.TextChoices):
    PEOPLE_READ = "people:read", "Read people who agreed to be contacted, their tags, and erasures"
    SIGNATURES_READ = "signatures:read", "Read petitions and the signatures of those people"
    SIGNATURES_WRITE = "signatures:write", "Record signatures (each still confirmed by email)"
    PEOPLE_WRITE = "people:write", "Sign people up (each still confirms by email)"
    TAGS_WRITE = "tags:write", "Create tags and tag people"
    WEBHOOKS = "webhooks", "Receive signed webhooks"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """One program's key to the integration API, with what it may do and until when."""

    name = models.CharField(max_length=100, help_text="Who uses it, e.g. 'CiviCRM sync'.")
    prefix = models.CharField(max_length=16, unique=True, help_text="The public part of the token, to find it by.")
    secret_digest = models.CharField(max_length=64, help_text="SHA-256 of the secret part.")
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def status_label(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        if self.expires_at <= timezone.now():
            return "Expired"
        return "Active"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class Tag(models.Model):
    """A label a CRM puts on people (OSDI tags), e.g. 'volunteer'. Never a health or support label."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tagging(models.Model):
    """One tag on one person. Erased with the person (chorus.api.privacy)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="taggings")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tag", "person"], name="api_one_tagging_per_tag_person")]
        indexes = [models.Index(fields=["updated_at"])]

    def __str__(self) -> str:
        return f"Tagging #{self.pk}"


class WebhookEvent(models.TextChoices):
    SIGNATURE_CONFIRMED = "signature.confirmed", "A signature is confirmed (needs signatures:read)"
    PERSON_ERASED = "person.erased", "A person is erased or anonymised (needs people:read)"
    SUBSCRIPTION_CHANGED = "subscription.changed", "A bulletin subscription changes (needs people:read)"


class WebhookSubscription(models.Model):
    """Where a token's program is told of events: an https address and a signing secret.

    The secret is shown once and kept encrypted (it must be read to sign each delivery).
    Deliveries carry only ``chorus:<uuid>`` identifiers, the event and its time.
    """

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="webhooks")
    url = models.URLField(max_length=500, help_text="The https address the program listens on.")
    secret = EncryptedTextField(help_text="Signs each delivery (HMAC-SHA256); shown once.")
    events = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "webhook"

    def __str__(self) -> str:
        return f"Webhook #{self.pk}"
