"""The public read API: what it shows, what it never shows, its filters, pages, errors and headers."""

from __future__ import annotations

import datetime
import html
import re
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from chorus.api.public.schemas import MAX_PAGE_SIZE
from chorus.api.tests.public_data import PublicSite, build_public_site
from chorus.campaigns.models import DisplayChoice, Signature
from chorus.campaigns.selectors import consent_scope
from chorus.people.models import ConsentPurpose
from chorus.people.services import consent_withdraw

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def site(db: Any) -> PublicSite:
    return build_public_site()


@pytest.fixture
def client() -> Client:
    return Client()


def _get(client: Client, path: str, **headers: str) -> Any:
    response = client.get(f"{API}{path}", headers=headers)
    assert response["Content-Type"].startswith("application/json"), path
    return response


def _titles(body: dict[str, Any], key: str = "title") -> list[str]:
    return [row[key] for row in body["results"]]


# --- what is shown, and what never is ------------------------------------------------------------


def test_articles_list_only_published_public_ones_with_their_tags(site: PublicSite, client: Client) -> None:
    body = _get(client, "/articles").json()
    assert _titles(body) == ["Briefing on data sharing", "Old news"]
    assert body["count"] == 2
    briefing = body["results"][0]
    assert briefing["id"] == str(site.briefing.translation_key)
    assert briefing["kind"] == "briefing"
    assert briefing["date"] == "2026-11-02"
    # The draft area it is also tagged with is not published, so it is not named.
    assert [area["slug"] for area in briefing["priority_areas"]] == ["data"]
    assert briefing["coalitions"] == [{"id": "data-justice", "name": "Data Justice Coalition"}]
    assert briefing["url"].endswith("/news/briefing-on-data-sharing/")
    assert briefing["easy_read_url"] == briefing["url"] + "easy-read/"
    assert body["results"][1]["easy_read_url"] is None


def test_ids_are_public_uuids_never_database_ids(site: PublicSite, client: Client) -> None:
    body = _get(client, "/articles").json()
    assert str(site.briefing.pk) not in {row["id"] for row in body["results"]}
    assert _get(client, f"/articles/{site.briefing.translation_key}").json()["title"] == "Briefing on data sharing"
    # A database id is no address here: it is not even in the form of one.
    response = _get(client, f"/articles/{site.briefing.pk}")
    assert response.status_code == 400
    assert response.json()["error"]["problems"][0]["parameter"] == "id"


@pytest.mark.parametrize("name", ["draft_article", "private_article"])
def test_a_draft_or_private_article_is_not_reachable(site: PublicSite, client: Client, name: str) -> None:
    page = getattr(site, name)
    response = _get(client, f"/articles/{page.translation_key}")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404
    assert page.title not in _get(client, "/articles").content.decode()


def test_priority_areas_and_coalitions(site: PublicSite, client: Client) -> None:
    areas = _get(client, "/priority-areas").json()
    assert _titles(areas) == ["Data and surveillance"]
    assert _get(client, f"/priority-areas/{site.draft_area.translation_key}").status_code == 404
    assert _get(client, f"/priority-areas/{site.area.translation_key}").json()["slug"] == "data"
    coalitions = _get(client, "/coalitions").json()
    assert _titles(coalitions, "name") == ["Data Justice Coalition"]
    assert _get(client, "/coalitions/data-justice").json()["our_role"] == "We are a member."
    assert _get(client, "/coalitions/nobody").status_code == 404


def test_tracker_items_show_windows_stages_and_our_response_never_its_notes(site: PublicSite, client: Client) -> None:
    response = _get(client, "/tracker-items")
    body = response.json()
    assert _titles(body) == ["Consultation on data", "Old inquiry"]
    assert "Draft item" not in response.content.decode()
    assert "call Sam" not in response.content.decode()  # the response's internal notes
    item = body["results"][0]
    assert item["id"] == "consultation-on-data"
    assert item["owner_body"] == "Department of Health and Social Care"
    assert item["url"].endswith("/tracker/consultation-on-data/")
    assert item["submission_windows"][0]["state"] == "open"
    assert item["stages"][0]["name"] == "opened"
    assert item["response"]["status"] == "published"
    assert item["response"]["article"]["id"] == str(site.briefing.translation_key)
    assert _get(client, "/tracker-items/draft-item").status_code == 404


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("status=open", ["Consultation on data"]),
        ("status=closing-soon", ["Consultation on data"]),
        ("status=closed", ["Old inquiry"]),
        ("status=upcoming", []),
        ("response=published", ["Consultation on data"]),
        ("response=none", ["Old inquiry"]),
        ("area=data", ["Consultation on data"]),
        ("kind=bill", []),
        ("area=secret", []),
    ],
)
def test_tracker_filters_match_the_tracker_page(
    site: PublicSite, client: Client, query: str, titles: list[str]
) -> None:
    assert _titles(_get(client, f"/tracker-items?{query}").json()) == titles


