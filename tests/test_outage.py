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
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message

import psycopg
import pytest

from tests.conftest import free_port, missing
from tests.portal_process import ROOT, http_request, portal_process

pytestmark = pytest.mark.postgres

VERSION = "15"
OUTAGE_SECONDS = 5
ANSWER_WITHIN = 2.0
BACK_WITHIN = 10.0
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
        """Start or stop (fast: cutting connections, as a crash or failover would) the server."""
        fast = ["-m", "fast"] if action == "stop" else []
        # As .ci/run does: on a machine with systemd, pg_ctlcluster would ask systemctl.
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", VERSION, self.name, action]
        subprocess.run([*command, *fast], check=True, capture_output=True, timeout=60)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    """A fresh PostgreSQL cluster (trust on loopback) with an empty database, dropped at the
    end."""
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
        yield made
    finally:
        subprocess.run(
            ["pg_dropcluster", "--stop", VERSION, made.name], capture_output=True, timeout=120
        )


@pytest.fixture
def production_env(cluster, tmp_path) -> dict[str, str]:
    """Production settings (DEBUG off) on the cluster, migrated, static files collected."""
    env = {
        "DATABASE_URL": cluster.url,
        "DEBUG": "false",
        "SECRET_KEY": "outage-test-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "VAR_DIR": str(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),
        # Tile lookups would otherwise be answered from their cache during the outage.
        "TILES_LOOKUP_SECONDS": "0",
        "DB_POOL_TIMEOUT": "1",
    }
    for command in ("migrate", "collectstatic"):
        subprocess.run(
            [sys.executable, "manage.py", command, "--noinput", "-v0"],
            cwd=ROOT, env={**os.environ, **env}, check=True, timeout=300,
        )  # fmt: skip
    return env


@dataclass(frozen=True)
class Probe:
    """A request of the load and what it answers while the database is up."""

    path: str
    wanted: int = 200
    headers: tuple[tuple[str, str], ...] = ()

    def get(self, base: str, *, timeout: float = 10) -> tuple[int, Message, bytes]:
        return http_request(base + self.path, timeout=timeout, headers=dict(self.headers))


@dataclass(frozen=True)
class Answer:
    probe: Probe
    started: float
    seconds: float
    status: int
    retry_after: str | None
    body: bytes


class Load:
    """A thread per probe, requesting it again and again until stopped (or 200 s pass),
    keeping every answer."""

    def __init__(self, *, base: str, probes: list[Probe]) -> None:
        self.base, self.probes = base, probes
        self.answers: list[Answer] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(probe,)) for probe in probes]

    def run(self, probe: Probe) -> None:
        deadline = time.monotonic() + 200
        while not self.stopping.is_set() and time.monotonic() < deadline:
            started = time.monotonic()
            try:
                status, headers, body = probe.get(self.base, timeout=30)
                retry_after = headers.get("Retry-After")
            except OSError as error:  # a reset connection or a timeout: an answer too
                status, retry_after, body = 0, None, repr(error).encode()
            self.answers.append(
                Answer(probe, started, time.monotonic() - started, status, retry_after, body)
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


def answers(probe: Probe, base: str) -> int:
    """The status ``probe`` is answered with, 0 when it is not answered within 2 s."""
    try:
        return probe.get(base, timeout=ANSWER_WITHIN)[0]
    except OSError:
        return 0


def search_registered(base: str) -> str:
    status, _headers, body = http_request(
        base + "/tiles/searches/register", body={"bbox": [9.5, 46.3, 17.2, 49.0]}
    )
    assert status == 200, body
    return json.loads(body)["id"]


def test_a_database_outage_is_answered_503_at_once_and_the_portal_recovers_by_itself(
    cluster, production_env
):
    with portal_process(env=production_env) as portal:
        pid = portal.process.pid
        search = search_registered(portal.url)
        probes = [
            Probe("/healthz"),
            Probe("/catalog/"),
            Probe("/api/v1/collections"),
            Probe("/api/v1/search?limit=1"),
            # An API token is looked up by a middleware, before any view runs.
            Probe("/api/v1/collections", 401, (("Authorization", "Bearer cpt_no-such-token"),)),
            Probe(f"/tiles/searches/{search}/info"),
            Probe("/data/some/file.tif", 404),
        ]
        for probe in probes:
            assert probe.get(portal.url)[0] == probe.wanted, probe

        with Load(base=portal.url, probes=probes) as load:
            time.sleep(1)
            cluster.ctl("stop")
            down = time.monotonic()
            time.sleep(OUTAGE_SECONDS)
            restarting = time.monotonic()
            cluster.ctl("start")
            up = time.monotonic()
            back: dict[Probe, float] = {}
            while len(back) < len(probes) and time.monotonic() < up + BACK_WITHIN + 5:
                for probe in probes:
                    if probe not in back and answers(probe, portal.url) == probe.wanted:
                        back[probe] = time.monotonic() - up
                time.sleep(0.2)
            time.sleep(1)

        during = [
            a for a in load.answers if down <= a.started and a.started + a.seconds < restarting
        ]
        answered = {a.probe for a in during}
        assert answered == set(probes), "every probe was answered while the database was down"
        for answer in during:
            assert answer.status == 503, (answer.probe, answer.status, answer.body[:200])
            assert answer.seconds < ANSWER_WITHIN, (answer.probe, answer.seconds)
            assert answer.retry_after and int(answer.retry_after) > 0, answer.probe
            for word in DATABASE_WORDS:
                assert word.lower() not in answer.body.decode().lower(), (answer.probe, word)
            if answer.probe.path.startswith("/api/"):
                assert json.loads(answer.body)["code"] == "ServiceUnavailable", answer.probe
        # Requests in flight when the server went away are 503s too, never 500s or resets.
        assert {a.status for a in load.answers} <= {200, 401, 404, 503}
        assert set(back) == set(probes), f"not back within {BACK_WITHIN + 5} s: {back}"
        assert max(back.values()) < BACK_WITHIN, back
        assert portal.alive() and portal.process.pid == pid
