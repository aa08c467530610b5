"""``python -m catalog_portal.lib.dbping URL``: exit 0 when a PostgreSQL server answers at URL.

The Makefile uses it to decide whether the PostgreSQL run of the test suite can happen. It
connects to the server's maintenance database, since the named one may not exist yet (the
test run creates its own ``test_<name>`` database).
"""

from __future__ import annotations

import sys

import dj_database_url
import psycopg


def server_answers(url: str) -> bool:
    """Whether a PostgreSQL server accepts a connection with the URL's host, port and user."""
    config = dj_database_url.parse(url)
    try:
        with psycopg.connect(
            host=config.get("HOST") or None,
            port=config.get("PORT") or None,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=3,
        ):
            return True
    except psycopg.OperationalError as error:
        print(f"PostgreSQL at {config.get('HOST')}:{config.get('PORT')}: {error}", file=sys.stderr)
        return False


if __name__ == "__main__":
    sys.exit(0 if server_answers(sys.argv[1]) else 1)
