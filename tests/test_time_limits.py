"""A query that runs past the statement time limit is cancelled and answered 503 with
Retry-After and a message, never a 500 or the database's words; on PostgreSQL through
``statement_timeout``, on SQLite through the progress-handler deadline.

The portal runs in a child process (``manage.py serve``) with a tiny limit, over enough
synthetic items that a search on an unindexed property cannot finish within it.
"""

from __future__ import annotations

import json
import logging
import urllib.parse

import pytest

from catalog_portal.demo.synthetic import SYNTHETIC_ID, synthetic_items_add
from catalog_portal.lib.db_sessions import command_limits, open_sessions_limit
from tests.portal_process import http_request, portal_process

# A full scan over this many items takes tens of milliseconds on either database.
ITEMS = 20_000
# A condition no index answers, so every item's properties are read: through the STAC API,
# the explore page and the tiles' search registration (which computes the search's bounds).
SLOW_FILTER = "platform = 'no-such-platform'"
SLOW_SEARCH = "/api/v1/search?" + urllib.parse.urlencode(
    {"collections": SYNTHETIC_ID, "filter": SLOW_FILTER, "limit": 1}
)
# Explore counts up to 1,000 matches and lists the first page: more than a millisecond's work.
SLOW_PAGE = "/explore/?" + urllib.parse.urlencode(
    {"collection": SYNTHETIC_ID, "bbox": "9,46,18,49.5", "p.platform": "sentinel-2a"}
)
SLOW_REGISTRATION = {"collections": [SYNTHETIC_ID], "filter": SLOW_FILTER}
DATABASE_WORDS = ("statement timeout", "canceling", "interrupted", "OperationalError", "psycopg")


@pytest.fixture
def many_items(transactional_db) -> None:
    # A bulk load, as `load_demo --synthetic-items` runs it: not held to the portal's limit.
    with command_limits():
        synthetic_items_add(count=ITEMS)


def assert_temporarily_unavailable(status: int, headers, body: bytes) -> None:
    assert status == 503, body[:300]
    assert int(headers["Retry-After"]) > 0
    for word in DATABASE_WORDS:
        assert word.lower() not in body.decode().lower()


def test_requests_past_the_statement_time_limit_answer_503_and_the_portal_goes_on(many_items):
    with portal_process(env={"DB_STATEMENT_TIMEOUT": "0.001"}) as portal:
        status, headers, body = http_request(portal.url + SLOW_SEARCH)
        assert_temporarily_unavailable(status, headers, body)
        answer = json.loads(body)
        assert answer["code"] == "ServiceUnavailable"
        assert "too long" in answer["description"]

        status, headers, body = http_request(portal.url + SLOW_PAGE)
        assert_temporarily_unavailable(status, headers, body)
        assert b"too long" in body and b"<html" in body

        url = portal.url + "/tiles/searches/register"
        status, headers, body = http_request(url, body=SLOW_REGISTRATION)
        assert_temporarily_unavailable(status, headers, body)
        assert "too long" in json.loads(body)["detail"]

        # The next request gets a working connection: the cancelled ones did not poison it.
        assert http_request(portal.url + "/healthz")[0] == 200
        assert portal.alive()
    # Each failure is logged once, with its path; no traceback.
    for path in ("/api/v1/search", "/explore/", "/tiles/searches/register"):
        assert portal.output.count(f"database timed out at {path}:") == 1, portal.output
    assert "Traceback" not in portal.output


def test_without_a_tight_limit_the_same_search_answers(many_items):
    with portal_process(env={"DB_STATEMENT_TIMEOUT": "30"}) as portal:
        status, _headers, body = http_request(portal.url + SLOW_SEARCH)
        assert status == 200, body[:300]
        assert json.loads(body)["features"] == []


def test_management_commands_are_not_held_to_the_portal_limit(many_items, client, settings):
    portal_limit = settings.DB_STATEMENT_TIMEOUT
    settings.DB_STATEMENT_TIMEOUT = 0.001
    settings.DB_COMMAND_STATEMENT_TIMEOUT = 0
    try:
        open_sessions_limit()
        assert client.get(SLOW_SEARCH).status_code == 503
        with command_limits():
            assert client.get(SLOW_SEARCH).status_code == 200
        assert client.get(SLOW_SEARCH).status_code == 503
    finally:
        settings.DB_STATEMENT_TIMEOUT = portal_limit
        open_sessions_limit()


def test_a_request_past_the_time_limit_is_logged_once(many_items, client, settings, caplog):
    # Django logs every answer of 400 and more; ours are logged by lib/db_errors.py with the
    # path and the database's words, and Django must not add a second line for them.
    portal_limit = settings.DB_STATEMENT_TIMEOUT
    settings.DB_STATEMENT_TIMEOUT = 0.001
    try:
        open_sessions_limit()
        for path in (SLOW_SEARCH, SLOW_PAGE):
            caplog.clear()
            with caplog.at_level(logging.INFO):
                assert client.get(path).status_code == 503
            logged = [
                (r.name, r.getMessage()) for r in caplog.records if r.levelno >= logging.WARNING
            ]
            assert len(logged) == 1, logged
            name, message = logged[0]
            assert name == "catalog_portal.database"
            assert message.startswith(f"database timed out at {path.split('?')[0]}: ")
    finally:
        settings.DB_STATEMENT_TIMEOUT = portal_limit
        open_sessions_limit()
