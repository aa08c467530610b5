"""Server time of the catalogue, explore and item pages at a million items, and the time to a
usable explore map in Chromium on the demo (not a test).

    .venv/bin/python bench/pages.py [--database postgres://postgres@127.0.0.1:5432/cp_bench]
                                    [--requests 200] [--items 1000000]
    .venv/bin/python bench/pages.py --explore-map [--runs 5] [--demo-dir var/bench-demo]
    .venv/bin/python bench/pages.py --explore-map --floors [--runs 5]

Server time: uses the same database as bench/search.py (`load_demo --synthetic-items N` into
PostgreSQL, reused when present), serves the portal with production settings and prints
p50/p95 of each page over one keep-alive connection. Target: p95 under 100 ms.

Explore map (``explore_map.py``): the demo in SQLite under --demo-dir, each run cold. Target:
results and footprints drawn within 1.0 s, the preview mosaic within 2.0 s (medians).
With --floors (``explore_floors.py``): what this machine's Chromium needs before the portal's
own work counts (a bare MapLibre page; each page with its tiles answered from memory).
"""

from __future__ import annotations

import argparse
import random
import urllib.parse

import psycopg
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
from explore_floors import explore_floors_bench
from explore_map import explore_map_bench


def item_ids(database: str, count: int, rng: random.Random) -> list[str]:
    """Ids of ``count`` synthetic items spread over the collection."""
    with psycopg.connect(database.replace("postgres://", "postgresql://")) as db:
        ids = [
            row[0]
            for row in db.execute(
                "SELECT stac_id FROM catalog_item TABLESAMPLE SYSTEM (1) LIMIT %s", [count * 5]
            )
        ]
    return rng.sample(ids, min(count, len(ids)))


def scenarios(rng: random.Random, n: int, ids: list[str]):
    """(name, [path]) for each measured page."""

    def explore() -> str:
        year = rng.randint(2016, 2024)
        query = {
            "collection": COLLECTION,
            "start": f"{year}-06-01",
            "end": f"{year}-08-31",
            "p.eo:cloud_cover.max": rng.randint(5, 40),
        }
        return "/explore/?" + urllib.parse.urlencode(query)

    def explore_area() -> str:
        lon, lat = rng.uniform(10, 16.5), rng.uniform(46.5, 48.5)
        bbox = f"{lon:.3f},{lat:.3f},{lon + 0.5:.3f},{lat + 0.3:.3f}"
        return "/explore/?" + urllib.parse.urlencode({"collection": COLLECTION, "bbox": bbox})

    yield "catalogue page", ["/catalog/" for _ in range(n)]
    yield "explore: dates + cloud cover filter", [explore() for _ in range(n)]
    yield "explore: area", [explore_area() for _ in range(n)]
    yield "item page", [f"/collections/{COLLECTION}/items/{rng.choice(ids)}/" for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=8732)
    parser.add_argument(
        "--explore-map",
        action="store_true",
        help="time to a usable explore map in Chromium, on the demo (explore_map.py)",
    )
    parser.add_argument(
        "--floors",
        action="store_true",
        help="with --explore-map: this machine's floors instead (explore_floors.py)",
    )
    parser.add_argument("--runs", type=int, default=5, help="cold runs per explore-map page")
    parser.add_argument("--demo-dir", default="var/bench-demo", help="the demo's VAR_DIR")
    options = parser.parse_args()
    if options.explore_map and options.floors:
        explore_floors_bench(demo_dir=options.demo_dir, runs=options.runs, port=options.port)
        return
    if options.explore_map:
        explore_map_bench(demo_dir=options.demo_dir, runs=options.runs, port=options.port)
        return

    env = production_env(options.database)
    prepare(options.database, options.items, env)
    rng = random.Random(1)
    ids = item_ids(options.database, 50, rng)
    with served(env, options.port) as connection:
        print(
            f"{synthetic_count(options.database):,} synthetic items, PostgreSQL, "
            "one uvicorn worker, DEBUG off; server time of whole HTML pages"
        )
        for name, paths in scenarios(rng, options.requests, ids):
            timed(connection, "GET", paths[0])  # warm-up
            report(name, [timed(connection, "GET", path)[0] for path in paths])


if __name__ == "__main__":
    main()
