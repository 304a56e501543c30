"""Wagtail's own list screens for our models (snippets and ModelViewSets) refuse as they should.

Our views answer through the staff guard (test_staff_guard.py). The lists Wagtail builds
for a model (canned replies, coalitions, tracked items and responses, import runs,
outgoing email, block lists, staff accounts) keep Wagtail's permission policy instead:
anonymous visitors go to sign in, and a role without the permission is sent to the admin
home with "Sorry, you do not have permission to access this area." (docs/decisions/0022).
These tests prove that for every such list, found in Wagtail's viewset registry, so a new
one is covered the day it is registered: each role is asked, and the answer must match
what the model's permission policy grants that role.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import get_resolver, reverse
from wagtail.admin.viewsets import viewsets as registered_viewsets
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from chorus.accounts.models import User
from chorus.accounts.roles import ROLES, Role
from conftest import client_for

WAGTAIL_REFUSAL = "Sorry, you do not have permission to access this area."
OUR_REFUSAL = "You cannot see this page"


def project_list_screens() -> dict[str, ModelViewSet]:
    """Every snippet or ModelViewSet registered for one of our models, by URL namespace."""
    get_resolver().url_patterns  # noqa: B018 -- loading the admin's URLs fills Wagtail's registry
    return {
        viewset.url_namespace: viewset
        for viewset in registered_viewsets.viewsets
        if isinstance(viewset, ModelViewSet) and viewset.model._meta.app_config.name.startswith("chorus.")
    }


def list_url(viewset: ModelViewSet) -> str:
    # A snippet's list is its "list" view; any other ModelViewSet's is "index".
    return reverse(viewset.get_url_name("list" if isinstance(viewset, SnippetViewSet) else "index"))


def may_open_list(viewset: ModelViewSet, user: User) -> bool:
    """What the model's permission policy says about this user and the list screen."""
    view = viewset.index_view_class
    policy = viewset.permission_policy
    if view.permission_required is not None and not policy.user_has_permission(user, view.permission_required):
        return False
    if view.any_permission_required is not None:
        return bool(policy.user_has_any_permission(user, view.any_permission_required))
    return True


# --- one object of each model, and text from it that its list shows -------------------------
# The list must show the text to a role that may see it (so it is something the screen
# really prints) and must not show it to a role that may not.


def _canned_reply() -> str:
    from chorus.support.models import CannedReply

    CannedReply.objects.create(title="Sample reply about ward cameras", text="Thank you for telling us.")
    return "Sample reply about ward cameras"


def _coalition() -> str:
    from chorus.pages.models import Coalition

    Coalition.objects.create(
        name="Sample Coalition for Rights",
        slug="sample-coalition",
        description="A coalition.",
        our_role="We chair it.",
    )
    return "Sample Coalition for Rights"


def _tracked_item() -> str:
    from chorus.tracker.tests.factories import TrackedItemFactory

    TrackedItemFactory(title="Sample consultation on ward cameras")  # type: ignore[no-untyped-call]
    return "Sample consultation on ward cameras"


def _response() -> str:
    from chorus.tracker.tests.factories import ResponseFactory, TrackedItemFactory

    ResponseFactory(item=TrackedItemFactory(title="Sample consultation we answer"))  # type: ignore[no-untyped-call]
    return "Sample consultation we answer"


def _import_run() -> str:
    from chorus.tracker.models import ImportRun, SourceSystem

    ImportRun.objects.create(source=SourceSystem.values[0], failure_reason="sample-feed-down")
    return "sample-feed-down"


def _outbox_message() -> str:
    from chorus.core.models import OutboxMessage

    OutboxMessage.objects.create(kind="sample.kind", status="failed", error="SampleRefusedError (550)")
    return "SampleRefusedError (550)"


def _blocked_domain() -> str:
    from chorus.campaigns.models import BlockedEmailDomain

    BlockedEmailDomain.objects.create(domain="sample-throwaway.example", reason="sample burst")
    return "sample-throwaway.example"


def _blocked_address() -> str:
    from chorus.campaigns.models import BlockedIpHash

    BlockedIpHash.objects.create(ip_hash="5a" * 32, reason="Sample burst from one address")
    return "Sample burst from one address"


def _staff_account() -> str:
    User.objects.create_user(username="sampleton-colleague", password="correct-horse-battery")
    return "sampleton-colleague"


SAMPLES: dict[str, Callable[[], str]] = {
    "support.cannedreply": _canned_reply,
    "pages.coalition": _coalition,
    "tracker.trackeditem": _tracked_item,
    "tracker.response": _response,
    "tracker.importrun": _import_run,
    "core.outboxmessage": _outbox_message,
    "campaigns.blockedemaildomain": _blocked_domain,
    "campaigns.blockediphash": _blocked_address,
    "accounts.user": _staff_account,
}


