"""Administrators' read-only list of outgoing email: what failed, what is waiting, and why.

Rows hold no address in the clear and the error names only the error class and SMTP code
(chorus.core.outbox), so the list shows no one's personal data. Nothing here is edited:
the sender retries by itself, and a failed row is only a record.
"""

from __future__ import annotations

from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet

from chorus.core.models import OutboxMessage


class OutboxMessageViewSet(ModelViewSet):
    model = OutboxMessage
    name = "core_outbox"
    icon = "mail"
    menu_label = "Outgoing email"
    add_to_settings_menu = True
    url_prefix = "outgoing-email"
    form_fields = ["status"]  # Wagtail asks for a form; no role may add or change a row
    list_display = [Column("what", label="Email"), "status", "attempts", "created_at", "settled_at", "error"]
    list_filter = ["status"]
    ordering = ["-created_at", "-pk"]
    inspect_view_enabled = True
    inspect_view_fields = ["what", "status", "attempts", "created_at", "next_attempt_at", "settled_at", "error"]
    copy_view_enabled = False
