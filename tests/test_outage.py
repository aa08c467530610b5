"""A PostgreSQL outage under load: while the server is down every request is answered 503 with
Retry-After within 2 s (pages, /healthz, API, tiles, data), never a hang or a 500; after the
server is back the same portal process answers 200 again within 10 s.

The test makes its own PostgreSQL cluster on a free port (Debian's pg_createcluster, which runs
initdb as the postgres user), migrates it and stops and starts it under a small load: a few
threads on loopback, bounded in requests and time. It does not touch the database the suite
runs on, so it runs in both suite runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest

from tests.conftest import free_port, missing
from tests.portal_process import ROOT, http_get, portal_process

pytestmark = pytest.mark.postgres

VERSION = "15"
OUTAGE_SECONDS = 5
ANSWER_WITHIN = 2.0
BACK_WITHIN = 10.0
THREADS = 4
DATABASE_WORDS = ("terminating", "connection", "psycopg", "OperationalError", "couldn't get")


@dataclass(frozen=True)
class Cluster:
    """A PostgreSQL cluster of this test: its name, port and a URL of its portal database."""

    name: str
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/portal"

    def ctl(self, action: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", VERSION, self.name, action, *(["-m", "fast"] * (action == "stop"))],
            check=True,
            capture_output=True,
            timeout=60,
        )


@pytest.fixture
def cluster(tmp_path) -> Iterator[Cluster]:
    """A fresh, migrated PostgreSQL cluster (trust on loopback), dropped at the end."""
    if shutil.which("pg_createcluster") is None:
        missing("Debian's PostgreSQL cluster tools", "apt-get install postgresql-15-postgis-3")
    made = Cluster(name=f"cp_outage_{os.getpid()}", port=free_port())
    subprocess.run(
        ["pg_createcluster", VERSION, made.name, "-p", str(made.port), "--",
         "--auth-local=trust", "--auth-host=trust"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    try:
        made.ctl("start")
        with psycopg.connect(
            host="127.0.0.1", port=made.port, user="postgres", dbname="postgres", autocommit=True
        ) as admin:
            admin.execute("CREATE DATABASE portal")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": made.url, "VAR_DIR": str(tmp_path)},
            check=True,
            timeout=300,
        )
        yield made
    finally:
        subprocess.run(
            ["pg_dropcluster", "--stop", VERSION, made.name], capture_output=True, timeout=120
        )


@dataclass(frozen=True)
class Answer:
    path: str
    started: float
    seconds: float
    status: int
    retry_after: str | None
    body: bytes


class Load:
    """A few threads requesting ``paths`` in turn until stopped (or 200 s pass), keeping
    every answer."""

    def __init__(self, *, base: str, paths: list[str]) -> None:
        self.base, self.paths = base, paths
        self.answers: list[Answer] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,)) for n in range(THREADS)]

    def run(self, offset: int) -> None:
        deadline = time.monotonic() + 200
        n = offset
        while not self.stopping.is_set() and time.monotonic() < deadline:
            path = self.paths[n % len(self.paths)]
            n += 1
            started = time.monotonic()
            try:
                status, headers, body = http_get(self.base + path, timeout=30)
                retry_after = headers.get("Retry-After")
            except OSError as error:  # a reset connection or a timeout: an answer too
                status, retry_after, body = 0, None, repr(error).encode()
            self.answers.append(
                Answer(path, started, time.monotonic() - started, status, retry_after, body)
            )
            time.sleep(0.05)

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=60)


def search_registered(base: str) -> str:
    request = urllib.request.Request(
        base + "/tiles/searches/register",
        data=json.dumps({"bbox": [9.5, 46.3, 17.2, 49.0]}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["id"]


def test_a_database_outage_is_answered_503_at_once_and_the_portal_recovers_by_itself(cluster):
    env = {
        "DATABASE_URL": cluster.url,
        # Tile lookups would otherwise be answered from their cache during the outage.
        "TILES_LOOKUP_SECONDS": "0",
        "DB_POOL_TIMEOUT": "1",
    }
    with portal_process(env=env) as portal:
        pid = portal.process.pid
        search = search_registered(portal.url)
        paths = [
            "/healthz",
            "/catalog/",
            "/api/v1/collections",
            "/api/v1/search?limit=1",
            f"/tiles/searches/{search}/info",
            "/data/some/file.tif",
        ]
        wanted = {path: 404 if path.startswith("/data/") else 200 for path in paths}
        for path in paths:
            assert http_get(portal.url + path)[0] == wanted[path], path

        with Load(base=portal.url, paths=paths) as load:
            time.sleep(1)
            cluster.ctl("stop")
            down = time.monotonic()
            time.sleep(OUTAGE_SECONDS)
            restarting = time.monotonic()
            cluster.ctl("start")
            up = time.monotonic()
            back: dict[str, float] = {}
            while len(back) < len(paths) and time.monotonic() < up + BACK_WITHIN + 5:
                for path in paths:
                    if path not in back and http_get(portal.url + path)[0] == wanted[path]:
                        back[path] = time.monotonic() - up
                time.sleep(0.2)
            time.sleep(1)

        during = [
            a for a in load.answers if down <= a.started and a.started + a.seconds < restarting
        ]
        answered = {a.path for a in during}
        assert answered == set(paths), "every path was answered while the database was down"
        for answer in during:
            assert answer.status == 503, (answer.path, answer.status, answer.body[:200])
            assert answer.seconds < ANSWER_WITHIN, (answer.path, answer.seconds)
            assert answer.retry_after and int(answer.retry_after) > 0, answer.path
            for word in DATABASE_WORDS:
                assert word.lower() not in answer.body.decode().lower(), (answer.path, word)
        # Requests in flight when the server went away are 503s too, never 500s or resets.
        assert {a.status for a in load.answers} <= {200, 404, 503}
        assert set(back) == set(paths), f"not back within {BACK_WITHIN + 5} s: {back}"
        assert max(back.values()) < BACK_WITHIN, back
        assert portal.alive() and portal.process.pid == pid
