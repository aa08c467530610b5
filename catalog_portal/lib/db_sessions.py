"""Time limits of database sessions: short for the portal's requests, long or none for the
management commands that load or migrate a catalogue.

PostgreSQL sessions start with the portal's ``statement_timeout`` (settings.py puts it in the
connection options, so it costs nothing per request); commands change it for their own
sessions. SQLite has no statement timeout: each connection gets a progress handler that
interrupts a statement running past its deadline (sqlite3 raises OperationalError
"interrupted"), the statement's start being taken from SQLite's trace callback.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.dispatch import receiver

# SQLite virtual-machine steps between two looks at the clock: a look costs a Python call,
# 10,000 steps take some 100 µs, so the deadline is kept to well under a millisecond.
SQLITE_STEPS_PER_CHECK = 10_000

_commands = False  # True in a management command that asked for the longer limit


def statement_limit_seconds() -> float:
    """The statement time limit of this process's sessions in seconds (0: none)."""
    return settings.DB_COMMAND_STATEMENT_TIMEOUT if _commands else settings.DB_STATEMENT_TIMEOUT


@contextmanager
def command_limits() -> Iterator[None]:
    """Give this process's sessions the management commands' limit for the block."""
    global _commands
    before, _commands = _commands, True
    open_sessions_limit()
    try:
        yield
    finally:
        _commands = before
        open_sessions_limit()


def open_sessions_limit() -> None:
    """Apply the current limit to the sessions this process has open (after a change)."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            session_limit_apply(connection=connection, seconds=statement_limit_seconds())


def session_limit_apply(*, connection: BaseDatabaseWrapper, seconds: float) -> None:
    """Limit each statement of ``connection``'s open session to ``seconds`` (0: no limit)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, false)", [str(round(seconds * 1000))]
            )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        _sqlite_deadline_set(raw=connection.connection, seconds=seconds)


def _sqlite_deadline_set(*, raw: sqlite3.Connection, seconds: float) -> None:
    if not seconds:
        raw.set_progress_handler(None, 0)
        raw.set_trace_callback(None)
        return
    started = [time.monotonic()]

    def statement_started(_sql: str) -> None:
        started[0] = time.monotonic()

    def past_deadline() -> bool:  # a true answer interrupts the statement
        return time.monotonic() - started[0] > seconds

    raw.set_trace_callback(statement_started)
    raw.set_progress_handler(past_deadline, SQLITE_STEPS_PER_CHECK)


@receiver(connection_created)
def _session_limit_on_connect(sender, connection: BaseDatabaseWrapper, **kwargs) -> None:
    # PostgreSQL sessions have the portal's limit from their options already; only commands
    # (and every SQLite connection, which has no such option) need a word.
    if connection.vendor == "sqlite" or _commands:
        session_limit_apply(connection=connection, seconds=statement_limit_seconds())


@receiver(pre_migrate)
def _migrations_unlimited(sender, using: str, **kwargs) -> None:
    # Migrations build indexes over every item: they get the commands' limit for their run.
    connection = connections[using]
    connection.ensure_connection()
    session_limit_apply(connection=connection, seconds=settings.DB_COMMAND_STATEMENT_TIMEOUT)


@receiver(post_migrate)
def _migrations_done(sender, using: str, **kwargs) -> None:
    session_limit_apply(connection=connections[using], seconds=statement_limit_seconds())
