"""Django's PostgreSQL backend, checking a persistent connection's health only after it sat idle.

With ``CONN_HEALTH_CHECKS`` Django sends ``SELECT 1`` before the first query of every
request. Under load that is one more round trip for the web process and one more
statement for PostgreSQL on every request, for a connection that answered a query a
moment ago. Here a connection that finished a request without a database error less
than ``HEALTHY_FOR_SECONDS`` ago is taken to be alive; one that sat idle for longer
(overnight, through a database restart, past a firewall's idle timeout: what the check
is for) is still checked before it is used.

Its compilers differ from Django's in one way, described in ``compiler``.
"""

from __future__ import annotations

import math
import time

from django.db.backends.postgresql import base

from chorus.core.postgresql.operations import DatabaseOperations

HEALTHY_FOR_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations  # bulk inserts through UNNEST for keys to pages too (``compiler``)
    # When this connection last finished a request in which it answered without error.
    last_known_alive = -math.inf
    health_check_done: bool  # set by Django's own backend

    def close_if_health_check_failed(self) -> None:
        recently_alive = time.monotonic() - self.last_known_alive < HEALTHY_FOR_SECONDS
        if self.connection is not None and not self.health_check_done and recently_alive:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self) -> None:
        # health_check_done is set once a request has used the connection (and cleared below).
        used_without_error = self.connection is not None and self.health_check_done and not self.errors_occurred
        super().close_if_unusable_or_obsolete()
        if used_without_error and self.connection is not None:
            self.last_known_alive = time.monotonic()

    def close(self) -> None:
        super().close()
        self.last_known_alive = -math.inf
