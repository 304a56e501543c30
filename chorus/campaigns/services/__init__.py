"""Writes for campaign actions, one module per concern.

- ``signing``: taking signatures in and filing them; asking for signers' emails.
- ``confirmation``: the confirm button, consents and the bulletin it may start.
- ``counts``: public counts refreshed in batches.
- ``actions``: an action's workflow (open, close, deliver).
- ``moderation``: organisations' signatures, bulk invalidation and its reversal.
- ``trends``: alerts to campaigners about unusual signing.
- ``updates``: updates to signers who asked for them.
- ``retention``: anonymising signers and erasure.

Reads live in ``chorus.campaigns.selectors``; the emails in ``chorus.campaigns.emails``.
"""