@pytest.fixture
def staff(roles: None) -> dict[Role, tuple[User, Client]]:
    """One member of staff in each role, with a client signed in as them (second step passed)."""
    found = {}
    for role in ROLES:
        user = User.objects.create_user(username=f"walk-{role.name.lower().replace(' ', '-')}")
        user.groups.add(Group.objects.get(name=role.name))
        found[role] = (user, client_for(user))
    return found


@pytest.fixture
def samples(db: Any) -> dict[str, str]:
    """model label -> text its list shows, for every model with a list screen."""
    labels = {viewset.model._meta.label_lower for viewset in project_list_screens().values()}
    return {label: SAMPLES[label]() for label in sorted(labels) if label in SAMPLES}


# --- the tests ---------------------------------------------------------------------------


def test_the_registry_walk_finds_our_list_screens() -> None:
    # If the walk found nothing (a change in how Wagtail keeps its viewsets), the checks below would pass on nothing.
    found = {viewset.model._meta.label_lower for viewset in project_list_screens().values()}
    assert {"support.cannedreply", "pages.coalition", "core.outboxmessage", "tracker.trackeditem"} <= found
    assert len(found) >= 9


def test_every_list_screen_has_a_sample_object() -> None:
    # A new list screen needs a sample here, so the "shows none of its data" check below covers it.
    missing = sorted(
        viewset.model._meta.label_lower
        for viewset in project_list_screens().values()
        if viewset.model._meta.label_lower not in SAMPLES
    )
    assert not missing, f"Add a sample object to SAMPLES for: {', '.join(missing)}"


@pytest.mark.django_db
def test_each_list_sends_the_anonymous_to_sign_in() -> None:
    wrong = []
    for namespace, viewset in project_list_screens().items():
        url = list_url(viewset)
        response = Client().get(url)
        if response.status_code != 302 or response["Location"] != f"{reverse('wagtailadmin_login')}?next={url}":
            wrong.append(f"{namespace} ({url}): {response.status_code} {response.get('Location', '')}")
    assert not wrong, "Not sent to sign in:\n" + "\n".join(wrong)


def test_each_list_refuses_the_roles_without_its_permission_and_shows_none_of_its_data(
    staff: dict[Role, tuple[User, Client]], samples: dict[str, str]
) -> None:
    wrong = []
    for namespace, viewset in project_list_screens().items():
        url = list_url(viewset)
        shown = samples[viewset.model._meta.label_lower]
        refused = [(role, client) for role, (user, client) in staff.items() if not may_open_list(viewset, user)]
        if not refused:
            # The Grants officer role holds no permission: a list it may open asks for none.
            wrong.append(f"{namespace} ({url}): open to every role, so it checks no permission")
        for role, client in refused:
            response = client.get(url)
            if response.status_code == 403:
                answer = response.text
                if OUR_REFUSAL not in answer:
                    wrong.append(f"{namespace} ({url}) as {role.name}: a 403 without the refusal words")
            elif response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home"):
                assert response.content == b""
                # The admin home, where Wagtail sends them, says why.
                answer = client.get(response["Location"]).text
                if WAGTAIL_REFUSAL not in answer:
                    wrong.append(f"{namespace} ({url}) as {role.name}: the home page does not say why")
            else:
                wrong.append(f"{namespace} ({url}) as {role.name}: {response.status_code}, not refused")
                continue
            if shown in answer:
                wrong.append(f"{namespace} ({url}) as {role.name}: the refusal shows {shown!r}")
    assert not wrong, "\n".join(wrong)


def test_each_list_opens_to_the_roles_with_its_permission(
    staff: dict[Role, tuple[User, Client]], samples: dict[str, str]
) -> None:
    wrong = []
    for namespace, viewset in project_list_screens().items():
        url = list_url(viewset)
        shown = samples[viewset.model._meta.label_lower]
        allowed = [(role, client) for role, (user, client) in staff.items() if may_open_list(viewset, user)]
        if not allowed:
            wrong.append(f"{namespace} ({url}): no role may open it")
        for role, client in allowed:
            response = client.get(url)
            if response.status_code != 200:
                wrong.append(f"{namespace} ({url}) as {role.name}: {response.status_code}")
            elif shown not in response.text:
                wrong.append(f"{namespace} ({url}) as {role.name}: the list does not show {shown!r}")
    assert not wrong, "\n".join(wrong)
