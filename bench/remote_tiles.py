"""Tiles from object storage against the same tiles from local files, in one portal process.

    .venv/bin/python bench/tiles.py --source s3     (or --source http)

The demo catalogue (bench/tiles.py's, in its VAR_DIR) plus one COG of real Sentinel-2 size
(10980 × 10980 uint16, tiled 512, DEFLATE, overviews; generated once into
``$VAR_DIR/data/bench/``) are copied to a local S3-protocol server (moto, a child process) or
an HTTP server with Range support (werkzeug, a thread of this process), and catalogued again
as ``<collection>-remote`` items whose hrefs name those copies. One portal process (uvicorn,
DEBUG off) with the copies' source in ASSET_SOURCES then serves both: first the cold first
tile of the big COG (local, then remote, each a file GDAL has not opened), then a warm-up pass,
then the same tiles local and remote, interleaved, on one keep-alive connection each.

Both stores here are Python servers on this machine, slower per request than S3 or a CDN and
without network latency: the ratio speaks for the portal's per-request overhead with remote
storage (GDAL's range requests, caches, the redirect check), not for any network.
"""

from __future__ import annotations

import copy
import http.client
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from benchlib import percentile, report, timed

FULL_SIZE = 10980
FULL_SIZE_ID = "S2-fullsize-10980"
FULL_SIZE_COLLECTION = "bench-sentinel-2-fullsize"
BUCKET = "bench-tiles"


def full_size_cog(data_root: Path) -> Path:
    """A Sentinel-2-sized band (10980², 10 m, UTM 33N), smooth synthetic uint16, written in
    strips and made a COG once; reused when present."""
    import rasterio
    import rasterio.shutil
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    path = data_root / "bench" / f"{FULL_SIZE_ID}.tif"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    plain = path.with_suffix(".plain.tif")
    profile = {
        "driver": "GTiff", "width": FULL_SIZE, "height": FULL_SIZE, "count": 1,
        "dtype": "uint16", "crs": "EPSG:32633", "nodata": 0,
        "transform": from_origin(399960, 5300040, 10, 10),
        "tiled": True, "blockxsize": 512, "blockysize": 512, "compress": "DEFLATE",
        "predictor": 2, "num_threads": "ALL_CPUS", "BIGTIFF": "IF_SAFER",
    }  # fmt: skip
    columns = np.arange(FULL_SIZE, dtype=np.float32)
    # Noise of a real scene's amplitude, so the file compresses to a real band's size (a
    # smooth field alone would be a fifth of it) and blocks cost real decoding.
    noise = np.random.default_rng(10980)
    with rasterio.open(plain, "w", **profile) as dataset:
        for top in range(0, FULL_SIZE, 512):
            rows = np.arange(top, min(top + 512, FULL_SIZE), dtype=np.float32)[:, None]
            values = (
                1500
                + 900 * np.sin(columns / 700) * np.cos(rows / 900)
                + 300 * np.sin((columns + rows) / 150)
                + noise.integers(0, 200, size=(len(rows), FULL_SIZE), dtype=np.uint16)
            )
            window = Window(0, top, FULL_SIZE, len(rows))
            dataset.write(values.astype("uint16")[None], window=window)
    with rasterio.open(plain) as source:
        rasterio.shutil.copy(
            source, path, driver="COG", BLOCKSIZE=512, COMPRESS="DEFLATE", PREDICTOR="YES",
            OVERVIEW_RESAMPLING="AVERAGE", NUM_THREADS="ALL_CPUS", BIGTIFF="IF_SAFER",
        )  # fmt: skip
    plain.unlink()
    print(f"generated {path} ({path.stat().st_size / 1e6:.0f} MB) in "
          f"{time.monotonic() - started:.0f} s")  # fmt: skip
    return path


def full_size_catalogue(path: Path) -> None:
    """Catalogue the big COG as one item of a collection of its own (href /data/bench/…)."""
    import rasterio
    from rasterio.warp import transform_bounds

    from catalog_portal.catalog.ingest import collection_upsert, items_upsert

    with rasterio.open(path) as dataset:
        west, south, east, north = transform_bounds(dataset.crs, "EPSG:4326", *dataset.bounds)
    bbox = [west, south, east, north]
    footprint = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    collection, _ = collection_upsert(
        stac={
            "type": "Collection", "stac_version": "1.0.0", "id": FULL_SIZE_COLLECTION,
            "description": "One synthetic band of real Sentinel-2 size (benchmark only).",
            "license": "CC0-1.0", "links": [],
            "extent": {"spatial": {"bbox": [bbox]},
                       "temporal": {"interval": [["2024-01-01T00:00:00Z", None]]}},
        }
    )  # fmt: skip
    items_upsert(
        collection=collection,
        stacs=[{
            "type": "Feature", "stac_version": "1.0.0", "id": FULL_SIZE_ID,
            "collection": FULL_SIZE_COLLECTION, "bbox": bbox,
            "geometry": {"type": "Polygon", "coordinates": [footprint]},
            "properties": {"datetime": "2024-06-01T10:00:00Z"}, "links": [],
            "assets": {"B04": {
                "href": f"/data/bench/{path.name}",
                "type": "image/tiff; application=geotiff; profile=cloud-optimized",
                "roles": ["data"],
            }},
        }],
    )  # fmt: skip


