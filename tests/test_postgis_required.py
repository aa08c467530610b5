"""PostgreSQL without PostGIS stops `migrate` with a message saying what to install.

Needs a PostgreSQL server besides whichever database the suite runs on (TEST_POSTGRES_URL,
as in the Makefile); it makes its own throwaway role and database there.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import psycopg
import pytest

from catalog_portal.lib.dbping import server_answers
from tests.conftest import missing

ROOT = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/catalog_portal"
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_without_postgis():
    """A database owned by a role that may not create extensions, so PostGIS stays off."""
    if not server_answers(SERVER_URL):
        missing(
            "a PostgreSQL server", f"install postgresql-15 or set TEST_POSTGRES_URL ({SERVER_URL})"
        )
    config = dj_database_url.parse(SERVER_URL)
    name = f"cp_nopostgis_{uuid.uuid4().hex[:8]}"
    admin = dict(
        host=config["HOST"], port=config["PORT"] or 5432, user=config["USER"],
        password=config["PASSWORD"] or None, dbname="postgres", autocommit=True,
    )  # fmt: skip
    with psycopg.connect(**admin) as connection:
        connection.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{name}'")
        connection.execute(f'CREATE DATABASE "{name}" OWNER "{name}"')
    try:
        yield f"postgres://{name}:{name}@{config['HOST']}:{config['PORT'] or 5432}/{name}"
    finally:
        with psycopg.connect(**admin) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'DROP ROLE IF EXISTS "{name}"')


def test_migrate_without_postgis_fails_with_a_clear_message(database_without_postgis, tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_without_postgis, "VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert "needs the PostGIS extension" in last_line
    assert "postgresql-15-postgis-3" in last_line
