"""Test helpers: seal the audit log as the periodic job would, and check it."""

from __future__ import annotations

from django.test import TestCase

from chorus.core.audit_seals import VerificationReport, audit_log_seal, audit_log_verify


def seal_now() -> int:
    """Seal, and publish the head as the job does once its transaction commits (a test
    runs inside one, so the publishing callback is run here)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return audit_log_seal()


def sealed_and_verified() -> VerificationReport:
    """Seal what is new, then check the whole log against its seals."""
    seal_now()
    return audit_log_verify()
