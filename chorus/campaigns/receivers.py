"""Forget this process's remembered actions and block lists as soon as one changes here.

Other processes catch up when their copy expires (a few seconds; see selectors).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished

from chorus.campaigns.models import ActionPage, BlockedEmailDomain, BlockedIpHash, OpenLetterPage, PetitionPage
from chorus.campaigns.selectors import BLOCK_LISTS, LIVE_ACTION_URLS, LIVE_ACTIONS


def forget_live_actions(sender: Any, **kwargs: Any) -> None:
    LIVE_ACTIONS.clear()
    LIVE_ACTION_URLS.clear()


for action_model in (ActionPage, OpenLetterPage, PetitionPage):
    for signal in (post_save, post_delete, page_published, page_unpublished):
        signal.connect(forget_live_actions, sender=action_model)


@receiver(post_save, sender=BlockedIpHash)
@receiver(post_delete, sender=BlockedIpHash)
@receiver(post_save, sender=BlockedEmailDomain)
@receiver(post_delete, sender=BlockedEmailDomain)
def forget_block_lists(sender: Any, **kwargs: Any) -> None:
    BLOCK_LISTS.clear()
