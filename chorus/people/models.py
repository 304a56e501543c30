"""People who support or contact the network, and what they agreed to.

Every personal field is encrypted (core.fields.EncryptedTextField); a person is found
by the blind index of their canonical email, never by the plain address.
"""

from __future__ import annotations

import uuid

from django.db import models

from chorus.core.fields import EncryptedTextField


class Person(models.Model):
    """One supporter or member, however many times they have signed or written."""

    # What programs outside Chorus know the person by (the integration API): never the row's id.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = EncryptedTextField(blank=True)
    email_index = models.CharField(
        max_length=64, unique=True, null=True, blank=True, help_text="Keyed hash of the canonical email."
    )
    name = EncryptedTextField(blank=True)
    postcode = EncryptedTextField(blank=True)
    phone = EncryptedTextField(blank=True)
    access_needs = EncryptedTextField(
        blank=True, help_text="How the person asked us to communicate, in their words (e.g. Easy Read, BSL)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What a program syncing from the integration API reads as the record's modified_date:
    # moved on by a save and by the services that change their agreements or bulletin status,
    # so the "changed since" filter reads one indexed column.
    changed_at = models.DateTimeField(auto_now=True, db_index=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"Person #{self.pk}"


class ConsentPurpose(models.TextChoices):
    BULLETIN = "bulletin", "Send me the weekly members' bulletin"
    CAMPAIGN_UPDATES = "campaign_updates", "Send me updates on this campaign"
    PUBLISH_NAME = "publish_name", "Show my name on the public list"
    CONTACT_ABOUT_REQUEST = "contact_about_request", "Contact me about what I sent"


class ConsentRecord(models.Model):
    """One agreement, with the exact words shown. Withdrawal is recorded, never deleted."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=40, choices=ConsentPurpose.choices)
    scope = models.CharField(
        max_length=100, blank=True, help_text="What it applies to, e.g. 'campaigns.petition:12'; blank for all."
    )
    wording = models.TextField(help_text="The exact words the person agreed to.")
    wording_version = models.CharField(max_length=20)
    source = models.CharField(max_length=200, help_text="The form or page where it was given.")
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_via = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-given_at"]
        indexes = [models.Index(fields=["person", "purpose", "scope"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({'withdrawn' if self.withdrawn_at else 'active'})"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class TombstoneReason(models.TextChoices):
    ERASED = "erased", "Erased on request"
    RETENTION = "retention", "Anonymised when no agreement was left"


class PersonTombstone(models.Model):
    """That a person was erased or anonymised, by their outside identifier only, so a CRM
    syncing from the integration API deletes them too."""

    person_uuid = models.UUIDField(unique=True)
    erased_at = models.DateTimeField(db_index=True)
    reason = models.CharField(max_length=20, choices=TombstoneReason.choices)

    def __str__(self) -> str:
        return f"Tombstone {self.person_uuid}"


# The outbox kind of the privacy page's emailed link (composed in chorus.people.emails).
PRIVACY_LINK_EMAIL = "people.privacy_link"


class PrivacyLink(models.Model):
    """A single-use link emailed to someone who asked to see their data.

    Only a hash of the token is stored, so a copy of the database cannot be used to
    open anyone's privacy page.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Privacy link #{self.pk}"


class PrivacyGrant(models.Model):
    """Short access to one person's privacy page after they confirmed a link; no cookie."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Privacy access #{self.pk}"
