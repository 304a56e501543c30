"""Campaign pages that lead somewhere: cards with progress, updates on the page, the
thank-you page's next steps, and sharing that loads nothing from elsewhere."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from PIL import Image

from chorus.campaigns.models import CampaignUpdate, OpenLetterPage, SignatureCount
from chorus.campaigns.tests.factories import letter, petition
from chorus.campaigns.workflow import ActionState
from chorus.pages.models import PriorityAreaPage
from chorus.pages.tests.factories import PriorityAreaIndexPageFactory, PriorityAreaPageFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def area_page(index: Any) -> PriorityAreaPage:
    areas = PriorityAreaIndexPageFactory(parent=index.get_parent(), slug="priorities")
    page: PriorityAreaPage = PriorityAreaPageFactory(parent=areas, slug="surveillance")
    return page


def counted(action: Any, total: int) -> None:
    SignatureCount.objects.update_or_create(action=action, defaults={"total": total, "individuals": total})


def test_campaign_cards_show_the_count_the_goals_progress_and_the_days_left(index: Any, client: Client) -> None:
    soon = petition(
        index, title="Wards without cameras", goal=200, closing_date=timezone.localdate() + timedelta(days=5)
    )
    counted(soon, 50)
    open_letter = letter(index, title="Data belongs to us")
    counted(open_letter, 1)
    html = client.get(index.url).content.decode()
    card = html[html.index("Wards without cameras") :]
    assert "<strong>50</strong> signatures of a goal of 200" in card
    assert re.search(
        r'<label for="goal-\d+">25% of the goal</label> <progress id="goal-\d+" max="200" value="50">', card
    )
    assert ">closes in 5 days (" in card
    # An open letter has no goal: its count alone, and no empty bar.
    letter_card = html[html.index("Data belongs to us") :]
    assert "<strong>1</strong> signature</p>" in letter_card.split("</li>")[0]
    assert "<progress" not in letter_card.split("</li>")[0]


def test_a_count_past_the_goal_fills_the_bar_and_says_the_real_number(index: Any, client: Client) -> None:
    action = petition(index, title="Over the top", goal=10)
    counted(action, 25)
    html = client.get(index.url).content.decode()
    assert "<strong>25</strong> signatures of a goal of 10" in html
    assert 'max="10" value="10">100%</progress>' in html


def test_updates_emailed_to_signers_appear_on_the_page_newest_first_with_delivered_and_outcome(
    index: Any, client: Client
) -> None:
    action = letter(index, title="Cameras off", slug="cameras-off", addressee="NHS England")
    now = timezone.now()
    CampaignUpdate.objects.create(
        action=action, subject="We have 200 names", body="Thank you.", started_at=now - timedelta(days=9)
    )
    CampaignUpdate.objects.create(
        action=action, subject="We delivered it", body="We met the board.", started_at=now - timedelta(days=1)
    )
    CampaignUpdate.objects.create(action=action, subject="Not sent yet", body="Draft.")
    OpenLetterPage.objects.filter(pk=action.pk).update(
        state=ActionState.DELIVERED, delivered_at=now - timedelta(days=2), outcome="The board agreed to a review."
    )
    html = client.get(action.url).content.decode()
    assert '<h2 id="updates-heading">What has happened</h2>' in html
    assert "<strong>Delivered</strong> on" in html and "to NHS England." in html
    assert "<p>The board agreed to a review.</p>" in html
    assert html.index("We delivered it") < html.index("We have 200 names")
    assert "Not sent yet" not in html


def test_an_action_with_no_news_has_no_updates_section(index: Any, client: Client) -> None:
    action = letter(index)
    assert "updates-heading" not in client.get(action.url).content.decode()


def test_the_thank_you_page_offers_the_campaigns_other_action_the_bulletin_and_sharing(
    index: Any, area_page: Any, client: Client
) -> None:
    signed = letter(index, title="Cameras off", slug="cameras-off")
    other = petition(index, title="Halt bedroom monitoring", slug="halt")
    for action in (signed, other):
        action.priority_areas.set([area_page])
        action.save()
    response = client.get(signed.url + "sign/confirmed/")
    html = response.content.decode()
    assert not response.cookies
    assert 'href="/campaigns/halt/sign/"' in html
    assert 'href="/bulletin/subscribe/"' in html
    assert 'id="share-url" type="text" value="http://' in html and '/campaigns/cameras-off/" readonly' in html
    assert f'href="/campaigns/{signed.pk}/share/mastodon/">Share on Mastodon</a>' in html


def test_the_action_page_carries_link_preview_meta_with_an_absolute_image_url(
    index: Any, client: Client, settings: Any
) -> None:
    settings.SITE_URL = "https://chorus.example"
    action = letter(index, title="Cameras off", slug="cameras-off", summary="Stop the cameras.")
    counted(action, 42)
    html = client.get(action.url).content.decode()
    assert '<meta property="og:title" content="Cameras off">' in html
    assert '<meta property="og:description" content="Stop the cameras.">' in html
    assert '<meta property="og:url" content="https://chorus.example/campaigns/cameras-off/">' in html
    image = f"https://chorus.example/campaigns/{action.pk}/share.png?count=42"
    assert f'<meta property="og:image" content="{image}">' in html
    assert f'<meta name="twitter:image" content="{image}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_share_links_are_plain_links_with_prefilled_text(index: Any, client: Client, settings: Any) -> None:
    settings.SITE_URL = "https://chorus.example"
    action = letter(index, title="Cameras off", slug="cameras-off")
    html = client.get(action.url).content.decode()
    page_url = "https%3A%2F%2Fchorus.example%2Fcampaigns%2Fcameras-off%2F"
    assert 'href="mailto:?subject=Cameras%20off%3A%20sign%20the%20open%20letter&amp;body=' in html
    assert f'href="https://wa.me/?text=Cameras%20off%3A%20sign%20the%20open%20letter%20{page_url}"' in html
    assert (
        f'href="https://bsky.app/intent/compose?text=Cameras%20off%3A%20sign%20the%20open%20letter%20{page_url}"'
        in html
    )
    assert (
        f'href="https://x.com/intent/post?text=Cameras%20off%3A%20sign%20the%20open%20letter&amp;url={page_url}"'
        in html
    )
    # The copy button is hidden until share.js adds it: without JavaScript, the field is there to copy.
    assert '<button type="button" class="button" data-copy="share-url" hidden>Copy link</button>' in html
    # Nothing from elsewhere is loaded: no script, image, frame or style from another host.
    assert not re.search(r'<(script|img|iframe|link)[^>]+(src|href)="https?://', html)


def test_the_share_image_is_a_png_of_the_count_drawn_once_per_count(index: Any, client: Client) -> None:
    action = letter(index, title="Cameras off")
    counted(action, 7)
    # As the page's meta links it: the count in the address, so a new count is a new image to caches.
    first = client.get(f"/campaigns/{action.pk}/share.png?count=7")
    assert first.status_code == 200 and first["Content-Type"] == "image/png"
    assert first.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert "public" in first["Cache-Control"] and not first.cookies
    with Image.open(io.BytesIO(first.content)) as image:
        assert image.size == (1200, 630)
    assert client.get(f"/campaigns/{action.pk}/share.png?count=7").content == first.content
    counted(action, 8)
    assert client.get(f"/campaigns/{action.pk}/share.png?count=8").content != first.content


@pytest.mark.parametrize(
    ("typed", "server"),
    [
        ("mastodon.social", "mastodon.social"),
        ("https://Kolektiva.Social/", "kolektiva.social"),
        ("@sam@mas.to", "mas.to"),
    ],
)
def test_mastodon_sharing_asks_for_the_server_and_sends_the_reader_there(
    index: Any, client: Client, typed: str, server: str
) -> None:
    action = letter(index, title="Cameras off", slug="cameras-off")
    url = f"/campaigns/{action.pk}/share/mastodon/"
    form = client.get(url)
    assert form.status_code == 200 and not form.cookies
    assert f'<form method="post" action="{url}"' in form.content.decode()
    response = client.post(url, {"server": typed})
    assert response.status_code == 302
    assert response["Location"].startswith(
        f"https://{server}/share?text=Cameras%20off%3A%20sign%20the%20open%20letter%20"
    )


@pytest.mark.parametrize("typed", ["", "not a server", "javascript:alert(1)", "evil.example/path?x=", "localhost"])
def test_mastodon_sharing_refuses_anything_but_a_server_name(index: Any, client: Client, typed: str) -> None:
    action = letter(index)
    response = client.post(f"/campaigns/{action.pk}/share/mastodon/", {"server": typed})
    assert response.status_code == 400
    assert "Enter your Mastodon server" in response.content.decode()


def test_mastodon_sharing_refuses_a_post_from_another_site(index: Any, client: Client) -> None:
    action = letter(index)
    response = client.post(
        f"/campaigns/{action.pk}/share/mastodon/",
        {"server": "mastodon.social"},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403


def test_an_actions_days_left_turn_over_at_uk_midnight(index: Any, client: Client) -> None:
    from django.core.cache import cache

    action = letter(index, slug="dated", closing_date=date(2026, 12, 8))
    with time_machine.travel(datetime(2026, 12, 7, 23, 59, tzinfo=LONDON), tick=False):
        assert (
            '<time datetime="2026-12-08">closes tomorrow (Tue 8 Dec)</time>' in client.get(action.url).content.decode()
        )
    cache.clear()  # the page cache would otherwise answer with the page of a minute ago
    with time_machine.travel(datetime(2026, 12, 8, 0, 1, tzinfo=LONDON), tick=False):
        html = client.get(action.url).content.decode()
        assert '<time datetime="2026-12-08">closes today (Tue 8 Dec)</time>' in html
        assert "closes today (Tue 8 Dec)" in client.get(index.url).content.decode()


def test_a_tracked_items_page_says_the_days_left_beside_the_deadline(client: Client, index: Any) -> None:
    from chorus.tracker.tests.factories import SubmissionWindowFactory, TrackerPageFactory, london

    TrackerPageFactory(parent=index.get_parent(), slug="tracker")
    SubmissionWindowFactory(
        item__slug="ward-cameras", opens_at=london(2026, 11, 1, 9), closes_at=london(2026, 11, 10, 23, 59)
    )
    with time_machine.travel(datetime(2026, 11, 5, 12, 0, tzinfo=LONDON), tick=False):
        html = " ".join(client.get("/tracker/ward-cameras/").content.decode().split())
    assert "(UK time): closes in 5 days (Tue 10 Nov)</dd>" in html


def test_the_action_page_names_its_priority_areas_at_its_foot(index: Any, area_page: Any, client: Client) -> None:
    action = letter(index, title="Cameras off", slug="cameras-off")
    action.priority_areas.set([area_page])
    action.save()
    html = client.get(action.url).content.decode()
    footer = html[html.index('<footer class="meta">') :].split("</footer>")[0]
    assert f'Priority area: <a href="{area_page.url}">{area_page.title}</a>' in footer