def test_campaign_actions_with_counts_and_their_freshness(site: PublicSite, client: Client) -> None:
    response = _get(client, "/campaign-actions")
    body = response.json()
    assert _titles(body) == ["Petition on care", "Letter on data"] or _titles(body) == [
        "Letter on data",
        "Petition on care",
    ]
    assert "Letter not yet opened" not in response.content.decode()
    letter = next(row for row in body["results"] if row["title"] == "Letter on data")
    assert letter["kind"] == "open-letter"
    assert letter["target"] == "The health secretary"
    assert letter["state"] == "open"
    assert letter["count"]["total"] == 7
    assert letter["count"]["refreshed_at"] is not None
    petition = next(row for row in body["results"] if row["title"] == "Petition on care")
    assert (petition["kind"], petition["goal"], petition["state"], petition["ask"]) == (
        "petition",
        500,
        "closed",
        "Stop it.",
    )
    assert _get(client, f"/campaign-actions/{site.draft_action.translation_key}").status_code == 404
    assert _titles(_get(client, "/campaign-actions?state=closed").json()) == ["Petition on care"]
    assert _titles(_get(client, "/campaign-actions?kind=open-letter").json()) == ["Letter on data"]
    assert _titles(_get(client, "/campaign-actions?area=data").json()) == ["Letter on data"]


def test_an_open_action_past_its_closing_date_is_closed(site: PublicSite, client: Client) -> None:
    site.letter.closing_date = timezone.localdate() - datetime.timedelta(days=1)
    site.letter.save_revision().publish()
    assert _get(client, f"/campaign-actions/{site.letter.translation_key}").json()["state"] == "closed"
    assert "Letter on data" in _titles(_get(client, "/campaign-actions?state=closed").json())
    assert "Letter on data" not in _titles(_get(client, "/campaign-actions?state=open").json())


def _names_on_the_page(client: Client, url: str) -> list[str]:
    page = client.get(url).content.decode()
    listing = re.search(r'<ol class="signatories"[^>]*>(.*?)</ol>', page, re.S)
    assert listing, "the signatories page lists no one"
    items = re.findall(r"<li>(.*?)(?: <span|</li>)", listing.group(1), re.S)
    return [html.unescape(item.strip()) for item in items]


def test_signatories_are_exactly_the_pages_list(site: PublicSite, client: Client) -> None:
    body = _get(client, f"/campaign-actions/{site.letter.translation_key}/signatories").json()
    names = [row["name"] for row in body["results"]]
    assert names == ["Mind the Data", "Ada Lovelace", "Bob S."]
    assert names == _names_on_the_page(client, site.letter.url + "signatories/")
    assert body["results"][0] == {
        "name": "Mind the Data",
        "kind": "organisation",
        "organisation_type": "User-led group",
        "role": None,
    }
    assert body["results"][1]["role"] == "Peer"
    text = str(body)
    for hidden in ("Not Yet Checked", "Hidden Person", "No Consent", "Not Confirmed", "Bob Stone", "@example.org"):
        assert hidden not in text


def test_a_withdrawn_name_leaves_the_list(site: PublicSite, client: Client, settings: Any) -> None:
    """As on the signatories page: read afresh, the list drops the name at once; a copy cached
    before the withdrawal lives only as long as the campaign pages' own few seconds."""
    path = f"/campaign-actions/{site.letter.translation_key}/signatories"
    assert "Ada Lovelace" in _get(client, path).content.decode()
    ada = Signature.objects.filter(action=site.letter, display=DisplayChoice.FULL_NAME).order_by("pk").first()
    assert ada is not None
    consent_withdraw(
        person=ada.person, purpose=ConsentPurpose.PUBLISH_NAME, scope=consent_scope(site.letter.pk), via="test"
    )
    assert f"max-age={settings.CHORUS_CAMPAIGNS_CACHE_SECONDS}," in _get(client, path)["Cache-Control"]
    cache.clear()  # the few seconds pass
    assert "Ada Lovelace" not in _get(client, path).content.decode()


