"""What /healthz/ reports: the database, the cache and the task queue, each checked briefly.

The database is the one dependency a node cannot serve without, so only its failure
makes the node "down" (a load balancer takes it out). A dead cache or a growing task
backlog makes it "degraded": the node still serves, so a balancer leaves every node in,
but a monitor can alert on the word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import Error as DatabaseError
from django.db import connection
from django.db.models import Case, Count, F, Min, When
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

from chorus.core.cache import cache_reachable

OK = "ok"
DEGRADED = "degraded"
DOWN = "down"


@dataclass(frozen=True)
class Check:
    status: str  # "ok", "down", "backlog", "unknown" or "not used"
    details: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"status": self.status, **self.details}


@dataclass(frozen=True)
class Health:
    database: Check
    cache: Check
    tasks: Check

    @property
    def status(self) -> str:
        if self.database.status != OK:
            return DOWN
        if self.cache.status != OK or self.tasks.status not in {OK, "not used"}:
            return DEGRADED
        return OK

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "database": self.database.as_json(),
            "cache": self.cache.as_json(),
            "tasks": self.tasks.as_json(),
        }


def database_check() -> Check:
    # A connection that cannot be made gives up after DATABASE_CONNECT_TIMEOUT (PostgreSQL).
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        return Check(DOWN, {"error": type(error).__name__})
    return Check(OK)


def cache_check() -> Check:
    # Bounded by the Redis timeouts, and skipped while the circuit breaker is open.
    return Check(OK if cache_reachable(cache) else DOWN)


def tasks_check() -> Check:
    """How many queued tasks are due and how long the oldest has waited."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    if not isinstance(backend, DatabaseBackend):
        return Check("not used")  # tasks run elsewhere (in tests, at once)
    not_deferred = get_date_max()
    waiting = DBTaskResult.objects.ready().filter(backend_name=backend.alias)
    figures = waiting.aggregate(
        due=Count("pk"),
        # A deferred task waits from when it was due, any other from when it was queued.
        since=Min(Case(When(run_after=not_deferred, then=F("enqueued_at")), default=F("run_after"))),
    )
    since = figures["since"]
    oldest = max(0, int((timezone.now() - since).total_seconds())) if since is not None else 0
    status = "backlog" if oldest > settings.CHORUS_HEALTH_TASK_WAIT_SECONDS else OK
    return Check(status, {"due": figures["due"], "oldest_wait_seconds": oldest})


def health_report() -> Health:
    """Every check, each within its own short timeout."""
    database = database_check()
    if database.status != OK:
        tasks = Check("unknown")  # the queue lives in the database
    else:
        try:
            tasks = tasks_check()
        except DatabaseError as error:
            tasks = Check("unknown", {"error": type(error).__name__})
    return Health(database=database, cache=cache_check(), tasks=tasks)
