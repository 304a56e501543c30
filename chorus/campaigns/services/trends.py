"""Alerts to campaigners when one hashed address or email domain signs unusually often."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from chorus.campaigns.models import ActionPage
from chorus.campaigns.selectors import Trend, trend_domain, unusual_trends
from chorus.core.audit import log_action
from chorus.core.outbox import email_staff

# A key's usual share of signing is read from this long before the hour checked. Address
# hashes last CHORUS_CAMPAIGNS_IP_HASH_DAYS (7), so a longer period would add nothing for them.
TREND_BASELINE = timedelta(days=7)
# How often the periodic check runs (chorus.campaigns.tasks.trend_check); what it found is
# kept in the cache this long, for the staff home page.
TREND_CHECK_EVERY = timedelta(hours=1)
LATEST_TRENDS_KEY = "campaigns:trends:latest"


def _trends_in_the_last_hour() -> list[Trend]:
    hour_start = timezone.now() - timedelta(hours=1)
    return unusual_trends(
        since=hour_start,
        threshold=settings.CHORUS_CAMPAIGNS_TREND_THRESHOLD,
        factor=settings.CHORUS_CAMPAIGNS_TREND_FACTOR,
        baseline_since=hour_start - TREND_BASELINE,
    )


def _keep(trends: list[Trend]) -> None:
    # The cache degrades rather than fails (chorus.core.cache): with Redis down this keeps nothing.
    cache.set(LATEST_TRENDS_KEY, trends, timeout=int(TREND_CHECK_EVERY.total_seconds()))


def latest_trends() -> list[Trend]:
    """What the last trend check found, for the staff home page.

    The check over a week of signing is too heavy for every page load, so the page reads
    what the hourly check kept. With nothing kept (the check has not run since the cache
    was emptied, or Redis is down), the trends are worked out here and kept until the
    next check, so the page shows the same whether the cache answers or not.
    """
    kept = cache.get(LATEST_TRENDS_KEY)
    if isinstance(kept, list):
        return kept
    trends = _trends_in_the_last_hour()
    _keep(trends)
    return trends


def trends_check() -> int:
    """Email campaigners when one hashed address or domain signs unusually often; returns alerts."""
    from chorus.accounts.models import User

    trends = _trends_in_the_last_hour()
    _keep(trends)
    if not trends:
        return 0
    # Whoever can act on an alert (invalidate, block) gets it: campaigners, and superusers,
    # who in a small network may be the only staff, as in the demo.
    can_act = User.objects.with_perm(
        "campaigns.change_signature", is_active=True, backend="django.contrib.auth.backends.ModelBackend"
    )
    recipients = list(can_act.exclude(email="").values_list("pk", flat=True))
    titles = dict(ActionPage.objects.filter(pk__in={t.action_id for t in trends}).values_list("pk", "title"))
    alerts = []
    for trend in trends:
        # Campaigners can act on a domain they can read: the block list and the bulk
        # invalidation take the domain itself, and a hash alone says nothing.
        domain = trend_domain(email_domain_hash=trend.key_hash) if trend.kind == "email domain" else ""
        criteria = {"email_domain": domain} if domain else {"ip_hash": trend.key_hash}
        path = reverse("campaigns_admin_invalidate", kwargs={"pk": trend.action_id})
        url = f"{settings.SITE_URL}{path}?{urlencode(criteria)}"
        # Plain data: the email waits in the outbox until it goes.
        trend_data = {
            "signatures": trend.signatures,
            "key_hash": trend.key_hash,
            "expected_in_words": trend.expected_in_words,
        }
        alerts.append({"trend": trend_data, "title": titles.get(trend.action_id, ""), "domain": domain, "url": url})
    for user_id in recipients:
        email_staff(user_id=user_id, template="campaigns/email/trend_alert", context={"alerts": alerts})
    log_action(
        "campaigns.trends.alerted",
        data={"alerts": len(trends), "recipients": len(recipients)},
        screen="task: campaigns.trend_check",
    )
    return len(trends)
