"""Search latency at a million items through the real HTTP server (not part of the tests).

    .venv/bin/python bench/search.py [--database postgres://postgres@127.0.0.1:5432/cp_bench]
                                     [--requests 200] [--items 1000000]

Loads `load_demo --synthetic-items N` into the PostgreSQL database (reused when it already
holds N synthetic items), starts `manage.py serve` on it, and prints p50/p95 latency of each
kind of search over the same keep-alive connection.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import dj_database_url
import psycopg

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = "synthetic-sentinel-2"


def synthetic_count(url: str) -> int | None:
    """Synthetic items in the database, or None when it does not exist or is not migrated."""
    config = dj_database_url.parse(url)
    try:
        with psycopg.connect(
            host=config["HOST"],
            port=config["PORT"] or 5432,
            user=config["USER"],
            password=config["PASSWORD"] or None,
            dbname=config["NAME"],
        ) as db:
            row = db.execute(
                "SELECT item_count FROM catalog_collection WHERE stac_id = %s", [COLLECTION]
            ).fetchone()
            return row[0] if row else 0
    except psycopg.Error:
        return None


def prepare(url: str, items: int, env: dict) -> None:
    count = synthetic_count(url)
    if count is None:
        config = dj_database_url.parse(url)
        with psycopg.connect(
            host=config["HOST"],
            port=config["PORT"] or 5432,
            user=config["USER"],
            dbname="postgres",
            autocommit=True,
        ) as db:
            db.execute(f'CREATE DATABASE "{config["NAME"]}"')
        count = 0
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
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
    return elapsed, json.loads(data)


def scenarios(rng: random.Random, n: int):
    """(name, [(method, path, body)]) for each measured kind of search."""

    def bbox() -> str:
        lon, lat = rng.uniform(10, 16.5), rng.uniform(46.5, 48.5)
        return f"{lon:.3f},{lat:.3f},{lon + 0.3:.3f},{lat + 0.2:.3f}"

    def year() -> str:
        y = rng.randint(2016, 2024)
        return f"{y}-01-01T00:00:00Z/{y}-12-31T23:59:59Z"

    def get(**params) -> tuple:
        return ("GET", "/api/v1/search?" + urllib.parse.urlencode(params), None)

    def triangle() -> dict:
        lon, lat = rng.uniform(10, 16.5), rng.uniform(46.5, 48.5)
        return {
            "type": "Polygon",
            "coordinates": [[[lon, lat], [lon + 0.4, lat], [lon + 0.2, lat + 0.3], [lon, lat]]],
        }

    yield (
        "collection+bbox+datetime, limit 30",
        [get(collections=COLLECTION, bbox=bbox(), datetime=year(), limit=30) for _ in range(n)],
    )
    yield (
        "CQL2 property filter (cloud cover < x)",
        [
            get(collections=COLLECTION, filter=f"eo:cloud_cover < {rng.randint(1, 30)}", limit=30)
            for _ in range(n)
        ],
    )
    yield (
        "intersects polygon (POST)",
        [
            (
                "POST",
                "/api/v1/search",
                {"collections": [COLLECTION], "intersects": triangle(), "limit": 30},
            )
            for _ in range(n)
        ],
    )
    yield (
        "sortby a property, limit 30",
        [
            get(
                collections=COLLECTION,
                sortby=rng.choice(["-properties.eo:cloud_cover", "properties.eo:cloud_cover"]),
                limit=30,
            )
            for _ in range(n)
        ],
    )


def report(name: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * len(times))) - 1)]
    print(
        f"{name:45s} n={len(times):4d}  p50 {statistics.median(times):7.1f} ms  p95 {p95:7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/cp_bench")
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8731)
    options = parser.parse_args()

    # Production settings: DEBUG would add per-request work (whitenoise autorefresh, query log).
    env = {
        **os.environ,
        "DATABASE_URL": options.database,
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
    }
    prepare(options.database, options.items, env)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "serve", "--port", str(options.port), "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        connection = http.client.HTTPConnection("127.0.0.1", options.port, timeout=60)
        for _ in range(100):
            try:
                timed(connection, "GET", "/healthz")
                break
            except (ConnectionError, OSError):
                connection.close()
                time.sleep(0.2)
        rng = random.Random(1)
        print(
            f"{synthetic_count(options.database):,} synthetic items, PostgreSQL, "
            "one uvicorn worker, DEBUG off"
        )
        for name, requests in scenarios(rng, options.requests):
            timed(connection, *requests[0])  # warm-up
            report(name, [timed(connection, *request)[0] for request in requests])
        # Deep paging: follow next links to page 100, twice.
        page_times = []
        for _ in range(2):
            path = f"/api/v1/search?collections={COLLECTION}&limit=30"
            for _page in range(100):
                elapsed, document = timed(connection, "GET", path)
                page_times.append(elapsed)
                link = next(link for link in document["links"] if link["rel"] == "next")
                parts = urllib.parse.urlsplit(link["href"])
                path = f"{parts.path}?{parts.query}"
        report("pages 1..100 by next links, limit 30", page_times)
        print(
            f"page 100 vs page 1 (median of 2): {page_times[99] / page_times[0]:.2f}x, "
            f"{page_times[199] / page_times[100]:.2f}x"
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
