"""Tile latency: the portal's /tiles against a bare titiler.core app on the same COG files.

    .venv/bin/python bench/tiles.py [--var-dir var/bench-tiles] [--tiles 240]

Generates the demo catalogue into its own SQLite database and data folder (reused on the next
run), starts two uvicorn servers on free ports with the same GDAL settings, (a) the portal's
ASGI app and (b) bench/bare_titiler.py, and requests the same 256×256 PNG tiles (several
zooms; orthophoto, Sentinel-2, Sentinel-1 and flood collections) from both, interleaved, one
keep-alive connection each, after one warm-up pass. The portal draws with its collections'
render defaults; the bare app gets the same renders as explicit parameters and STAC item files.
Then it times mosaic tiles of a registered search that matches 20 items.

With ``--source s3`` or ``--source http`` it compares instead the same tiles read from local
files and from copies in object storage or behind an HTTP server (bench/remote_tiles.py).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from benchlib import percentile, report, timed

ROOT = Path(__file__).resolve().parent.parent
COLLECTIONS = ["dop-kaernten-tamsweg", "sentinel-2-l2a", "sentinel-1-sig0", "GFM"]
ITEMS_PER_COLLECTION = 8
# Zooms around each collection's full resolution.
ZOOMS = {
    "dop": (16, 17, 18),
    "sentinel-2": (13, 14, 15),
    "sentinel-1": (12, 13, 14),
    "GFM": (12, 13, 14),
    "bench-sentinel-2-fullsize": (9, 11, 13, 14),
}
# What the big synthetic band is drawn with (its collection has no render).
FULL_SIZE_RENDER = "&assets=B04&rescale=0,3000"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def django_setup(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def catalogue_prepare(env: dict) -> None:
    """Migrate and load the demo once into the bench's own VAR_DIR."""
    run = {"cwd": ROOT, "env": env, "check": True}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], **run)
    subprocess.run([sys.executable, "manage.py", "load_demo", "--if-empty", "-v0"], **run)


def render_query(render: dict) -> list[tuple[str, str]]:
    """A collection's default render as explicit TiTiler query parameters."""
    query: list[tuple[str, str]] = []
    assets = render.get("assets") or []
    if render.get("bidx") and len(assets) == 1:
        assets = [f"{assets[0]}|bidx={','.join(str(b) for b in render['bidx'])}"]
    query += [("assets", a) for a in assets]
    if render.get("expression"):
        query.append(("expression", render["expression"]))
    if render.get("nodata") is not None:
        query.append(("nodata", str(render["nodata"])))
    query += [("rescale", ",".join(str(v) for v in pair)) for pair in render.get("rescale", [])]
    if render.get("color_formula"):
        query.append(("color_formula", render["color_formula"]))
    if render.get("colormap_name"):
        query.append(("colormap_name", render["colormap_name"]))
    if render.get("colormap"):
        query.append(("colormap", json.dumps(render["colormap"])))
    return query


