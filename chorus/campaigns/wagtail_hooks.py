"""Admin wiring: campaign dashboards, moderation, exports, letters, and the block lists."""

from __future__ import annotations

from typing import Any

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from chorus.accounts.roles import CAMPAIGNER, user_has_role
from chorus.campaigns import admin_views, letter_admin_views
from chorus.campaigns.dashboard import campaigner_panel
from chorus.campaigns.models import BlockedEmailDomain, BlockedIpHash
from chorus.core.staff import GuardedMenuItem


@hooks.register("register_admin_urls")
def register_admin_urls() -> list[Any]:
    return [
        path("campaigns/", admin_views.action_list, name="campaigns_admin_list"),
        path("campaigns/<id:pk>/", admin_views.dashboard, name="campaigns_admin_dashboard"),
        path("campaigns/<id:pk>/transition/", admin_views.transition, name="campaigns_admin_transition"),
        path("campaigns/<id:pk>/moderation/", admin_views.moderation, name="campaigns_admin_moderation"),
        path("campaigns/<id:pk>/signatories.csv", admin_views.export_csv, name="campaigns_admin_export"),
        path("campaigns/<id:pk>/delivery-packs/", admin_views.delivery_packs, name="campaigns_admin_packs"),
        path(
            "campaigns/<id:pk>/delivery-packs/<id:pack_pk>/",
            admin_views.delivery_pack_status,
            name="campaigns_admin_pack",
        ),
        path(
            "campaigns/<id:pk>/delivery-packs/<id:pack_pk>/status.json",
            admin_views.delivery_pack_status_json,
            name="campaigns_admin_pack_status",
        ),
        path(
            "campaigns/<id:pk>/delivery-packs/<id:pack_pk>/delivery-pack.pdf",
            admin_views.delivery_pack_download,
            name="campaigns_admin_pack_download",
        ),
        path("campaigns/<id:pk>/invalidate/", admin_views.invalidate, name="campaigns_admin_invalidate"),
        path("campaigns/<id:pk>/invalidations/", admin_views.invalidations, name="campaigns_admin_invalidations"),
        path("campaigns/<id:pk>/send-update/", admin_views.send_update, name="campaigns_admin_send_update"),
        path("campaigns/<id:pk>/updates/", admin_views.updates, name="campaigns_admin_updates"),
        path(
            "campaigns/<id:pk>/updates/<id:update_pk>/",
            admin_views.update_detail,
            name="campaigns_admin_update",
        ),
        path(
            "campaigns/invalidations/<id:pk>/reverse/",
            admin_views.reverse_invalidation,
            name="campaigns_admin_reverse_invalidation",
        ),
        # Letters to MPs: delivery, counts and replies (letter_admin_views).
        path("campaigns/<id:pk>/letters/", letter_admin_views.letters, name="campaigns_admin_letters"),
        path(
            "campaigns/<id:pk>/letters/by-constituency.csv",
            letter_admin_views.letters_csv,
            name="campaigns_admin_letters_csv",
        ),
        path(
            "campaigns/<id:pk>/letters/send-bundle/",
            letter_admin_views.letters_bundle_send,
            name="campaigns_admin_letters_bundle",
        ),
        path(
            "campaigns/<id:pk>/letters/<id:letter_pk>/",
            letter_admin_views.letter_detail,
            name="campaigns_admin_letter",
        ),
        path(
            "campaigns/<id:pk>/letters/<id:letter_pk>/attach-reply/",
            letter_admin_views.letter_reply_attach,
            name="campaigns_admin_letter_attach",
        ),
    ]


@hooks.register("register_admin_menu_item")
def register_campaigns_menu_item() -> MenuItem:
    return GuardedMenuItem(
        "Campaign actions",
        reverse("campaigns_admin_list"),
        shown_to=admin_views.VIEW_PERMISSION,
        icon_name="pick",
        order=250,
    )


class BlockedEmailDomainViewSet(ModelViewSet):
    add_view_class = admin_views.BlockListAddView
    edit_view_class = admin_views.BlockListEditView
    delete_view_class = admin_views.BlockListDeleteView
    # Wagtail's copy screen would save past the audited add view above.
    copy_view_enabled = False
    model = BlockedEmailDomain
    form_fields = ["domain", "reason"]
    list_display = ["domain", "reason", "created_at"]
    icon = "cross"
    add_to_admin_menu = False
    name = "blocked-domains"
    menu_label = "Email domains"


class BlockedIpHashViewSet(ModelViewSet):
    add_view_class = admin_views.BlockListAddView
    edit_view_class = admin_views.BlockListEditView
    delete_view_class = admin_views.BlockListDeleteView
    copy_view_enabled = False
    model = BlockedIpHash
    form_fields = ["ip_hash", "reason", "expires_at"]
    list_display = ["ip_hash", "reason", "expires_at"]
    icon = "cross"
    add_to_admin_menu = False
    name = "blocked-addresses"
    menu_label = "Address hashes"


class BlockListGroup(ModelViewSetGroup):
    menu_label = "Block lists"
    menu_icon = "cross"
    menu_order = 260
    items = (BlockedEmailDomainViewSet, BlockedIpHashViewSet)


@hooks.register("register_admin_viewset")
def register_block_lists() -> ModelViewSetGroup:
    return BlockListGroup()


@hooks.register("construct_homepage_panels")
def add_campaigns_panel(request: Any, panels: list[Any]) -> None:
    if user_has_role(request.user, CAMPAIGNER) and request.user.has_perm("campaigns.change_signature"):
        panels.append(campaigner_panel())
