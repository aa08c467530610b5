"""Metadata-only items in bulk, for benchmarks at a million items.

Items look like Sentinel-2 scenes over Austria and its neighbours (small quadrilateral
footprints, datetimes from 2016 to 2024, cloud cover, platform) but have no files. Each item
is derived from its number alone, so ``--synthetic-items`` called twice gives the same items
as one call with the sum.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator

import numpy as np
from django.db import connection, transaction
from django.utils import timezone

from catalog_portal.catalog.ingest import collection_stats_refresh, collection_upsert
from catalog_portal.catalog.models import Collection, Item
from catalog_portal.demo.common import STAC_VERSION

SYNTHETIC_ID = "synthetic-sentinel-2"
# Items derived from one random generator; fixed so items depend on their number only.
CHUNK = 10_000
BATCH = 50_000  # items per COPY (PostgreSQL) or transaction (SQLite): one progress step
EPOCH = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
SPAN_SECONDS = 9 * 365 * 86_400
COLUMNS = (
    "collection_id",
    "stac_id",
    "datetime",
    "start_datetime",
    "end_datetime",
    "is_interval",
    "bbox_xmin",
    "bbox_ymin",
    "bbox_xmax",
    "bbox_ymax",
    "stac",
    "created",
    "updated",
)

COLLECTION = {
    "type": "Collection",
    "stac_version": STAC_VERSION,
    "stac_extensions": ["https://stac-extensions.github.io/eo/v1.1.0/schema.json"],
    "id": SYNTHETIC_ID,
    "title": "Synthetic Sentinel-2 scenes (benchmark)",
    "description": "Metadata-only items made by `load_demo --synthetic-items N` to measure "
    "search and page speed at scale. They have no assets.",
    "keywords": ["Synthetic", "Benchmark", "Sentinel-2"],
    "license": "CC0-1.0",
    "providers": [{"name": "Catalog Portal", "roles": ["producer", "host"]}],
    "extent": {
        "spatial": {"bbox": [[9.0, 46.0, 18.0, 49.5]]},
        "temporal": {"interval": [["2016-01-01T00:00:00Z", "2024-12-31T00:00:00Z"]]},
    },
    "summaries": {
        "platform": ["sentinel-2a", "sentinel-2b"],
        "eo:cloud_cover": {"minimum": 0, "maximum": 100},
    },
    "links": [],
}


def synthetic_items_add(*, count: int, progress: Callable[[int], None] = lambda _: None) -> int:
    """Add ``count`` synthetic items after those that exist; returns how many exist now.

    On PostgreSQL the items are copied in one transaction. When they outnumber the items
    already catalogued, the item indexes that no constraint needs are dropped first and built
    again once the rows are in (at a million items: every row inserted into eight indexes
    costs several times one sorted build, and the built indexes come out packed). Other
    sessions then wait for the load's end rather than see the table without its indexes;
    should anything fail, the rollback brings every index back.
    """
    collection, _ = collection_upsert(
        stac=COLLECTION, curation={"category": "other", "featured": False, "featured_order": 99}
    )
    start = Item.objects.filter(collection=collection).count()
    batches = [
        (first, min(first + BATCH, start + count)) for first in range(start, start + count, BATCH)
    ]
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            # The collection key is checked row by row: deferred checks still pending at the
            # end would forbid building indexes.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SELECT count(*) < %s FROM catalog_item", [count])
            rebuilt = _indexes_drop(cursor) if cursor.fetchone()[0] else []
            for first, last in batches:
                _copy_rows(cursor, _rows(collection, first, last))
                progress(last - first)
            if rebuilt:
                # Sorts in memory for the builds; the default (64 MB) spills them to disk.
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for definition in rebuilt:
                cursor.execute(definition)
    else:
        for first, last in batches:
            with transaction.atomic():
                _insert_rows(_rows(collection, first, last))
            progress(last - first)
    # The planner's statistics still describe the table before the load until autovacuum
    # gets to it: explore by area at a million items took 231 ms (p50) right after the load
    # and 48 ms after ANALYZE (bench/pages.py).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_item")
    return collection_stats_refresh(collection=collection)


def _indexes_drop(cursor) -> list[str]:
    """Drop the item indexes that back no constraint; returns the statements that make them
    again, with the statistics targets their columns had (pg_get_indexdef leaves those out;
    none is set since migration 0017, but one set by hand is kept)."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = 'catalog_item'::regclass AND NOT EXISTS "
        "(SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1"
    )
    found = cursor.fetchall()
    statements = [definition for _, definition in found]
    for name, _ in found:
        cursor.execute(
            "SELECT attnum, attstattarget FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attstattarget > 0 ORDER BY attnum",
            [name],
        )
        statements += [
            f"ALTER INDEX {name} ALTER COLUMN {column} SET STATISTICS {target}"
            for column, target in cursor.fetchall()
        ]
    for name, _ in found:
        cursor.execute(f"DROP INDEX {name}")
    return statements


