"""Imported public data: postcodes, the 2024 Westminster constituencies and their MPs.

Nothing here is about members: every row comes from a published data set (the ONS
Postcode Directory, the ONS list of constituencies, the UK Parliament Members API).
Each import is a ``DataSet``; lookups read only the live one of each kind, so a new
postcode file is written alongside the old one and swapped in within one transaction
(``chorus.representatives.importing``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class DataKind(models.TextChoices):
    POSTCODES = "postcodes", "Postcodes (ONS Postcode Directory)"
    CONSTITUENCIES = "constituencies", "Constituencies"
    REPRESENTATIVES = "representatives", "Members of Parliament"


class DataSetStatus(models.TextChoices):
    WAITING = "waiting", "Waiting to be imported"
    IMPORTING = "importing", "Importing"
    LIVE = "live", "In use"
    REPLACED = "replaced", "Replaced by a newer import"
    FAILED = "failed", "Import failed"


class Country(models.TextChoices):
    ENGLAND = "england", "England"
    WALES = "wales", "Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class DataSet(models.Model):
    """One import of one file: what it was, how it went, and whether lookups use it."""

    kind = models.CharField(max_length=20, choices=DataKind.choices)
    status = models.CharField(max_length=20, choices=DataSetStatus.choices, default=DataSetStatus.IMPORTING)
    version = models.CharField(max_length=100, blank=True, help_text="The publisher's label, e.g. “ONSPD May 2025”.")
    dated = models.DateField(null=True, blank=True, help_text="The date the publisher gives the data.")
    file_name = models.CharField(max_length=255, blank=True)
    # An upload waiting for the worker: its name in the private uploads folder, cleared once read.
    stored_file = models.CharField(max_length=255, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    rows_kept = models.PositiveIntegerField(default=0)
    rows_skipped = models.PositiveIntegerField(default=0)
    # Representatives only: constituency names in the file that match no seat, one per line.
    unmatched = models.TextField(blank=True)
    # Why a failed import failed, in plain words (never a traceback).
    problem = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Touched by each batch of a running import, so the clean-up can tell a crashed one.
    progress_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("manage_representatives_data", "Can manage representatives data")]
        constraints = [
            # Lookups read the live data set of each kind; there is never more than one.
            models.UniqueConstraint(
                fields=["kind"], condition=Q(status="live"), name="representatives_one_live_dataset_per_kind"
            )
        ]

    def __str__(self) -> str:
        label = self.version or self.file_name or f"import {self.pk}"
        return f"{self.get_kind_display()}: {label}"

    @property
    def is_live(self) -> bool:
        return self.status == DataSetStatus.LIVE


class Constituency(models.Model):
    """A 2024 Westminster constituency (a seat in the House of Commons)."""

    code = models.CharField(max_length=9, unique=True, help_text="The ONS code, e.g. E14001063.")
    name = models.CharField(max_length=200)
    # The name folded for matching other lists' spellings (chorus.representatives.names).
    name_key = models.CharField(max_length=200, db_index=True)
    country = models.CharField(max_length=20, choices=Country.choices)
    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "constituencies"

    def __str__(self) -> str:
        return self.name


class Representative(models.Model):
    """The current Member of Parliament for a seat. A seat without one is vacant.

    Public data about a public office-holder, as Parliament publishes it: not personal data
    Chorus collects, so it is stored in plain text.
    """

    constituency = models.OneToOneField(Constituency, on_delete=models.CASCADE, related_name="representative")
    name = models.CharField(max_length=200)
    party = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    postal_address = models.TextField(blank=True)
    parliament_id = models.PositiveIntegerField(null=True, blank=True, help_text="The member's id at Parliament.")
    # The Speaker takes no party side: letters still go, but no party is shown.
    is_speaker = models.BooleanField(default=False)
    data_set = models.ForeignKey(DataSet, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["constituency__name"]

    def __str__(self) -> str:
        return self.name


class PostcodeRecord(models.Model):
    """One postcode's place in one constituency, from one postcode data set.

    A postcode usually has one row; one split between seats has one row per seat.
    """

    data_set = models.ForeignKey(DataSet, on_delete=models.CASCADE, related_name="+", db_index=False)
    postcode = models.CharField(max_length=8, help_text="Canonical form: upper case, one space, e.g. SW1A 1AA.")
    constituency_code = models.CharField(max_length=9, blank=True)
    local_authority_code = models.CharField(max_length=9, blank=True)
    country_code = models.CharField(max_length=9, blank=True)
    terminated_on = models.DateField(null=True, blank=True)

    class Meta:
        # One index serves both the lookup (data set, postcode) and deleting a replaced data
        # set's rows; a second would slow the 2.7 million inserts of each import.
        indexes = [models.Index(fields=["data_set", "postcode"], name="representatives_postcode_idx")]

    def __str__(self) -> str:
        return self.postcode
