"""Operational endpoints."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chorus.core.health import DOWN, health_report


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For the load balancer and the monitor: 503 only when the database is down.

    A dead cache or a task backlog answers 200 with ``"status": "degraded"``, so a load
    balancer keeps every node (they would all fail alike) while a monitor can alert.
    """
    report = health_report()
    return JsonResponse(report.as_json(), status=503 if report.status == DOWN else 200)
