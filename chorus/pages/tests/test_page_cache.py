"""The server-side page cache: only anonymous, cookie-less, public responses are kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.views.decorators.cache import never_cache

from chorus.core.http import mark_publicly_cacheable
from chorus.core.middleware import PublicPageCacheMiddleware, retire_cached_pages
from chorus.news.models import ArticlePage
from chorus.news.tests.factories import ArticleIndexPageFactory, ArticlePageFactory
from chorus.pages.tests.factories import make_site

factory = RequestFactory()


class CountingView:
    """A stand-in for the rest of the stack that counts how often it renders."""

    def __init__(self, make_response: Callable[[], HttpResponse]) -> None:
        self.calls = 0
        self.make_response = make_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        self.calls += 1
        return self.make_response()


def html(text: str = "<p>hello</p>") -> HttpResponse:
    return HttpResponse(text)


def test_a_cookie_less_anonymous_get_is_served_from_the_cache_the_second_time() -> None:
    view = CountingView(html)
    middleware = PublicPageCacheMiddleware(view)
    first = middleware(factory.get("/news/"))
    second = middleware(factory.get("/news/"))
    assert view.calls == 1
    assert second.content == first.content
    assert "public" in second["Cache-Control"]


def test_different_query_strings_are_cached_apart() -> None:
    view = CountingView(html)
    middleware = PublicPageCacheMiddleware(view)
    middleware(factory.get("/news/", {"kind": "statement"}))
    middleware(factory.get("/news/", {"kind": "briefing"}))
    assert view.calls == 2


def test_a_request_with_any_cookie_is_never_served_from_or_stored_in_the_cache() -> None:
    view = CountingView(html)
    middleware = PublicPageCacheMiddleware(view)
    middleware(factory.get("/news/"))  # stored
    with_cookie = factory.get("/news/")
    with_cookie.COOKIES["sessionid"] = "abc"
    middleware(with_cookie)
    middleware(with_cookie)
    assert view.calls == 3


@pytest.mark.parametrize(
    "make_response",
    [
        pytest.param(lambda: _with_cookie(html()), id="sets-a-cookie"),
        pytest.param(lambda: never_cache(lambda request: html())(factory.get("/")), id="never-cache"),
        pytest.param(lambda: _with_header(html(), "private, max-age=60"), id="private"),
        pytest.param(lambda: _with_header(html(), "no-store"), id="no-store"),
        pytest.param(lambda: HttpResponse("gone", status=404), id="not-found"),
    ],
)
def test_responses_that_are_personal_or_not_ok_are_never_cached(make_response: Callable[[], HttpResponse]) -> None:
    view = CountingView(make_response)
    middleware = PublicPageCacheMiddleware(view)
    middleware(factory.get("/letter/"))
    middleware(factory.get("/letter/"))
    assert view.calls == 2


def test_posts_and_staff_paths_are_never_cached() -> None:
    view = CountingView(html)
    middleware = PublicPageCacheMiddleware(view)
    middleware(factory.post("/news/"))
    middleware(factory.post("/news/"))
    middleware(factory.get("/admin/"))
    middleware(factory.get("/admin/"))
    assert view.calls == 4


def test_retiring_cached_pages_makes_the_next_request_render_again() -> None:
    view = CountingView(html)
    middleware = PublicPageCacheMiddleware(view)
    middleware(factory.get("/news/"))
    retire_cached_pages()
    middleware(factory.get("/news/"))
    assert view.calls == 2


def _with_cookie(response: HttpResponse) -> HttpResponse:
    response.set_cookie("csrftoken", "x")
    return response


def _with_header(response: HttpResponse, cache_control: str) -> HttpResponse:
    response["Cache-Control"] = cache_control
    return response


@pytest.mark.django_db
def test_publishing_retires_cached_pages_in_the_full_stack(client: Client) -> None:
    home = make_site()
    news = ArticleIndexPageFactory(parent=home, slug="news")
    article = ArticlePageFactory(parent=news, slug="plan", title="First title")
    article.save_revision().publish()
    assert "First title" in client.get("/news/plan/").content.decode()

    # A change that bypasses publishing is not seen: the cached copy is served.
    ArticlePage.objects.filter(pk=article.pk).update(title="Changed quietly")
    assert "First title" in client.get("/news/plan/").content.decode()

    # A visitor with a cookie always gets a fresh page.
    client.cookies["anything"] = "1"
    assert "Changed quietly" in client.get("/news/plan/").content.decode()
    del client.cookies["anything"]

    article = ArticlePage.objects.get(pk=article.pk)
    article.title = "Published title"
    article.save_revision().publish()
    assert "Published title" in client.get("/news/plan/").content.decode()


def test_no_process_keeps_its_own_copy_of_a_page() -> None:
    # Speed comes from the shared cache alone (issue 21): what it drops is rendered again.
    view = CountingView(html)
    middleware = PublicPageCacheMiddleware(view)
    middleware(factory.get("/news/"))
    middleware(factory.get("/news/"))  # read from the shared cache
    cache.clear()
    third = middleware(factory.get("/news/"))
    assert view.calls == 2
    assert third.content == b"<p>hello</p>"


def test_pages_are_rendered_each_time_while_the_cache_is_unreachable() -> None:
    from chorus.core.cache import ResilientRedisCache
    from chorus.core.tests.listeners import closed_port_url

    away = ResilientRedisCache(closed_port_url(), {})
    view = CountingView(html)
    middleware = PublicPageCacheMiddleware(view)
    with mock.patch("chorus.core.middleware.cache", away):
        responses = [middleware(factory.get("/news/")) for _ in range(3)]
        retire_cached_pages()  # publishing during the outage does not fail either
    assert view.calls == 3
    assert all(response.status_code == 200 and response.content == b"<p>hello</p>" for response in responses)


def test_each_request_gets_its_own_response_object() -> None:
    view = CountingView(html)
    middleware = PublicPageCacheMiddleware(view)
    middleware(factory.get("/news/"))
    first = middleware(factory.get("/news/"))
    first["X-Changed-By-An-Outer-Middleware"] = "yes"
    second = middleware(factory.get("/news/"))
    assert first is not second
    assert "X-Changed-By-An-Outer-Middleware" not in second
    assert second["Content-Type"] == "text/html; charset=utf-8"


def test_a_cached_page_is_never_served_past_its_own_expiry() -> None:
    view = CountingView(lambda: mark_publicly_cacheable(html(), max_age=1))
    middleware = PublicPageCacheMiddleware(view)
    middleware(factory.get("/campaigns/letter/sign/"))
    middleware(factory.get("/campaigns/letter/sign/"))
    assert view.calls == 1
    with time_machine.travel(timedelta(seconds=1.5)):
        middleware(factory.get("/campaigns/letter/sign/"))
        middleware(factory.get("/campaigns/letter/sign/"))  # the fresh copy, not the expired one
    assert view.calls == 2


def test_a_page_that_varies_on_a_header_is_kept_apart_for_each_value() -> None:
    def varies_by_language() -> HttpResponse:
        response = html()
        response["Vary"] = "Accept-Language"
        return response

    view = CountingView(varies_by_language)
    middleware = PublicPageCacheMiddleware(view)
    middleware(factory.get("/news/", headers={"accept-language": "cy"}))
    middleware(factory.get("/news/", headers={"accept-language": "en"}))
    assert view.calls == 2  # the Welsh page is not served to someone asking for English
    middleware(factory.get("/news/", headers={"accept-language": "en"}))
    assert view.calls == 2


def test_a_cached_page_costs_one_read_of_the_shared_cache() -> None:
    # A crowd refreshing a page makes one round trip to Redis each: the generation and the
    # page are read together (docs/decisions/0038).
    calls: list[str] = []

    class CountingCache:
        def __getattr__(self, name: str) -> object:
            calls.append(name)
            return getattr(cache, name)

    middleware = PublicPageCacheMiddleware(CountingView(html))
    middleware(factory.get("/news/"))
    with mock.patch("chorus.core.middleware.cache", CountingCache()):
        served = middleware(factory.get("/news/"))
    assert served.content == b"<p>hello</p>"
    assert calls == ["get_many"]