def test_the_bulletin_archive_holds_only_sent_issues(site: PublicSite, client: Client) -> None:
    body = _get(client, "/bulletin-issues").json()
    assert _titles(body) == ["Bulletin, 1 December 2026"]
    assert _get(client, f"/bulletin-issues/{site.unsent_issue.translation_key}").status_code == 404
    assert (
        _get(client, f"/bulletin-issues/{site.sent_issue.translation_key}")
        .json()["url"]
        .endswith("/bulletin/issue-1/")
    )
    this_year = timezone.now().year
    assert _titles(_get(client, f"/bulletin-issues?year={this_year}").json()) == ["Bulletin, 1 December 2026"]
    assert _titles(_get(client, f"/bulletin-issues?year={this_year - 1}").json()) == []


# --- filters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("kind=briefing", ["Briefing on data sharing"]),
        ("kind=news", ["Old news"]),
        ("area=data", ["Briefing on data sharing"]),
        # An area that is not published filters to nothing, so its slug gives nothing away.
        ("area=secret", []),
        ("year=2025", ["Old news"]),
        ("year=2026&kind=briefing", ["Briefing on data sharing"]),
    ],
)
def test_article_filters_match_the_news_page(site: PublicSite, client: Client, query: str, titles: list[str]) -> None:
    assert _titles(_get(client, f"/articles?{query}").json()) == titles


