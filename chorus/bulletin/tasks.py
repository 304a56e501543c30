"""Background work for the bulletin. Tasks take ids and call services."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from chorus.bulletin import services
from chorus.bulletin.models import Subscription, SubscriptionStatus
from chorus.bulletin.tokens import confirm_token, manage_token
from chorus.core.leases import lease
from chorus.core.mail import send_templated_email
from chorus.core.periodic import periodic


@task
def send_confirmation_email(subscription_id: int) -> None:
    subscription = Subscription.objects.select_related("person").filter(pk=subscription_id).first()
    if subscription is None or not subscription.person.email:
        return
    if subscription.status not in {SubscriptionStatus.PENDING, SubscriptionStatus.SUSPENDED}:
        return
    send_templated_email(
        to=subscription.person.email,
        template="bulletin/email/confirm",
        context={"name": subscription.person.name, "token": confirm_token(subscription.pk)},
    )


@task
def send_already_subscribed_email(subscription_id: int) -> None:
    # Someone asked to subscribe an address that already gets the bulletin: tell its
    # owner by email, never on screen, so the form reveals nothing about who subscribes.
    subscription = Subscription.objects.select_related("person").filter(pk=subscription_id).first()
    if subscription is None or not subscription.person.email:
        return
    send_templated_email(
        to=subscription.person.email,
        template="bulletin/email/already_subscribed",
        context={"name": subscription.person.name, "token": manage_token(subscription.pk)},
    )


# A large send may outlast the default lease. Running it again is safe (rows are claimed;
# a batch whose worker died goes to reconciliation), but one run per issue is enough.
@lease(timedelta(hours=1))
@task
def send_issue(issue_id: int) -> None:
    """Send batches until the issue has nothing left to claim (dedicated workers may help)."""
    from chorus.bulletin.sending import run_worker

    run_worker(issue_id=issue_id, until_idle=True)


@periodic(every=timedelta(hours=1), name="bulletin-draft")
@task
def assemble_weekly_draft() -> None:
    services.issue_draft_assemble()


@periodic(every=timedelta(minutes=1), name="bulletin-scheduled")
@task
def start_scheduled_issues() -> None:
    from chorus.bulletin.selectors import scheduled_issue_ids_due

    for issue_id in scheduled_issue_ids_due():
        services.issue_send_scheduled(issue_id=issue_id)


@task
def send_schedule_failed_email(issue_id: int) -> None:
    services.issue_schedule_failure_notify(issue_id=issue_id)


@periodic(every=timedelta(minutes=1), name="bulletin-stale-claims")
@task
def recover_stale_claims() -> None:
    from chorus.bulletin.sending import deliveries_recover_stale

    deliveries_recover_stale()


@periodic(every=timedelta(days=1), name="bulletin-pending-cleanup")
@task
def remove_unconfirmed() -> None:
    services.subscriptions_remove_unconfirmed()


@periodic(every=timedelta(days=1), name="bulletin-ended-cleanup")
@task
def remove_ended() -> None:
    services.subscriptions_remove_ended()
