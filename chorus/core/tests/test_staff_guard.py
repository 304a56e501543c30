"""The one staff guard (chorus.core.staff): every project screen under /admin/ has it,
and it answers anonymous -> sign in, wrong role -> 403, right role -> 200."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from chorus.accounts.models import User
from chorus.core.staff import staff_permissions_of, staff_required
from chorus.core.tests.staff_urls import SHOWN
from conftest import client_for

# Pages under /admin/ that must open to someone not signed in: the way to sign in.
SIGN_IN_PAGES = {
    # Wagtail's "forgot your password" form, with Chorus's limits (chorus.accounts.views).
    "wagtailadmin_password_reset": "resetting a forgotten password comes before signing in",
}
REFUSAL_WORDS = "You cannot see this page"


# --- walking every URL the project defines under /admin/ -------------------------------


def _patterns(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def _defined_in(callback: Callable[..., Any]) -> Any:
    """What the project wrote: the class of a class view, else the innermost function."""
    innermost = inspect.unwrap(callback)
    return getattr(callback, "view_class", None) or getattr(innermost, "view_class", None) or innermost


def _wagtail_viewset_view(callback: Callable[..., Any]) -> bool:
    """A view a Wagtail ViewSet made for a model: it keeps Wagtail's permission policy."""
    view_class = getattr(callback, "view_class", None)
    if view_class is None or not issubclass(view_class, PermissionCheckedMixin):
        return False
    has_model = getattr(callback, "view_initkwargs", {}).get("model") is not None
    asks = view_class.permission_required is not None or view_class.any_permission_required is not None
    return has_model and asks


def unguarded(patterns: list[Any], prefix: str = "admin/") -> list[str]:
    """Each project view under ``prefix`` with no staff guard, as "route (name): module.view"."""
    missing = []
    for route, pattern in _patterns(patterns):
        if not route.startswith(prefix):
            continue
        defined = _defined_in(pattern.callback)
        if not defined.__module__.startswith("chorus."):
            continue
        if staff_permissions_of(pattern.callback) is not None or _wagtail_viewset_view(pattern.callback):
            continue
        if pattern.name in SIGN_IN_PAGES:
            continue
        missing.append(f"{route} ({pattern.name}): {defined.__module__}.{defined.__qualname__}")
    return missing


def guarded_admin_views() -> dict[str, tuple[str, ...]]:
    found = {}
    for route, pattern in _patterns(get_resolver().url_patterns):
        permissions = staff_permissions_of(pattern.callback)
        if route.startswith("admin/") and permissions is not None:
            found[route] = permissions
    return found


def test_every_project_view_under_admin_has_the_staff_guard() -> None:
    missing = unguarded(get_resolver().url_patterns)
    assert not missing, "Staff views without @staff_required or StaffRequiredMixin:\n" + "\n".join(missing)


def test_the_walk_reaches_every_app_with_staff_screens() -> None:
    # If the walk stopped finding views (a change in how Wagtail wraps them), the test above would pass on nothing.
    routes = guarded_admin_views()
    for route in (
        "admin/support/",
        "admin/campaigns/<id:pk>/signatories.csv",
        "admin/bulletin/<id:pk>/reconciliation/",
        "admin/tracker/due/",
        "admin/people/privacy-request/",
        "admin/audit-log/",
        "admin/users/reset-two-factor/<id:pk>/",
        "admin/two-factor/passkeys/authentication/complete/",
    ):
        assert route in routes, route
    # 33 when the guard came in: only a deliberate removal of screens should lower it.
    assert len(routes) >= 30


def staff_screen_without_guard(request: HttpRequest) -> HttpResponse:
    return HttpResponse("open to anyone")


@staff_required("core.view_auditevent")
def staff_screen_with_guard(request: HttpRequest) -> HttpResponse:
    return HttpResponse("guarded")


def test_the_walk_names_a_project_view_without_the_guard() -> None:
    patterns = [
        path("admin/", staff_screen_with_guard, name="fine"),
        path("admin/forgotten/", staff_screen_without_guard, name="forgotten"),
        path("elsewhere/", staff_screen_without_guard, name="public"),
    ]
    assert unguarded(patterns) == [
        "admin/forgotten/ (forgotten): chorus.core.tests.test_staff_guard.staff_screen_without_guard"
    ]


def test_the_mark_survives_other_decorators() -> None:
    view = never_cache(require_POST(staff_required("a.b", "c.d")(staff_screen_without_guard)))
    assert staff_permissions_of(view) == ("a.b", "c.d")
    assert staff_permissions_of(staff_screen_without_guard) is None


@pytest.mark.django_db
def test_every_permission_a_guard_names_exists() -> None:
    # A misspelt permission would refuse everyone, administrators included, without an error.
    named = {permission for permissions in guarded_admin_views().values() for permission in permissions}
    for label in sorted(named):
        app_label, codename = label.split(".", 1)
        assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), label


# --- the guard's own answers, where only the guard stands in front of the view ---------

GUARDED = ["/guard-test/function/", "/guard-test/class/"]


