"""Events one app announces and others may act on, without the announcing app importing them.

Django signals, sent where the event happens (inside its transaction, so a listener that
writes an outbox row commits or rolls back with the event). Each carries ids only. Today
the integration API's webhooks listen (chorus.api.osdi.webhooks).
"""

from __future__ import annotations

from django.dispatch import Signal

# A signature's owner pressed their link. Sent with signature_id (int).
signature_confirmed = Signal()
# A person was erased or anonymised (their tombstone was made). Sent with person_uuid (UUID).
person_erased = Signal()
# A bulletin subscription changed status. Sent with person_id (int).
subscription_changed = Signal()
