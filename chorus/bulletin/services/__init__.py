"""Writes for the bulletin, one module per concern.

- ``subscriptions``: subscribing (double opt-in), confirming, preferences, unsubscribing.
- ``bounces``: bounces recorded, and the addresses they suspend.
- ``retention``: forgetting unconfirmed and long-ended subscriptions.
- ``drafts``: the weekly draft assembled from what each app contributes.
- ``lifecycle``: the life of an issue: schedule, send, pause, resume, finish, reconcile.

Reads live in ``chorus.bulletin.selectors``; sending runs in ``chorus.bulletin.sending``;
the emails in ``chorus.bulletin.emails``.
"""