def test_modified_since(site: PublicSite, client: Client) -> None:
    before = timezone.now()
    site.old_news.save_revision().publish()
    since = before.isoformat().replace("+00:00", "Z")
    assert _titles(_get(client, f"/articles?modified_since={since}").json()) == ["Old news"]
    naive = before.replace(tzinfo=None).isoformat()  # read as UTC
    assert _titles(_get(client, f"/articles?modified_since={naive}").json()) == ["Old news"]
    later = (timezone.now() + datetime.timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    for collection in ("articles", "priority-areas", "tracker-items", "campaign-actions", "bulletin-issues"):
        assert _get(client, f"/{collection}?modified_since={later}").json()["count"] == 0, collection


@pytest.mark.parametrize(
    "moment", ["0656-01-16T05:16:48-17:47", "2395-06-16T09:07:59+18:58", "0001-01-01T00:00:00+01:00"]
)
def test_modified_since_takes_any_offset_python_reads(site: PublicSite, client: Client, moment: str) -> None:
    # PostgreSQL refuses a time zone displacement beyond ±15:59; Python reads up to a day.
    # The moment is compared as UTC, so the database never sees the offset (found by the
    # contract tests on PostgreSQL). A year-1 moment ahead of UTC is before the calendar: 400.
    response = client.get(f"{API}/articles", {"modified_since": moment})
    if moment.startswith("0001"):
        assert response.status_code == 400
    else:
        assert response.status_code == 200
        long_ago = _get(client, "/articles?modified_since=1970-01-01T00:00:00Z").json()["count"]
        expected = 0 if moment.startswith("2395") else long_ago
        assert response.json()["count"] == expected


# --- pages and errors ------------------------------------------------------------------------------


def test_pages_have_totals_and_links(site: PublicSite, client: Client) -> None:
    first = _get(client, "/articles?page_size=1&area=").json()
    assert (first["count"], first["page"], first["total_pages"], first["previous"]) == (2, 1, 2, None)
    assert first["next"] == "http://testserver/api/v1/articles?page_size=1&area=&page=2"
    second = client.get(first["next"]).json()
    assert _titles(second) == ["Old news"]
    assert second["next"] is None
    assert second["previous"] == "http://testserver/api/v1/articles?page_size=1&area=&page=1"
    past_the_end = _get(client, "/articles?page=9").json()
    assert (past_the_end["results"], past_the_end["count"], past_the_end["next"]) == ([], 2, None)
    assert past_the_end["previous"].endswith("page=1")


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        (f"page_size={MAX_PAGE_SIZE + 1}", "page_size"),
        ("page_size=1000000000000000000000000", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=-5", "page_size"),
        ("page=0", "page"),
        ("page=99999999999999999999999", "page"),
        ("page=abc", "page"),
        ("kind=gossip", "kind"),
        ("year=12", "year"),
        ("year=%C2%B2", "year"),
        ("modified_since=yesterday", "modified_since"),
        ("area=" + "a" * 101, "area"),
    ],
)
def test_bad_parameters_are_a_clear_json_400(site: PublicSite, client: Client, query: str, parameter: str) -> None:
    response = _get(client, f"/articles?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == 400
    assert [problem["parameter"] for problem in error["problems"]] == [parameter]
    assert error["problems"][0]["message"]


def test_unknown_addresses_and_ids_are_json_404s(site: PublicSite, client: Client) -> None:
    for path in ("/nothing-here", "/articles/", "/articles/x/y", "/tracker-items/no-such-item"):
        response = _get(client, path)
        assert response.status_code == 404, path
        assert response.json()["error"]["status"] == 404
    for path in ("/articles/not-a-uuid", "/campaign-actions/1/signatories"):
        response = _get(client, path)
        assert response.status_code == 400, path
        assert response.json()["error"]["problems"][0]["parameter"] == "id"


def test_only_get(site: PublicSite, client: Client) -> None:
    response = client.post(f"{API}/articles")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()["error"]["status"] == 405


def test_a_nul_character_is_refused_in_json_too(site: PublicSite, client: Client) -> None:
    response = _get(client, "/articles?area=%00")
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400


# --- headers ------------------------------------------------------------------------------------------


ALL_ADDRESSES = [
    "/",
    "/articles",
    "/priority-areas",
    "/coalitions",
    "/tracker-items",
    "/campaign-actions",
    "/bulletin-issues",
    "/openapi.json",
    "/docs",
    "/articles?page_size=1000",
    "/nothing-here",
]


@pytest.mark.parametrize("path", ALL_ADDRESSES)
def test_every_response_carries_validators_caching_and_cors_and_no_cookie(
    site: PublicSite, client: Client, path: str
) -> None:
    response = client.get(f"{API}{path}")
    assert response.has_header("ETag")
    assert response.has_header("Last-Modified")
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert not response.cookies


def test_campaign_answers_are_cached_as_briefly_as_the_campaign_pages(
    site: PublicSite, client: Client, settings: Any
) -> None:
    response = _get(client, "/campaign-actions")
    assert f"max-age={settings.CHORUS_CAMPAIGNS_CACHE_SECONDS}," in response["Cache-Control"]


@pytest.mark.parametrize("path", ["/articles", "/campaign-actions", "/openapi.json"])
def test_a_conditional_get_is_answered_with_304_from_the_view_and_from_the_page_cache(
    site: PublicSite, client: Client, path: str
) -> None:
    # The clock stands still: an answer made again after the cache is emptied carries the
    # time it was made as its Last-Modified, and a second passing in between would rightly
    # make it newer than the date asked about.
    with time_machine.travel(timezone.now(), tick=False):
        _conditional_gets(client, path)


def _conditional_gets(client: Client, path: str) -> None:
    first = client.get(f"{API}{path}")
    # The second request is served from the page cache; the third after the cache is emptied.
    for empty_cache_first in (False, True):
        if empty_cache_first:
            cache.clear()
        by_etag = client.get(f"{API}{path}", headers={"If-None-Match": first["ETag"]})
        assert by_etag.status_code == 304, empty_cache_first
        assert by_etag.content == b""
    by_date = client.get(f"{API}{path}", headers={"If-Modified-Since": first["Last-Modified"]})
    assert by_date.status_code == 304
    changed = client.get(f"{API}{path}", headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200


def test_publishing_retires_the_cached_answer(site: PublicSite, client: Client) -> None:
    assert "Old news" in _get(client, "/articles").content.decode()
    site.old_news.title = "Renamed news"
    site.old_news.save_revision().publish()
    assert "Renamed news" in _get(client, "/articles").content.decode()
