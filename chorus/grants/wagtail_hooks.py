"""The funding pages in the Wagtail admin: a new fund is at once open to the Grants officers who run it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from wagtail import hooks

from chorus.grants.models import FundPage
from chorus.grants.services.funds import fund_permissions_grant


@hooks.register("after_create_page")
def grants_officers_run_the_new_fund(request: HttpRequest, page: Any) -> None:
    specific = page.specific
    if isinstance(specific, FundPage):
        fund_permissions_grant(fund=specific, actor=request.user, screen=request.path[:200])
