"""A new fund is ready for the people who run it the moment it is created.

Roles get their page permissions from ``manage.py sync_roles``, which covers the pages
that exist when it runs. A fund is added by an Editor in the page editor, and the Grants
officers who will run it should not wait for someone with server access: so the roles
that ``ROLE_PAGE_PERMISSIONS`` names for fund pages get the same permissions on the new
fund here, as ``sync_roles`` would give them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import GroupPagePermission

from chorus.accounts.roles import ROLES, page_permissions_for
from chorus.core.audit import log_action
from chorus.grants.models import FundPage

FUND_PAGE_TYPE = "grants.FundPage"


@transaction.atomic
def fund_permissions_grant(*, fund: FundPage, actor: Any = None, screen: str = "") -> int:
    """Give each role its fund-page permissions on ``fund``; returns how many were added (audited)."""
    added = 0
    for role in ROLES:
        codenames = page_permissions_for(role).get(FUND_PAGE_TYPE, [])
        group = Group.objects.filter(name=role.name).first()
        if not codenames or group is None:  # roles not synced yet: sync_roles will cover the fund
            continue
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            _, created = GroupPagePermission.objects.get_or_create(group=group, page=fund, permission=permission)
            added += int(created)
    if added:
        log_action(
            "grants.fund.permissions_granted",
            actor=actor,
            obj=fund,
            data={"count": added},
            screen=screen,
        )
    return added