def synthetic_item(number: int) -> dict:
    """The STAC document of synthetic item ``number`` (as stored)."""
    return _documents(number, number + 1)[0]


def _documents(first: int, last: int) -> list[dict]:
    return [document for document, _ in _documents_with_times(first, last)]


def _documents_with_times(first: int, last: int) -> Iterator[tuple[dict, dt.datetime]]:
    """The documents of items ``first`` to ``last`` (excluded), each with its datetime.

    Coordinates are rounded for a whole chunk at once: rounding numpy scalars one by one
    was a third of the load's Python time. The values are the same (np.round either way).
    """
    for chunk in range(first // CHUNK, (last - 1) // CHUNK + 1):
        rng = np.random.default_rng([20_160_101, chunk])
        lon = rng.uniform(9.5, 17.2, CHUNK)
        lat = rng.uniform(46.4, 49.0, CHUNK)
        half_w = rng.uniform(0.02, 0.08, CHUNK)
        half_h = rng.uniform(0.015, 0.05, CHUNK)
        skew = rng.uniform(-0.01, 0.01, (CHUNK, 4))
        seconds = rng.integers(0, SPAN_SECONDS, CHUNK)
        cloud = np.round(rng.uniform(0, 100, CHUNK), 2).tolist()
        platform = rng.integers(0, 2, CHUNK).tolist()
        x0, x1 = np.round(lon - half_w, 6), np.round(lon + half_w, 6)
        y0, y1 = np.round(lat - half_h, 6), np.round(lat + half_h, 6)
        # A skewed quadrilateral, as a scene clipped by its orbit's swath is.
        corners = zip(
            x0.tolist(),
            y0.tolist(),
            x1.tolist(),
            np.round(y0 + skew[:, 0], 6).tolist(),
            np.round(x1 + skew[:, 1], 6).tolist(),
            y1.tolist(),
            np.round(x0 + skew[:, 2], 6).tolist(),
            np.round(y1 + skew[:, 3], 6).tolist(),
            strict=True,
        )
        times = (EPOCH + dt.timedelta(seconds=int(s)) for s in seconds.tolist())
        lo, hi = max(first, chunk * CHUNK), min(last, (chunk + 1) * CHUNK)
        rows = zip(range(CHUNK), corners, times, cloud, platform, strict=True)
        for i, (ax, ay, bx, by, cx, cy, dx, dy), when, cover, sat in rows:
            number = chunk * CHUNK + i
            if not lo <= number < hi:
                continue
            ring = [[ax, ay], [bx, by], [cx, cy], [dx, dy], [ax, ay]]
            yield (
                {
                    "type": "Feature",
                    "stac_version": STAC_VERSION,
                    "stac_extensions": ["https://stac-extensions.github.io/eo/v1.1.0/schema.json"],
                    "id": f"synthetic-{number + 1:07d}",
                    "collection": SYNTHETIC_ID,
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "bbox": [min(ax, bx, cx, dx), min(ay, by, cy, dy),
                             max(ax, bx, cx, dx), max(ay, by, cy, dy)],
                    "properties": {
                        "datetime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "platform": f"sentinel-2{'ab'[sat]}",
                        "eo:cloud_cover": cover,
                    },
                    "assets": {},
                    "links": [],
                },
                when,
            )  # fmt: skip


def _rows(collection: Collection, first: int, last: int) -> Iterator[tuple]:
    now = timezone.now()
    for document, when in _documents_with_times(first, last):
        xmin, ymin, xmax, ymax = document["bbox"]
        yield (
            collection.pk,
            document["id"],
            when,
            when,
            when,
            False,  # an instant
            xmin,
            ymin,
            xmax,
            ymax,
            json.dumps(document),
            now,
            now,
        )


def _copy_rows(cursor, rows: Iterator[tuple]) -> None:
    """PostgreSQL: COPY, an order of magnitude faster than INSERTs for bulk loads."""
    with cursor.cursor.copy(f"COPY catalog_item ({', '.join(COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert_rows(rows: Iterator[tuple]) -> None:
    """SQLite: one prepared INSERT run for every row, with Django's own value adapters."""
    adapt = connection.ops.adapt_datetimefield_value
    placeholders = ", ".join(["%s"] * len(COLUMNS))
    sql = f"INSERT INTO catalog_item ({', '.join(COLUMNS)}) VALUES ({placeholders})"
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            (tuple(adapt(v) if isinstance(v, dt.datetime) else v for v in row) for row in rows),
        )