@pytest.mark.urls("chorus.core.tests.staff_urls")
@pytest.mark.django_db
@pytest.mark.parametrize("url", GUARDED)
def test_guard_sends_the_anonymous_to_sign_in(url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('wagtailadmin_login')}?next={url}"


@pytest.mark.urls("chorus.core.tests.staff_urls")
@pytest.mark.django_db
@pytest.mark.parametrize("url", GUARDED)
def test_guard_refuses_an_account_without_admin_access(url: str) -> None:
    # Signed in, second step passed even, but no staff role: not a member of staff.
    member = User.objects.create_user(username="not-staff", password="correct-horse-battery")
    response = client_for(member).get(url)
    assert response.status_code == 403
    assert REFUSAL_WORDS in response.text and "Traceback" not in response.text


@pytest.mark.urls("chorus.core.tests.staff_urls")
@pytest.mark.parametrize("url", GUARDED)
def test_guard_asks_for_the_second_step_first(url: str, administrator: User) -> None:
    client = Client()
    client.force_login(administrator)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts_two_factor_setup") + "?next=")
    TOTPDevice.objects.create(user=administrator, name="Phone", confirmed=True)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts_two_factor_verify") + "?next=")


@pytest.mark.urls("chorus.core.tests.staff_urls")
@pytest.mark.parametrize("url", GUARDED)
def test_guard_refuses_the_wrong_role_in_plain_words(url: str, editor: User) -> None:
    response = client_for(editor).get(url)
    assert response.status_code == 403
    assert REFUSAL_WORDS in response.text


@pytest.mark.urls("chorus.core.tests.staff_urls")
@pytest.mark.parametrize("url", GUARDED)
def test_guard_shows_the_right_role_the_screen(url: str, administrator: User) -> None:
    response = client_for(administrator).get(url)
    assert response.status_code == 200
    assert response.text == SHOWN


@pytest.mark.urls("chorus.core.tests.staff_urls")
def test_a_refusal_inside_the_view_is_a_plain_403(administrator: User) -> None:
    response = client_for(administrator).get("/guard-test/refusing/")
    assert response.status_code == 403
    assert REFUSAL_WORDS in response.text


@pytest.mark.urls("chorus.core.tests.staff_urls")
def test_the_second_steps_own_pages_open_before_it_is_passed(caseworker: User) -> None:
    client = Client()
    client.force_login(caseworker)
    response = client.get("/guard-test/second-step/")
    assert response.status_code == 200
    assert Client().get("/guard-test/second-step/").status_code == 302


# --- one representative screen of each app, through the real admin ---------------------


@pytest.fixture
def action(db: Any) -> Any:
    from chorus.campaigns.tests.factories import letter, make_campaigns

    return letter(make_campaigns())


def _screens(action: Any, colleague: User) -> dict[str, tuple[str, str, str]]:
    """screen -> (address, a role it refuses, a role it shows)."""
    return {
        "support desk": (reverse("support_admin:queue"), "editor", "caseworker"),
        "campaign export": (reverse("campaigns_admin_export", args=[action.pk]), "caseworker", "campaigner"),
        "bulletin sending": (reverse("bulletin_admin:issues"), "caseworker", "editor"),
        "tracker: what's due": (reverse("tracker_whats_due"), "caseworker", "campaigner"),
        "privacy requests": (reverse("people_privacy_request"), "campaigner", "administrator"),
        "audit log": (reverse("accounts_audit_log"), "editor", "administrator"),
        "two-factor reset": (
            reverse("wagtailusers_users:reset_two_factor", args=[colleague.pk]),
            "caseworker",
            "administrator",
        ),
    }


@pytest.fixture
def colleague(roles: None) -> User:
    return User.objects.create_user(username="colleague", password="correct-horse-battery")


SCREEN_NAMES = [
    "support desk",
    "campaign export",
    "bulletin sending",
    "tracker: what's due",
    "privacy requests",
    "audit log",
    "two-factor reset",
]


@pytest.mark.parametrize("screen", SCREEN_NAMES)
def test_each_apps_screen_sends_the_anonymous_to_sign_in(screen: str, action: Any, colleague: User) -> None:
    url, _, _ = _screens(action, colleague)[screen]
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login") + "?next=")


@pytest.mark.parametrize("screen", SCREEN_NAMES)
def test_each_apps_screen_refuses_the_wrong_role(
    screen: str, action: Any, colleague: User, request: pytest.FixtureRequest
) -> None:
    url, refused, _ = _screens(action, colleague)[screen]
    response = client_for(request.getfixturevalue(refused)).get(url)
    assert response.status_code == 403
    assert REFUSAL_WORDS in response.text


@pytest.mark.parametrize("screen", SCREEN_NAMES)
def test_each_apps_screen_opens_to_the_right_role(
    screen: str, action: Any, colleague: User, request: pytest.FixtureRequest
) -> None:
    url, _, shown = _screens(action, colleague)[screen]
    response = client_for(request.getfixturevalue(shown)).get(url)
    assert response.status_code == 200
