"""Alerts to campaigners when one hashed address or email domain signs unusually often."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from chorus.campaigns.models import ActionPage
from chorus.campaigns.selectors import trend_domain, unusual_trends
from chorus.core.audit import log_action
from chorus.core.outbox import email_staff

# A key's usual share of signing is read from this long before the hour checked. Address
# hashes last CHORUS_CAMPAIGNS_IP_HASH_DAYS (7), so a longer period would add nothing for them.
TREND_BASELINE = timedelta(days=7)


def trends_check() -> int:
    """Email campaigners when one hashed address or domain signs unusually often; returns alerts."""
    from chorus.accounts.models import User

    hour_start = timezone.now() - timedelta(hours=1)
    trends = unusual_trends(
        since=hour_start,
        threshold=settings.CHORUS_CAMPAIGNS_TREND_THRESHOLD,
        factor=settings.CHORUS_CAMPAIGNS_TREND_FACTOR,
        baseline_since=hour_start - TREND_BASELINE,
    )
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
