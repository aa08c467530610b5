"""What the benchmarks share: a PostgreSQL database with a million synthetic items, the portal
served from it with production settings, and timing of requests over one keep-alive connection.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = "synthetic-sentinel-2"
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/cp_bench"


def database_connect(url: str, *, dbname: str | None = None, **options) -> psycopg.Connection:
    """A psycopg connection to the database of ``url`` (or to ``dbname`` on its server)."""
    config = dj_database_url.parse(url)
    return psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname=dbname or config["NAME"],
        **options,
    )


def synthetic_count(url: str) -> int | None:
    """Synthetic items in the database, or None when it does not exist or is not migrated."""
    try:
        with database_connect(url) as db:
            row = db.execute(
                "SELECT item_count FROM catalog_collection WHERE stac_id = %s", [COLLECTION]
            ).fetchone()
            return row[0] if row else 0
    except psycopg.Error:
        return None


def prepare(url: str, items: int, env: dict) -> None:
    count = synthetic_count(url)
    if count is None:
        name = dj_database_url.parse(url)["NAME"]
        with database_connect(url, dbname="postgres", autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        count = 0
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    # Production settings serve static files from the collected, hashed copies.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    if count < items:
        print(f"loading {items - count:,} synthetic items ...", flush=True)
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "load_demo",
                "--synthetic-items",
                str(items - count),
                "-v0",
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )


def timed(connection: http.client.HTTPConnection, method: str, path: str, body: dict | None = None):
    payload = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    started = time.perf_counter()
    connection.request(method, path, body=payload, headers=headers)
    response = connection.getresponse()
    data = response.read()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise RuntimeError(f"{method} {path} -> {response.status}: {data[:300]!r}")
    is_json = "json" in (response.getheader("Content-Type") or "")
    return elapsed, json.loads(data) if is_json else data


def percentile(times: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` 0.95 for p95)."""
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(round(share * len(ordered))) - 1)]


def report(name: str, times: list[float]) -> None:
    p95 = percentile(times, 0.95)
    print(
        f"{name:45s} n={len(times):4d}  p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms"
    )


def production_env(database: str) -> dict[str, str]:
    """Production settings: DEBUG would add per-request work (whitenoise autorefresh, query
    log)."""
    return {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
    }


@contextlib.contextmanager
def server_process(
    env: dict[str, str], port: int, *, workers: int = 1
) -> Iterator[subprocess.Popen]:
    """``manage.py serve`` with ``workers`` uvicorn processes on ``port``, answering /healthz."""
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(port), "--no-reload",
         "--workers", str(workers)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(300):
            try:
                timed(connection, "GET", "/healthz")
                break
            except (ConnectionError, OSError):
                connection.close()
                time.sleep(0.2)
        connection.close()
        yield server
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextlib.contextmanager
def served(env: dict[str, str], port: int) -> Iterator[http.client.HTTPConnection]:
    """``manage.py serve`` (one uvicorn worker) on ``port``; yields a connection to it."""
    with server_process(env, port):
        yield http.client.HTTPConnection("127.0.0.1", port, timeout=60)
