"""Search latency at a million items through the real HTTP server (not part of the tests).

    .venv/bin/python bench/search.py [--database postgres://postgres@127.0.0.1:5432/cp_bench]
                                     [--requests 200] [--items 1000000]

Loads `load_demo --synthetic-items N` into the PostgreSQL database (reused when it already
holds N synthetic items), starts `manage.py serve` on it, and prints p50/p95 latency of each
kind of search over the same keep-alive connection, then how many times each item index was
scanned meanwhile (an index no search used has no use for searching).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import urllib.parse

from benchlib import (
    COLLECTION,
    DEFAULT_DATABASE,
    database_connect,
    percentile,
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


# The page after DEEP items, for each order: (sortby, the same order in SQL).
DEEP = 300_000
# Cloud cover as searches sort it: its number, anything else as null (search/keyset.py).
CLOUD_COVER = (
    "CASE WHEN jsonb_typeof(stac #> '{properties,eo:cloud_cover}') = 'number' "
    "THEN (stac #> '{properties,eo:cloud_cover}')::numeric END"
)
TIEBREAKERS = "datetime DESC, stac_id, collection_id"
DEEP_ORDERS = {
    "": TIEBREAKERS,
    "-properties.eo:cloud_cover": f"{CLOUD_COVER} DESC NULLS LAST, {TIEBREAKERS}",
    "properties.eo:cloud_cover": f"{CLOUD_COVER} ASC NULLS LAST, {TIEBREAKERS}",
}


def deep_page_token(connection, database: str, sortby: str) -> str:
    """The server's own next token at item DEEP of the collection in ``sortby``'s order.

    Walking there by next links would take 10,000 requests; instead the rows at DEEP and
    DEEP + 1 are found in SQL (once, OFFSET is fine here) and the server is asked for the
    first of the two by id: its next token marks that row, and a token holds only the sort
    values, so it serves the unfiltered search in the same order too.
    """
    with database_connect(database) as db:
        ids = [
            row[0]
            for row in db.execute(
                "SELECT stac_id FROM catalog_item WHERE collection_id = "
                "(SELECT id FROM catalog_collection WHERE stac_id = %s) "
                f"ORDER BY {DEEP_ORDERS[sortby]} OFFSET %s LIMIT 2",
                [COLLECTION, DEEP - 1],
            )
        ]
    connection.close()  # idle through the query above: the server has dropped it by now
    query = {"collections": COLLECTION, "ids": ",".join(ids), "limit": 1, "sortby": sortby}
    _, document = timed(connection, "GET", "/api/v1/search?" + urllib.parse.urlencode(query))
    assert [f["id"] for f in document["features"]] == ids[:1], (ids, document["features"])
    link = next(link for link in document["links"] if link["rel"] == "next")
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(link["href"]).query))["token"]


def attempt(connection, path: str) -> tuple[float, int]:
    """(milliseconds, HTTP status) of a GET: a page that times out is a figure here too."""
    started = time.perf_counter()
    connection.request("GET", path)
    response = connection.getresponse()
    response.read()
    return (time.perf_counter() - started) * 1000, response.status


def deep_pages(connection, database: str, n: int) -> None:
    """The page after DEEP items vs page 1 of the same search, requests interleaved."""
    for sortby in DEEP_ORDERS:
        query = {"collections": COLLECTION, "limit": 30} | ({"sortby": sortby} if sortby else {})
        first = "/api/v1/search?" + urllib.parse.urlencode(query)
        token = deep_page_token(connection, database, sortby)
        deep = "/api/v1/search?" + urllib.parse.urlencode({**query, "token": token})
        attempt(connection, first)  # warm-up
        attempt(connection, deep)
        first_times, deep_times, failed = [], [], []
        for _ in range(n):
            first_times.append(timed(connection, "GET", first)[0])
            elapsed, status = attempt(connection, deep)
            deep_times.append(elapsed)
            if status != 200:
                failed.append(status)
        name = f"sortby={sortby or '(default)'}, limit 30"
        report(f"page 1, {name}", first_times)
        report(f"page after {DEEP:,}, {name}", deep_times)
        if failed:
            print(f"{'':4s}{len(failed)} of {n} deep pages failed: HTTP {sorted(set(failed))}")
        ratio = statistics.median(deep_times) / statistics.median(first_times)
        ratio95 = percentile(deep_times, 0.95) / percentile(first_times, 0.95)
        print(f"{'':4s}deep page / page 1: p50 {ratio:.2f}x, p95 {ratio95:.2f}x (target <= 1.5x)")


def index_scans(database: str) -> dict[str, int]:
    """Scans so far of each item index (pg_stat_user_indexes, kept across restarts)."""
    with database_connect(database) as db:
        return dict(
            db.execute(
                "SELECT indexrelname, idx_scan FROM pg_stat_user_indexes "
                "WHERE relname = 'catalog_item' ORDER BY indexrelname"
            ).fetchall()
        )


def index_scans_report(before: dict[str, int], after: dict[str, int]) -> None:
    """Which item indexes the benchmark's searches used: one with no scans has no use here."""
    print("item index scans during the benchmark (pg_stat_user_indexes):")
    for name, scans in after.items():
        print(f"    {name:40s} {scans - before.get(name, 0):>9,}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument(
        "--only-deep-pages", action="store_true", help="measure only the deep-page scenario"
    )
    options = parser.parse_args()

    env = production_env(options.database)
    prepare(options.database, options.items, env)
    scans = index_scans(options.database)
    with served(env, options.port) as connection:
        rng = random.Random(1)
        print(
            f"{synthetic_count(options.database):,} synthetic items, PostgreSQL, "
            "one uvicorn worker, DEBUG off"
        )
        deep_pages(connection, options.database, options.requests)
        if options.only_deep_pages:
            return
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
    # The statistics collector reports a backend's counts within about a second.
    time.sleep(1.5)
    index_scans_report(scans, index_scans(options.database))


if __name__ == "__main__":
    main()