def remote_copies(collections: list[str], upload) -> dict[str, str]:
    """Catalogue ``<collection>-remote`` copies of every item of ``collections`` whose files
    ``upload(local path, key)`` puts in the store (returning the href); {collection: copy}."""
    from catalog_portal.catalog.assets import asset_path
    from catalog_portal.catalog.ingest import collection_upsert, items_upsert
    from catalog_portal.catalog.models import Collection, Item

    copies = {}
    for stac_id in collections:
        original = Collection.objects.get(stac_id=stac_id)
        stac = {**copy.deepcopy(original.stac), "id": f"{stac_id}-remote"}
        collection, _ = collection_upsert(stac=stac, curation={"visibility": original.visibility})
        items = []
        for item in Item.objects.filter(collection=original):
            remote = copy.deepcopy(item.stac)
            remote["collection"] = collection.stac_id
            for asset in remote["assets"].values():
                path = asset_path(asset["href"])
                if path is not None and path.suffix == ".tif" and path.is_file():
                    asset["href"] = upload(path, asset["href"].removeprefix("/data/"))
            items.append(remote)
        items_upsert(collection=collection, stacs=items)
        copies[stac_id] = collection.stac_id
    return copies


def run(options, env: dict, *, pairs_of, server_start, free_port, root: Path) -> None:
    """The ``--source`` benchmark (see the module docstring); ``pairs_of(collections, copies)``
    gives (local path, remote path) of the same tiles."""
    from catalog_portal.catalog.models import Item

    sys.path.insert(0, str(root))
    from tests.object_store import MotoServer, RangeFileServer

    data_root = Path(options.var_dir) / "data"
    big = full_size_cog(data_root)
    full_size_catalogue(big)
    collections = [*options.collections, FULL_SIZE_COLLECTION]
    Item.objects.filter(collection__stac_id__endswith="-remote").delete()

    with MotoServer() if options.source == "s3" else RangeFileServer(data_root) as store:
        if options.source == "s3":
            store.bucket_create(BUCKET)
            source = store.source(BUCKET, "cogs")
            remote_env = {
                "ASSET_SOURCES": f"s3://{BUCKET}/cogs?endpoint={store.endpoint}&path_style=true"
                "&credentials=BENCH",
                "BENCH_ACCESS_KEY_ID": "bench", "BENCH_SECRET_ACCESS_KEY": "bench",
            }  # fmt: skip

            def upload(path: Path, relative: str) -> str:
                return store.upload(BUCKET, f"cogs/{relative}", path)

        else:
            source = store.source()
            remote_env = {"ASSET_SOURCES": store.url}

            def upload(path: Path, relative: str) -> str:
                return f"{store.url}/{relative}"  # served from the data folder itself

        started = time.monotonic()
        copies = remote_copies(collections, upload)
        print(f"copies in {options.source} ({source.url}) made in "
              f"{time.monotonic() - started:.0f} s")  # fmt: skip
        pairs = pairs_of(collections, copies)
        port = free_port()
        portal = server_start("catalog_portal.asgi:application", port, {**env, **remote_env}, root)
        try:
            local_connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            remote_connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            big_local, big_remote = next(
                pair for pair in pairs if f"/{FULL_SIZE_COLLECTION}/" in pair[0]
            )
            # The process's own first request (imports, database, PROJ) is not the file's.
            timed(local_connection, "GET", pairs[0][0])
            cold_local = timed(local_connection, "GET", big_local)[0]
            cold_remote = timed(remote_connection, "GET", big_remote)[0]
            for local, remote in pairs:
                timed(local_connection, "GET", local)
                timed(remote_connection, "GET", remote)
            local_times, remote_times = [], []
            for local, remote in pairs:
                local_times.append(timed(local_connection, "GET", local)[0])
                remote_times.append(timed(remote_connection, "GET", remote)[0])
        finally:
            portal.terminate()
            portal.wait(timeout=10)

    print(
        f"{len(pairs)} tiles of 256x256 PNG from {', '.join(collections)}; "
        f"one portal process, DEBUG off, GDAL caches warm after one pass"
    )
    print(f"cold first tile of the {FULL_SIZE}² COG: local {cold_local:.1f} ms, "
          f"{options.source} {cold_remote:.1f} ms")  # fmt: skip
    report("(a) local files", local_times)
    report(f"(b) {options.source} copies", remote_times)
    for stac_id in collections:
        mine = [i for i, (path, _) in enumerate(pairs) if f"/collections/{stac_id}/" in path]
        if mine:
            a = statistics.median([local_times[i] for i in mine])
            b = statistics.median([remote_times[i] for i in mine])
            print(f"  {stac_id:28s} n={len(mine):3d}  median a {a:6.1f}, b {b:6.1f} ms")
    ratio = statistics.median(remote_times) / statistics.median(local_times)
    ratio95 = percentile(remote_times, 0.95) / percentile(local_times, 0.95)
    print(f"ratio b/a: median {ratio:.2f}, p95 {ratio95:.2f}")
