"""Django's PostgreSQL backend: health checks only for connections that sat idle (``base``),
and bulk inserts through UNNEST for keys to page types too (``compiler``)."""
