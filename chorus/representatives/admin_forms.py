"""The staff form that uploads a data file to import."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import PurePath

from django import forms
from django.core.files.uploadedfile import UploadedFile

from chorus.core.idempotency import SubmissionKeyFormMixin
from chorus.representatives.models import DataKind

# The full ONSPD ZIP is about 250 MB; far bigger is not a file we import.
LARGEST_UPLOAD = 1024 * 1024 * 1024
SUFFIXES = {
    DataKind.POSTCODES: {".csv", ".zip"},
    DataKind.CONSTITUENCIES: {".csv"},
    DataKind.REPRESENTATIVES: {".json"},
}
KIND_HINTS = {
    DataKind.POSTCODES: "the ONS Postcode Directory, as its CSV or the ZIP file it comes in",
    DataKind.CONSTITUENCIES: "a CSV of constituencies' ONS codes and names",
    DataKind.REPRESENTATIVES: "a saved export of the UK Parliament Members API (a .json file)",
}


class DataUploadForm(SubmissionKeyFormMixin):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=[(kind.value, f"{kind.label}: {KIND_HINTS[kind]}") for kind in DataKind],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the file holds"},
    )
    file = forms.FileField(
        label="File",
        help_text="A .csv, .zip or .json file, up to 1 GB.",
        error_messages={"required": "Choose a file to upload", "empty": "The file is empty"},
    )
    version = forms.CharField(
        label="Version (optional)",
        max_length=100,
        required=False,
        help_text="The publisher's name for this edition, for example “ONSPD May 2025”.",
    )
    dated = forms.DateField(
        label="Date of the data (optional)",
        required=False,
        help_text="The date the publisher gives it, for example 2025-05-01.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the date as year-month-day, for example 2025-05-01"},
    )

    def clean_version(self) -> str:
        version = " ".join(self.cleaned_data["version"].split())
        if any(ord(char) < 32 or 127 <= ord(char) < 160 for char in version):
            raise forms.ValidationError("Enter the version in plain words")
        return version

    def clean_dated(self) -> date | None:
        dated: date | None = self.cleaned_data["dated"]
        if dated is not None and not date(1980, 1, 1) <= dated <= date.today():
            raise forms.ValidationError("Enter a date between 1980 and today")
        return dated

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        upload: UploadedFile | None = cleaned.get("file")  # type: ignore[assignment]
        kind = cleaned.get("kind")
        if upload is None or kind is None:
            return cleaned
        suffix = PurePath(upload.name or "").suffix.lower()
        if suffix not in SUFFIXES[DataKind(kind)]:
            allowed = " or ".join(sorted(SUFFIXES[DataKind(kind)]))
            self.add_error("file", f"Choose a {allowed} file for {DataKind(kind).label.lower()}")
        elif (upload.size or 0) > LARGEST_UPLOAD:
            self.add_error("file", "The file is bigger than 1 GB. Import it with the command instead (see the guide)")
        elif suffix == ".zip" and not zipfile.is_zipfile(upload):
            self.add_error("file", "The file is not a ZIP file that can be opened")
        return cleaned
