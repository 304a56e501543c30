"""Writes for staff accounts and roles."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from chorus.accounts.models import PASSWORD_RESET_EMAIL, User
from chorus.accounts.permissions import two_factor_reset_refusal
from chorus.accounts.roles import EDITOR, ROLES, page_permissions_for, permissions_for
from chorus.core.audit import log_action
from chorus.core.outbox import email_staff, outbox_add

# Editors may do everything to pages; publishing is theirs too (a small team).
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page", "delete_page"]

# Wagtail checks document and image permissions per collection, not on the group alone: a
# role given "add document" still cannot upload one without the same permission on a collection.
COLLECTION_APPS = {"wagtaildocs", "wagtailimages"}


def _permissions_by_name() -> dict[str, Permission]:
    """Every permission under its "app_label.codename", read in one query: the roles name a few
    hundred, and a query each made syncing (and every staff test that syncs) slow."""
    return {
        f"{permission.content_type.app_label}.{permission.codename}": permission
        for permission in Permission.objects.select_related("content_type")
    }


def _permission(by_name: dict[str, Permission], dotted: str) -> Permission:
    try:
        return by_name[dotted]
    except KeyError:
        raise Permission.DoesNotExist(f"No permission {dotted} (is its app installed and migrated?)") from None


@transaction.atomic
def roles_sync() -> dict[str, int]:
    """Make each role's group hold the permissions defined in code.

    Page-type grants (e.g. Campaigners on campaign index pages) apply to the pages that
    exist now: run it again after adding such a page.
    """
    counts = {}
    root = Page.get_first_root_node()
    by_name = _permissions_by_name()
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role.name)
        wanted = [_permission(by_name, dotted) for dotted in sorted(permissions_for(role))]
        group.permissions.set(wanted)
        counts[role.name] = len(wanted)
        root_collection = Collection.get_first_root_node()
        collection_wanted = [p for p in wanted if p.content_type.app_label in COLLECTION_APPS]
        GroupCollectionPermission.objects.filter(group=group).exclude(permission__in=collection_wanted).delete()
        if root_collection is not None:
            for permission in collection_wanted:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=permission
                )
        if root is not None and role == EDITOR:
            for codename in EDITOR_PAGE_PERMISSIONS:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root, permission=_permission(by_name, f"wagtailcore.{codename}")
                )
        for model_label, codenames in page_permissions_for(role).items():
            for page in apps.get_model(model_label).objects.all():
                for codename in codenames:
                    GroupPagePermission.objects.get_or_create(
                        group=group, page=page, permission=_permission(by_name, f"wagtailcore.{codename}")
                    )
    log_action("accounts.roles.synced", data=counts, screen="manage.py sync_roles")
    return counts


def sign_in_records_prune() -> int:
    """Delete django-axes' records of sign-ins older than the retention period.

    Failed attempts hold the username typed, the address and the browser. They only
    matter for the hour-long lock-out, and are kept a little longer to look into an
    attack; successful sign-ins are not logged (AXES_DISABLE_ACCESS_LOG), and any rows
    from before that are removed the same way.
    """
    cutoff = timezone.now() - timedelta(days=settings.CHORUS_RETENTION_SIGN_IN_ATTEMPT_DAYS)
    deleted = 0
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        deleted += model.objects.filter(attempt_time__lt=cutoff).delete()[0]
    return deleted


@transaction.atomic
def two_factor_reset(*, user: User, actor: User | None, screen: str) -> int:
    """Remove a staff user's second-factor devices so they set up a new one; audited, and they are emailed.

    ``actor`` is None only for the server command, which is trusted as whoever runs the
    server. Returns how many devices were removed.
    """
    if actor is not None:
        refusal = two_factor_reset_refusal(actor, user)
        if refusal:
            raise PermissionDenied(refusal)
    # Every kind of device (the authenticator app and any backup codes): a lost phone may
    # have been stolen, and whatever is left would still let someone through.
    devices = list(devices_for_user(user, confirmed=None))
    for device in devices:
        device.delete()
    log_action("accounts.two_factor.reset", actor=actor, obj=user, data={"devices": len(devices)}, screen=screen)
    if devices and user.email:
        # So that a reset they did not ask for stands out: who did it, never a code.
        by = (actor.get_full_name() or actor.get_username()) if actor is not None else "whoever runs the server"
        context = {"name": user.get_full_name() or user.get_username(), "by": by, "sign_in_path": "/admin/"}
        email_staff(user_id=user.pk, template="accounts/email/two_factor_reset", context=context)
    return len(devices)


@transaction.atomic
def password_reset_request(*, email: str) -> None:
    """Queue a password-reset email to the staff accounts with this address, if there are any.

    The request does the same work whoever the address belongs to: one outbox row holding
    the address (encrypted). The outbox's run finds the accounts and makes each a fresh
    link as the email goes (chorus.accounts.emails), so no reset token is ever stored and
    the answer takes as long for an unknown address as for a known one.
    """
    outbox_add(kind=PASSWORD_RESET_EMAIL, address=email)
