"""Forget the cached live actions and block lists, in every process, when they change.

Each is forgotten at once, so the rest of the changing transaction reads the change,
and again once it has committed: in between, another process could have read the old
rows and cached them again (chorus.core.cached_reads).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from chorus.campaigns.models import ActionPage, BlockedEmailDomain, BlockedIpHash, OpenLetterPage, PetitionPage
from chorus.campaigns.selectors import BLOCK_LISTS, LIVE_ACTIONS


def forget_live_actions(sender: Any, **kwargs: Any) -> None:
    LIVE_ACTIONS.clear()
    transaction.on_commit(LIVE_ACTIONS.clear)


for action_model in (ActionPage, OpenLetterPage, PetitionPage):
    for signal in (post_save, post_delete, page_published, page_unpublished):
        signal.connect(forget_live_actions, sender=action_model)
# A move changes an action's address, and a restriction on it or on a page above it
# takes it off the public site; both are rare enough to forget every action for.
post_page_move.connect(forget_live_actions)
post_save.connect(forget_live_actions, sender=PageViewRestriction)
post_delete.connect(forget_live_actions, sender=PageViewRestriction)


@receiver(post_save, sender=BlockedIpHash)
@receiver(post_delete, sender=BlockedIpHash)
@receiver(post_save, sender=BlockedEmailDomain)
@receiver(post_delete, sender=BlockedEmailDomain)
def forget_block_lists(sender: Any, **kwargs: Any) -> None:
    BLOCK_LISTS.clear()
    transaction.on_commit(BLOCK_LISTS.clear)
