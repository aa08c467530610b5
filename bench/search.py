"""Search latency at a million items through the real HTTP server (not part of the tests).

    .venv/bin/python bench/search.py [--database postgres://postgres@127.0.0.1:5432/cp_bench]
                                     [--requests 200] [--items 1000000]

Loads `load_demo --synthetic-items N` into the PostgreSQL database (reused when it already
holds N synthetic items), starts `manage.py serve` on it, and prints p50/p95 latency of each
kind of search over the same keep-alive connection.
"""

from __future__ import annotations

import argparse
import random
import urllib.parse

from benchlib import (
    COLLECTION,
    DEFAULT_DATABASE,
    prepare,
    production_env,
    report,
    served,
    synthetic_count,
    timed,
)


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
    # Without collections: every collection the caller sees (issue 17, points 3 to 5).
    for sortby in ("properties.eo:cloud_cover", "-properties.eo:cloud_cover"):
        yield (
            f"sortby={sortby} without collections, limit 30",
            [get(sortby=sortby, limit=30) for _ in range(n)],
        )
    yield (
        "CQL2 eo:cloud_cover < 0.05, limit 30",
        [get(collections=COLLECTION, filter="eo:cloud_cover < 0.05", limit=30) for _ in range(n)],
    )
    yield (
        "CQL2 eo:cloud_cover < 0.05 without collections, limit 30",
        [get(filter="eo:cloud_cover < 0.05", limit=30) for _ in range(n)],
    )
    yield (
        "bbox without collections, limit 30",
        [get(bbox=bbox(), limit=30) for _ in range(n)],
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8731)
    options = parser.parse_args()

    env = production_env(options.database)
    prepare(options.database, options.items, env)
    with served(env, options.port) as connection:
        rng = random.Random(1)
        print(
            f"{synthetic_count(options.database):,} synthetic items, PostgreSQL, "
            "one uvicorn worker, DEBUG off"
        )
        for name, requests in scenarios(rng, options.requests):
            try:
                timed(connection, *requests[0])  # warm-up
                report(name, [timed(connection, *request)[0] for request in requests])
            except RuntimeError as error:  # e.g. 503 past the statement timeout: say so, go on
                print(f"{name:45} failed: {str(error)[:150]}")
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


if __name__ == "__main__":
    main()
