"""Writes for the support desk, one module per concern. Views and tasks call these;
nothing else changes a request.

- ``submission``: a member's alert or request arrives; its emailed link is confirmed or disowned.
- ``transitions``: the workflow (``chorus.support.workflow``) and its clocks.
- ``conversation``: messages to and from the member, internal notes, withdrawing.
- ``triage``: assigning, tags and links, audited views.
- ``retention``: closing what was left, anonymising, erasure.
- ``notices``: emails to staff that something happened (never what).

Reads live in ``chorus.support.selectors``; the emails in ``chorus.support.emails``.
"""