def tile_requests(count: int, item_dir: Path) -> list[tuple[str, str]]:
    """(portal path, bare path) pairs for the same tiles; writes STAC files for the bare app."""
    import morecantile

    from catalog_portal.catalog.assets import asset_path
    from catalog_portal.catalog.models import Collection, Item

    tms = morecantile.tms.get("WebMercatorQuad")
    pairs: list[tuple[str, str]] = []
    per_collection = count // len(COLLECTIONS) + 1
    for stac_id in COLLECTIONS:
        render = Collection.objects.get(stac_id=stac_id).stac["renders"]["default"]
        items = list(Item.objects.filter(collection__stac_id=stac_id)[:ITEMS_PER_COLLECTION])
        tiles: list[tuple[Item, morecantile.Tile]] = []
        for item in items:
            stac = json.loads(json.dumps(item.stac))
            for asset in stac["assets"].values():
                asset["href"] = str(asset_path(asset["href"]))
            (item_dir / f"{item.stac_id}.json").write_text(json.dumps(stac))
            west, south, east, north = item.stac["bbox"]
            zooms = next(z for prefix, z in ZOOMS.items() if stac_id.startswith(prefix))
            for zoom in zooms:
                for tile in tms.tiles(west, south, east, north, [zoom]):
                    # Tiles whose centre lies on the item: mostly data, some edges.
                    tile_west, tile_south, tile_east, tile_north = tms.bounds(tile)
                    lon, lat = (tile_west + tile_east) / 2, (tile_south + tile_north) / 2
                    if west <= lon <= east and south <= lat <= north:
                        tiles.append((item, tile))
        # Spread the picks over items and zooms.
        step = max(1, len(tiles) // per_collection)
        for item, tile in tiles[::step][:per_collection]:
            suffix = f"/tiles/WebMercatorQuad/{tile.z}/{tile.x}/{tile.y}.png?tilesize=256"
            portal = f"/tiles/collections/{stac_id}/items/{item.stac_id}{suffix}"
            query = [("url", str(item_dir / f"{item.stac_id}.json")), *render_query(render)]
            bare = f"/stac{suffix}&{urllib.parse.urlencode(query)}"
            pairs.append((portal, bare))
    return pairs[:count]


def source_tile_requests(count: int, collections: list[str], copies: dict) -> list[tuple[str, str]]:
    """(local path, remote path) pairs of the same tiles of ``collections`` and their remote
    ``copies`` (collection id → copy's id)."""
    import morecantile

    from catalog_portal.catalog.models import Item

    tms = morecantile.tms.get("WebMercatorQuad")
    pairs: list[tuple[str, str]] = []
    per_collection = count // len(collections) + 1
    for stac_id in collections:
        items = list(Item.objects.filter(collection__stac_id=stac_id)[:ITEMS_PER_COLLECTION])
        zooms = next(z for prefix, z in ZOOMS.items() if stac_id.startswith(prefix))
        tiles = []
        for item in items:
            west, south, east, north = item.stac["bbox"]
            for tile in tms.tiles(west, south, east, north, list(zooms)):
                tile_west, tile_south, tile_east, tile_north = tms.bounds(tile)
                lon, lat = (tile_west + tile_east) / 2, (tile_south + tile_north) / 2
                if west <= lon <= east and south <= lat <= north:
                    tiles.append((item, tile))
        step = max(1, len(tiles) // per_collection)
        render = FULL_SIZE_RENDER if stac_id.startswith("bench-") else ""
        for item, tile in tiles[::step][:per_collection]:
            suffix = (
                f"/items/{item.stac_id}/tiles/WebMercatorQuad/{tile.z}/{tile.x}/{tile.y}.png"
                f"?tilesize=256{render}"
            )
            pairs.append(
                (f"/tiles/collections/{stac_id}{suffix}",
                 f"/tiles/collections/{copies[stac_id]}{suffix}")
            )  # fmt: skip
    return pairs


def server_start(app: str, port: int, env: dict, app_dir: Path) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "uvicorn", app, "--app-dir", str(app_dir),
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"{app} did not start on port {port}")


def search_of_20_items() -> dict:
    """A search matching exactly 20 Sentinel-2 items of one place (collections, bbox, datetime)."""
    from catalog_portal.catalog.models import Item

    items = list(Item.objects.filter(collection__stac_id="sentinel-2-l2a").order_by("-datetime"))
    place = items[0].stac["properties"].get("s2:mgrs_tile") or items[0].stac["bbox"]
    same = [
        i for i in items if (i.stac["properties"].get("s2:mgrs_tile") or i.stac["bbox"]) == place
    ]
    chosen = same[:20]
    west, south, east, north = chosen[0].stac["bbox"]
    start = chosen[-1].datetime.strftime("%Y-%m-%dT%H:%M:%SZ")
    end = chosen[0].datetime.strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "collections": ["sentinel-2-l2a"],
        "bbox": [west + 0.001, south + 0.001, east - 0.001, north - 0.001],
        "datetime": f"{start}/{end}",
        "_count": len(chosen),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--var-dir", default=str(ROOT / "var" / "bench-tiles"))
    parser.add_argument("--tiles", type=int, default=240)
    parser.add_argument("--mosaic-tiles", type=int, default=40)
    parser.add_argument(
        "--source", choices=["s3", "http"], help="local files against copies read from here"
    )
    options = parser.parse_args()

    # This checkout's code, not whichever the virtualenv's editable install points at.
    sys.path.insert(0, str(ROOT))
    from catalog_portal.tiles.gdal import GDAL_DEFAULTS

    # Production settings; both servers get the same GDAL settings from the environment.
    env = {
        **os.environ,
        **GDAL_DEFAULTS,
        "VAR_DIR": options.var_dir,
        "DATABASE_URL": "",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SETTINGS_MODULE": "catalog_portal.settings",
        # rio-tiler's per-asset warnings would be printed by the bare app only.
        "PYTHONWARNINGS": "ignore",
    }
    catalogue_prepare(env)
    django_setup(env)
    if options.source:
        import remote_tiles

        options.collections = COLLECTIONS
        remote_tiles.run(
            options,
            env,
            pairs_of=lambda collections, copies: source_tile_requests(
                options.tiles, collections, copies
            ),
            server_start=server_start,
            free_port=free_port,
            root=ROOT,
        )
        return
    item_dir = Path(tempfile.mkdtemp(prefix="bench-tiles-stac-"))
    pairs = tile_requests(options.tiles, item_dir)
    search = search_of_20_items()

    portal_port, bare_port = free_port(), free_port()
    portal = server_start("catalog_portal.asgi:application", portal_port, env, ROOT)
    bare = server_start("bare_titiler:app", bare_port, env, ROOT / "bench")
    try:
        a = http.client.HTTPConnection("127.0.0.1", portal_port, timeout=60)
        b = http.client.HTTPConnection("127.0.0.1", bare_port, timeout=60)
        for portal_path, bare_path in pairs:  # warm-up: both read every tile once
            timed(a, "GET", portal_path)
            timed(b, "GET", bare_path)
        portal_times, bare_times = [], []
        for portal_path, bare_path in pairs:  # interleaved, so noise hits both alike
            portal_times.append(timed(a, "GET", portal_path)[0])
            bare_times.append(timed(b, "GET", bare_path)[0])
        zooms = sorted({int(path.split("/")[8]) for path, _ in pairs})
        print(
            f"{len(pairs)} tiles of 256x256 PNG, zooms {zooms}"
            f", collections {', '.join(COLLECTIONS)}; one uvicorn worker each, DEBUG off"
        )
        report("(a) portal /tiles (render defaults)", portal_times)
        report("(b) bare titiler.core (STACReader)", bare_times)
        for stac_id in COLLECTIONS:
            mine = [i for i, (path, _) in enumerate(pairs) if f"/collections/{stac_id}/" in path]
            a_median = statistics.median([portal_times[i] for i in mine])
            b_median = statistics.median([bare_times[i] for i in mine])
            print(
                f"  {stac_id:28s} n={len(mine):3d}  median a {a_median:6.1f}, b {b_median:6.1f} ms"
            )
        ratio = statistics.median(portal_times) / statistics.median(bare_times)
        ratio95 = percentile(portal_times, 0.95) / percentile(bare_times, 0.95)
        print(f"ratio a/b: median {ratio:.2f}, p95 {ratio95:.2f}")

        count = search.pop("_count")
        body = json.dumps(search)
        a.request("POST", "/tiles/searches/register", body=body,
                  headers={"Content-Type": "application/json"})  # fmt: skip
        response = a.getresponse()
        search_id = json.loads(response.read())["id"]
        import morecantile

        tms = morecantile.tms.get("WebMercatorQuad")
        west, south, east, north = search["bbox"]
        mosaic_paths = [
            f"/tiles/searches/{search_id}/tiles/WebMercatorQuad/{t.z}/{t.x}/{t.y}.png?tilesize=256"
            for zoom in (14, 15)
            for t in tms.tiles(west, south, east, north, [zoom])
        ][: options.mosaic_tiles]
        for path in mosaic_paths:
            timed(a, "GET", path)
        mosaic_times = [timed(a, "GET", path)[0] for path in mosaic_paths]
        report(f"search mosaic ({count} items), portal", mosaic_times)
    finally:
        for process in (portal, bare):
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    main()
