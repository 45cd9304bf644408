"""Prepared statements for the few fixed statements on hot paths (a ledger change, its outbox event).

Django's own cursors bind parameters on the client, so PostgreSQL parses and plans every statement
anew; for a points change that cost more server time than the work itself (bench/ledger.py). A
cursor with server-side binding on the same connection, in the same transaction and schema, lets
psycopg prepare a statement once it has run a few times. Prepared statements live in the database
session, which is why connection poolers must run in session mode (docs/deploy.md); PostgreSQL
plans them again when the search_path (the tenant) changes.
"""

from contextlib import contextmanager

import psycopg
from django.db import connection

PREPARE_AFTER = 2  # executions of the same statement before psycopg prepares it


@contextmanager
def prepared_cursor():
    with connection.cursor():  # connects, and django-tenants sets the tenant's search_path
        pass
    session = connection.connection
    if session.prepare_threshold is None:  # Django turns preparing off; only this cursor prepares
        session.prepare_threshold = PREPARE_AFTER
    with psycopg.Cursor(session) as cursor:
        yield cursor
