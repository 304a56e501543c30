"""Re-encrypt every encrypted field under the newest key in CHORUS_ENCRYPTION_KEYS.

Safe to stop and run again: values already under the newest key are skipped. Keep an
old key in the ring until this command has finished; then it can be removed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chorus.core import crypto
from chorus.core.audit import log_action
from chorus.core.fields import encrypted_fields, reseal_column


class Command(BaseCommand):
    help = "Re-encrypt every EncryptedTextField value under the newest key, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per committed batch.")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        current = crypto.key_ring().current_id
        counts: dict[str, int] = {}
        for model, field in encrypted_fields():
            label = f"{model._meta.label_lower}.{field.name}"
            done = 0
            try:
                for resealed in reseal_column(model, field, batch_size=batch_size):
                    done += resealed
                    self.stdout.write(f"{label}: {done} resealed so far")
            except crypto.DecryptionError as error:
                # Batches already committed stay done; running again resumes after the fix.
                raise CommandError(
                    f"{error}. Add the key that sealed it to CHORUS_ENCRYPTION_KEYS and run again."
                ) from error
            if done:
                counts[label] = done
        total = sum(counts.values())
        log_action(
            "core.keys.rotated",
            data={"key_id": current, "resealed": total, "fields": counts},
            screen="manage.py rotate_keys",
        )
        self.stdout.write(f"Done: {total} value(s) now sealed with key {current!r}.")
