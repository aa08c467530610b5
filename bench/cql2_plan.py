"""The plan and the time of CQL2 property filters on a copy of the bench data (not a test).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<copy of cp_bench> \\
        .venv/bin/python bench/cql2_plan.py [--runs 50] [--filter "eo:cloud_cover < 0.05"]

Runs the first page of ``collections=synthetic-sentinel-2&filter=...`` through item_search (the
function every front door calls) as an anonymous user, prints EXPLAIN (ANALYZE, BUFFERS) of its
page query, then the median and p95 of the whole search over ``--runs`` runs. Read-only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "catalog_portal.settings")
django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from catalog_portal.catalog.search import ItemSearch, item_search  # noqa: E402
from catalog_portal.catalog.search.cql2_filter import filter_parse  # noqa: E402

COLLECTION = "synthetic-sentinel-2"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--filter", action="append", dest="filters")
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--limit", type=int, default=10)
    args = parser.parse_args()
    for text in args.filters or ["eo:cloud_cover < 0.05"]:
        search = ItemSearch(
            collections=(COLLECTION,), filter=filter_parse(text, None), limit=args.limit
        )
        user = AnonymousUser()
        with CaptureQueriesContext(connection) as queries:
            page = item_search(user=user, search=search)
        sql = queries.captured_queries[-1]["sql"]  # the page's query, after the scope's
        print(f"== {text}: {len(page.items)} items on the first page")
        print(sql[sql.index('FROM "catalog_item"') :])
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            print("\n".join(row[0] for row in cursor.fetchall()))
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            item_search(user=user, search=search)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[max(0, round(0.95 * len(times)) - 1)]
        median = statistics.median(times)
        print(f"item_search x{args.runs}: median {median:.1f} ms, p95 {p95:.1f} ms")


if __name__ == "__main__":
    main()
