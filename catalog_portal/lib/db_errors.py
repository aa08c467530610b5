"""Which exceptions mean "the database cannot answer now", and what every front door says then.

Pages, the STAC API, the tiles and the data API each map these to a 503 with ``Retry-After``
in their own shape, from here: an outage (server stopped, connection refused or cut, no
connection from the pool in time) and a statement cancelled at its time limit
(``statement_timeout`` on PostgreSQL, the progress-handler deadline on SQLite). The
database's own words go to the log, once, with the request path; never into a response.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass

import psycopg
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.utils.log import log_response
from django.utils.translation import gettext_noop

logger = logging.getLogger("catalog_portal.database")
_LOG_MESSAGE = "database %s at %s: %s"

# Django wraps the driver's errors in its own classes; the driver's are listed too for code
# that talks to psycopg or sqlite3 directly (the pool, a raw cursor).
DATABASE_UNAVAILABLE: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    sqlite3.OperationalError,
)

# Seconds a client is asked to wait: about what a restarting server or a pool that
# reconnects with back-off needs.
RETRY_AFTER_SECONDS = 5


@dataclass(frozen=True)
class DatabaseFailure:
    """What a front door answers when the database failed: status, a message for people and
    programs, and the headers (``Retry-After``)."""

    status: int
    message: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"}


# In English for programs; marked for translation so that pages show them in the visitor's
# language (web/unavailable.py).
TIMED_OUT = DatabaseFailure(
    status=503,
    message=gettext_noop(
        "The request took too long and was stopped. Narrow it (fewer items, a smaller "
        "area or a simpler filter) or try again later."
    ),
)
UNAVAILABLE = DatabaseFailure(
    status=503,
    message=gettext_noop(
        "The catalogue is temporarily unavailable. Please try again in a few seconds."
    ),
)


def database_failure_of(error: BaseException) -> DatabaseFailure:
    """The answer to ``error`` (one of DATABASE_UNAVAILABLE): a time limit or an outage."""
    return TIMED_OUT if _timed_out(error) else UNAVAILABLE


def database_failure(*, error: BaseException, path: str) -> DatabaseFailure:
    """The answer to ``error`` (one of DATABASE_UNAVAILABLE), logged once with ``path``: for
    the ASGI apps (tiles, data), whose servers do not log an answered request themselves."""
    failure = database_failure_of(error)
    logger.warning(_LOG_MESSAGE, _kind(failure), path, _first_line(error))
    return failure


def django_response_finish(
    *, request: HttpRequest, response: HttpResponse, error: BaseException
) -> HttpResponse:
    """Give a Django answer to a database failure its headers, and log it once with the path.

    Django's request handler logs every answer of 400 and more through ``log_response``,
    which logs a response only once; logging ours through it, with our logger and level,
    leaves Django's own "Service Unavailable" line out (tests/test_time_limits.py checks).
    """
    failure = database_failure_of(error)
    for name, value in failure.headers.items():
        response[name] = value
    log_response(
        _LOG_MESSAGE,
        _kind(failure),
        request.path,
        _first_line(error),
        response=response,
        request=request,
        logger=logger,
        level="warning",
    )
    return response


def _kind(failure: DatabaseFailure) -> str:
    return "timed out" if failure is TIMED_OUT else "unavailable"


def _timed_out(error: BaseException) -> bool:
    cause = error.__cause__ or error
    if isinstance(cause, psycopg.errors.QueryCanceled):
        return True  # statement_timeout (a client's cancel request too, answered alike)
    return isinstance(cause, sqlite3.OperationalError) and str(cause) == "interrupted"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"
