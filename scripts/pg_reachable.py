"""Exit 0 if the PostgreSQL server in the given URL answers, else 1."""

import sys

import psycopg

url = sys.argv[1].replace("postgres://", "postgresql://", 1)
server_url = url.rsplit("/", 1)[0] + "/postgres"
try:
    psycopg.connect(server_url, connect_timeout=3).close()
except psycopg.Error:
    sys.exit(1)
