"""A query that runs past the statement time limit is cancelled and answered 503 with
Retry-After and a message, never a 500 or the database's words; on PostgreSQL through
``statement_timeout``, on SQLite through the progress-handler deadline.

The portal runs in a child process (``manage.py serve``) with a tiny limit, over enough
synthetic items that a search on an unindexed property cannot finish within it.
"""

from __future__ import annotations

import json
import urllib.parse

import pytest

from catalog_portal.catalog.demo.synthetic import SYNTHETIC_ID, synthetic_items_add
from tests.portal_process import http_get, portal_process

# A full scan over this many items takes tens of milliseconds on either database.
ITEMS = 20_000
# Search with a condition no index answers: every item's properties are read.
SLOW_SEARCH = "/api/v1/search?" + urllib.parse.urlencode(
    {"collections": SYNTHETIC_ID, "filter": "platform = 'no-such-platform'", "limit": 1}
)
DATABASE_WORDS = ("statement timeout", "canceling", "interrupted", "OperationalError", "psycopg")


@pytest.fixture
def many_items(transactional_db) -> None:
    synthetic_items_add(count=ITEMS)


def assert_temporarily_unavailable(status: int, headers, body: bytes) -> None:
    assert status == 503, body[:300]
    assert int(headers["Retry-After"]) > 0
    for word in DATABASE_WORDS:
        assert word.lower() not in body.decode().lower()


def test_a_search_past_the_statement_time_limit_answers_503_and_the_portal_goes_on(many_items):
    with portal_process(env={"DB_STATEMENT_TIMEOUT": "0.002"}) as portal:
        status, headers, body = http_get(portal.url + SLOW_SEARCH)
        assert_temporarily_unavailable(status, headers, body)
        answer = json.loads(body)
        assert answer["code"] == "ServiceUnavailable"
        assert "too long" in answer["description"]
        # The next request gets a working connection: the cancelled one did not poison it.
        assert portal.get("/healthz")[0] == 200
        assert portal.alive()


def test_without_a_tight_limit_the_same_search_answers(many_items):
    with portal_process(env={"DB_STATEMENT_TIMEOUT": "30"}) as portal:
        status, _headers, body = http_get(portal.url + SLOW_SEARCH)
        assert status == 200, body[:300]
        assert json.loads(body)["features"] == []


def test_management_commands_are_not_held_to_the_portal_limit(many_items, client, settings):
    from catalog_portal.lib.db_sessions import command_limits, open_sessions_limit

    portal_limit = settings.DB_STATEMENT_TIMEOUT
    settings.DB_STATEMENT_TIMEOUT = 0.002
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
