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
CHUNK = (
    10_000  # items derived from one random generator; fixed so items depend on their number only
)
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
    "geometry",
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
    """Add ``count`` synthetic items after those that exist; returns how many exist now."""
    collection, _ = collection_upsert(
        stac=COLLECTION, curation={"category": "other", "featured": False, "featured_order": 99}
    )
    start = Item.objects.filter(collection=collection).count()
    write = _copy_rows if connection.vendor == "postgresql" else _insert_rows
    batch = 50_000
    for first in range(start, start + count, batch):
        last = min(first + batch, start + count)
        with transaction.atomic():
            write(_rows(collection, first, last))
        progress(last - first)
    # The planner's statistics still describe the table before the load until autovacuum
    # gets to it: explore by area at a million items took 231 ms (p50) right after the load
    # and 48 ms after ANALYZE (bench/pages.py).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_item")
    return collection_stats_refresh(collection=collection)


def synthetic_item(number: int) -> dict:
    """The STAC document of synthetic item ``number`` (as stored)."""
    return _documents(number, number + 1)[0]


def _documents(first: int, last: int) -> list[dict]:
    documents: list[dict] = []
    for chunk in range(first // CHUNK, (last - 1) // CHUNK + 1):
        rng = np.random.default_rng([20_160_101, chunk])
        lon = rng.uniform(9.5, 17.2, CHUNK)
        lat = rng.uniform(46.4, 49.0, CHUNK)
        half_w = rng.uniform(0.02, 0.08, CHUNK)
        half_h = rng.uniform(0.015, 0.05, CHUNK)
        skew = rng.uniform(-0.01, 0.01, (CHUNK, 4))
        seconds = rng.integers(0, SPAN_SECONDS, CHUNK)
        cloud = np.round(rng.uniform(0, 100, CHUNK), 2)
        platform = rng.integers(0, 2, CHUNK)
        lo, hi = max(first, chunk * CHUNK), min(last, (chunk + 1) * CHUNK)
        for number in range(lo, hi):
            i = number - chunk * CHUNK
            x0, x1 = round(lon[i] - half_w[i], 6), round(lon[i] + half_w[i], 6)
            y0, y1 = round(lat[i] - half_h[i], 6), round(lat[i] + half_h[i], 6)
            # A skewed quadrilateral, as a scene clipped by its orbit's swath is.
            ring = [
                [x0, y0],
                [x1, round(y0 + skew[i, 0], 6)],
                [round(x1 + skew[i, 1], 6), y1],
                [round(x0 + skew[i, 2], 6), round(y1 + skew[i, 3], 6)],
                [x0, y0],
            ]
            xs, ys = [p[0] for p in ring], [p[1] for p in ring]
            when = EPOCH + dt.timedelta(seconds=int(seconds[i]))
            documents.append(
                {
                    "type": "Feature",
                    "stac_version": STAC_VERSION,
                    "stac_extensions": ["https://stac-extensions.github.io/eo/v1.1.0/schema.json"],
                    "id": f"synthetic-{number + 1:07d}",
                    "collection": SYNTHETIC_ID,
                    "geometry": {"type": "Polygon", "coordinates": [ring]},
                    "bbox": [min(xs), min(ys), max(xs), max(ys)],
                    "properties": {
                        "datetime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "platform": f"sentinel-2{'ab'[platform[i]]}",
                        "eo:cloud_cover": float(cloud[i]),
                    },
                    "assets": {},
                    "links": [],
                }
            )
    return documents


def _rows(collection: Collection, first: int, last: int) -> Iterator[tuple]:
    now = timezone.now()
    for document in _documents(first, last):
        when = dt.datetime.fromisoformat(document["properties"]["datetime"])
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
            json.dumps(document["geometry"]),
            json.dumps(document),
            now,
            now,
        )


def _copy_rows(rows: Iterator[tuple]) -> None:
    """PostgreSQL: COPY, an order of magnitude faster than INSERTs for bulk loads."""
    with connection.cursor() as cursor:
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
