"""Wagtail choosers for linking a support request to what it is about (issue 23).

Articles and campaigns are pages: the page chooser, limited to those page types. Tracker
items are records, not pages: a chooser of their own. Models are named as strings, so the
desk imports neither the news, campaigns nor tracker app (decision 0021).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet

from chorus.core.staff import StaffRequiredMixin
from chorus.support.permissions import TRIAGE_PERMISSION

# The page types a request may be linked to: articles and briefings, and campaign actions
# (open letters and petitions are kinds of action page).
LINKABLE_PAGE_TYPES = ("news.ArticlePage", "campaigns.ActionPage")
TRACKED_ITEM = "tracker.TrackedItem"


def linkable_page_models() -> list[Any]:
    return [apps.get_model(label) for label in LINKABLE_PAGE_TYPES]


def tracked_item_model() -> Any:
    return apps.get_model(TRACKED_ITEM)


class _DeskOnly(StaffRequiredMixin):
    # The chooser opens from the desk: only those who may triage use it.
    permission_required = (TRIAGE_PERMISSION,)


class TrackedItemChooseView(_DeskOnly, chooser_views.ChooseView):
    pass


class TrackedItemChooseResultsView(_DeskOnly, chooser_views.ChooseResultsView):
    pass


class TrackedItemChosenView(_DeskOnly, chooser_views.ChosenView):
    pass


class TrackedItemChosenMultipleView(_DeskOnly, chooser_views.ChosenMultipleView):
    pass


class TrackedItemCreateView(_DeskOnly, chooser_views.CreateView):
    pass


class TrackedItemChooserViewSet(ChooserViewSet):
    """Tracker items to link from the desk; items are made in the tracker, not here."""

    model = TRACKED_ITEM
    choose_view_class = TrackedItemChooseView
    choose_results_view_class = TrackedItemChooseResultsView
    chosen_view_class = TrackedItemChosenView
    chosen_multiple_view_class = TrackedItemChosenMultipleView
    create_view_class = TrackedItemCreateView
    icon = "list-ul"
    # Only the desk's link form uses this chooser (its views are for those who triage). Left
    # registered, Wagtail would put it on every form with a tracker item, such as our
    # responses, where editors could not open it.
    register_widget = False
    choose_one_text = "Choose a tracker item"
    choose_another_text = "Choose another tracker item"


tracked_item_chooser_viewset = TrackedItemChooserViewSet("support_tracked_item_chooser")
