"""Choices the application form offers, shared by the form and the pages that show answers."""

from __future__ import annotations

from django.db import models


class AccessNeed(models.TextChoices):
    LARGE_PRINT = "large_print", "Large print"
    BSL = "bsl", "British Sign Language (BSL)"
    EASY_READ = "easy_read", "Easy Read"
    SOMEONE_TO_HELP = "someone_to_help", "Someone to help me fill it in"
    OTHER = "other", "Something else"
