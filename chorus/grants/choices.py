"""Choices the application form offers, shared by the form and the pages that show answers."""

from __future__ import annotations

from django.db import models


class AccessNeed(models.TextChoices):
    LARGE_PRINT = "large_print", "Large print"
    BSL = "bsl", "British Sign Language (BSL)"
    EASY_READ = "easy_read", "Easy Read"
    SOMEONE_TO_HELP = "someone_to_help", "Someone to help me fill it in"
    OTHER = "other", "Something else"


class RegisteredWith(models.TextChoices):
    """Where a registered group is registered; each is an org-id.guide list (used for 360Giving ids)."""

    CHARITY_ENGLAND_WALES = "charity_ew", "Charity Commission for England and Wales"
    CHARITY_SCOTLAND = "charity_scotland", "Scottish Charity Regulator (OSCR)"
    CHARITY_NORTHERN_IRELAND = "charity_ni", "Charity Commission for Northern Ireland"
    COMPANY = "company", "Companies House"


# The org-id.guide prefix of each register.
ORG_ID_PREFIXES = {
    RegisteredWith.CHARITY_ENGLAND_WALES: "GB-CHC",
    RegisteredWith.CHARITY_SCOTLAND: "GB-SC",
    RegisteredWith.CHARITY_NORTHERN_IRELAND: "GB-NIC",
    RegisteredWith.COMPANY: "GB-COH",
}


class DeclineReason(models.TextChoices):
    """Why an application was not funded: the list staff choose from, and the transparency page counts."""

    OVERSUBSCRIBED = "oversubscribed", "More good applications than money this round"
    OUTSIDE_CRITERIA = "outside_criteria", "Outside what this fund pays for"
    NOT_ELIGIBLE = "not_eligible", "The group could not apply to this round"
    OTHERS_CLOSER = "others_closer", "Other applications matched the criteria more closely"
    MORE_INFORMATION = "more_information", "We needed to know more than the application told us"
    OTHER = "other", "Another reason, explained in the message"


class Recommendation(models.TextChoices):
    FUND = "fund", "Fund it"
    DO_NOT_FUND = "do_not_fund", "Do not fund it"
    UNSURE = "unsure", "Not sure – talk about it at the panel"


class FileKind(models.TextChoices):
    AUDIO = "audio", "Audio recording"
    VIDEO = "video", "Video recording"
    DOCUMENT = "document", "Document"
