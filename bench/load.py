"""Bounded mixed load: searches, pages and tiles at once against `serve --workers 2` (not a test).

    .venv/bin/python bench/load.py [--database postgres://postgres@127.0.0.1:5432/cp_load]
                                   [--items 200000] [--seconds 60] [--connections 32]
                                   [--workers 2]
    .venv/bin/python bench/load.py --synthetic 1000000
                                   [--database postgres://postgres@127.0.0.1:5432/cp_load_synthetic]
                                   [--index "CREATE INDEX ..."]

With ``--synthetic N`` it measures the bulk load instead: drops and creates the database
(default cp_load_synthetic), migrates it, times `load_demo --synthetic-items N` and prints
the seconds, items per second, the item table's bytes and each of its indexes', and the bytes
per item beside pgstac's (about 660 at a million items: 521 MB table + 138 MB indexes).
``--index`` adds an index after migrating (repeatable), to see what one more costs.

Prepares the PostgreSQL database once and reuses it: migrations, the demo catalogue with its
COGs under var/bench-load (the tiles' files) and N synthetic items (`load_demo
--synthetic-items`). Serves the portal with production settings on 127.0.0.1, then runs
``--connections`` client threads, each with one keep-alive connection, sending requests picked
at random (searches, pages and tiles in the proportions of WEIGHTS) until the time is up; a
request still running then has at most REQUEST_TIMEOUT seconds to finish. Prints requests per
second, p50/p95/p99 per kind and per request type (where the time goes), errors by status and
the server processes' resident memory before and after.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import morecantile
import pages
import search
import tiles
from benchlib import (
    ROOT,
    database_connect,
    percentile,
    prepare,
    production_env,
    server_process,
    synthetic_count,
)

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/cp_load"
SYNTHETIC_DATABASE = "postgres://postgres@127.0.0.1:5432/cp_load_synthetic"
# stac-fastapi-pgstac 7.2 / pgstac 0.10 on the same 1,000,216 items (issue 17).
PGSTAC_BYTES_PER_ITEM = 660
WEIGHTS = {"search": 4, "page": 3, "tile": 3}
REQUEST_TIMEOUT = 30
# Distinct requests made per request type; the load draws from them at random.
POOL_SIZE = 200


@dataclass(frozen=True)
class Request:
    kind: str
    name: str
    method: str
    path: str
    body: dict | None = None


@dataclass(frozen=True)
class Outcome:
    request: Request
    milliseconds: float
    status: int  # 0: no answer (connection error or timeout)


def demo_prepare(url: str, env: dict[str, str]) -> None:
    """Load the demo catalogue (real COGs, for tiles) once into the bench database."""
    with database_connect(url) as db:
        present = db.execute(
            "SELECT count(*) FROM catalog_collection WHERE stac_id = ANY(%s)", [tiles.COLLECTIONS]
        ).fetchone()[0]
    if present < len(tiles.COLLECTIONS):
        print("loading the demo catalogue (COGs for the tiles) ...", flush=True)
        subprocess.run(
            [sys.executable, "manage.py", "load_demo", "-v0"], cwd=ROOT, env=env, check=True
        )


def tile_requests(url: str, rng: random.Random) -> list[Request]:
    """Tiles of the demo's items at zooms around their full resolution, inside their bbox."""
    tms = morecantile.tms.get("WebMercatorQuad")
    with database_connect(url) as db:
        rows = db.execute(
            "SELECT c.stac_id, i.stac_id, i.bbox_xmin, i.bbox_ymin, i.bbox_xmax, i.bbox_ymax "
            "FROM catalog_item i JOIN catalog_collection c ON c.id = i.collection_id "
            "WHERE c.stac_id = ANY(%s)",
            [tiles.COLLECTIONS],
        ).fetchall()
    by_collection: dict[str, list[tuple]] = defaultdict(list)
    for row in rows:
        by_collection[row[0]].append(row)
    requests = []
    for _ in range(POOL_SIZE):
        # Each collection as often as the others, whatever its number of items.
        collection, item, west, south, east, north = rng.choice(
            by_collection[rng.choice(sorted(by_collection))]
        )
        zooms = next(z for prefix, z in tiles.ZOOMS.items() if collection.startswith(prefix))
        tile = tms.tile(rng.uniform(west, east), rng.uniform(south, north), rng.choice(zooms))
        path = (
            f"/tiles/collections/{collection}/items/{item}/tiles/WebMercatorQuad/"
            f"{tile.z}/{tile.x}/{tile.y}.png"
        )
        requests.append(Request("tile", f"tile {collection}", "GET", path))
    return requests


def request_mix(url: str, rng: random.Random) -> dict[str, list[Request]]:
    """Requests of each kind: the searches of bench/search.py, the pages of bench/pages.py
    and item tiles of the demo collections."""
    mix: dict[str, list[Request]] = defaultdict(list)
    for name, searches in search.scenarios(rng, POOL_SIZE):
        mix["search"] += [Request("search", name, *one) for one in searches]
    ids = pages.item_ids(url, 50, rng)
    for name, paths in pages.scenarios(rng, POOL_SIZE, ids):
        mix["page"] += [Request("page", name, "GET", path) for path in paths]
    mix["tile"] = tile_requests(url, rng)
    return mix


def request_send(connection: http.client.HTTPConnection, request: Request) -> int:
    payload = json.dumps(request.body).encode() if request.body is not None else None
    headers = {"Content-Type": "application/json"} if payload is not None else {}
    connection.request(request.method, request.path, body=payload, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status


def client_run(
    *, port: int, mix: dict[str, list[Request]], deadline: float, seed: int, into: list[Outcome]
) -> None:
    """One client: one keep-alive connection, requests until ``deadline``."""
    rng = random.Random(seed)
    kinds, weights = list(WEIGHTS), list(WEIGHTS.values())
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    while time.monotonic() < deadline:
        request = rng.choice(mix[rng.choices(kinds, weights)[0]])
        started = time.perf_counter()
        try:
            status = request_send(connection, request)
        except (OSError, http.client.HTTPException):
            status = 0
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        into.append(Outcome(request, (time.perf_counter() - started) * 1000, status))
    connection.close()


def processes_rss(pid: int) -> dict[int, int]:
    """Resident memory (bytes) of process ``pid`` and its descendants, from /proc."""
    found: dict[int, int] = {}
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        rss = next((line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")), 0)
        found[current] = int(rss) * 1024
        pending += [int(child) for child in children]
    return found


def rss_line(label: str, rss: dict[int, int]) -> str:
    each = ", ".join(f"{pid}: {size / 2**20:.0f} MB" for pid, size in sorted(rss.items()))
    return f"{label}: {sum(rss.values()) / 2**20:.0f} MB in all ({each})"


def figures_print(outcomes: list[Outcome], seconds: float) -> None:
    def row(label: str, chosen: list[Outcome]) -> str:
        times = [o.milliseconds for o in chosen] or [0.0]
        errors = sum(1 for o in chosen if o.status == 0 or o.status >= 500)
        return (
            f"{label:42s} {len(chosen):6d} {len(chosen) / seconds:7.1f} "
            f"{percentile(times, 0.5):8.0f} {percentile(times, 0.95):8.0f} "
            f"{percentile(times, 0.99):8.0f} {errors:6d}"
        )

    columns = ("n", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors")
    widths = (6, 7, 8, 8, 8, 6)
    print(" " * 42, *(f"{name:>{width}s}" for name, width in zip(columns, widths, strict=True)))
    print(row("all", outcomes))
    for kind in WEIGHTS:
        of_kind = [o for o in outcomes if o.request.kind == kind]
        if not of_kind:
            continue
        print(row(kind, of_kind))
        for name in sorted({o.request.name for o in of_kind}):
            print(row(f"  {name}", [o for o in of_kind if o.request.name == name]))
    statuses = Counter(o.status for o in outcomes)
    print("answers by status:", dict(sorted(statuses.items())), "(0: no answer)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def synthetic_load(url: str, items: int, indexes: list[str]) -> None:
    """Time the bulk load of ``items`` synthetic items into a new database; print its size."""
    name = dj_database_url.parse(url)["NAME"]
    with database_connect(url, dbname="postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    env = production_env(url)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    if indexes:
        with database_connect(url, autocommit=True) as db:
            for statement in indexes:
                db.execute(statement)
    load_before = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    backends: dict[int, float] = {}
    started = time.perf_counter()
    loader = subprocess.Popen(
        [sys.executable, "manage.py", "load_demo", "--synthetic-items", str(items), "-v0"],
        cwd=ROOT,
        env=env,
    )
    # The CPU time of PostgreSQL's processes for this database (its backend and any parallel
    # index build workers): with the loader's, what a quiet machine would need.
    with database_connect(url, autocommit=True) as db:
        while loader.poll() is None:
            pids = db.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            ).fetchall()
            for (pid,) in pids:
                backends[pid] = max(backends.get(pid, 0.0), process_cpu_seconds(pid))
            time.sleep(0.5)
    seconds = time.perf_counter() - started
    if loader.returncode:
        raise SystemExit(f"load_demo failed ({loader.returncode})")
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    loader_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (
        cpu_after.ru_stime - cpu_before.ru_stime
    )
    with database_connect(url) as db:
        count = db.execute("SELECT count(*) FROM catalog_item").fetchone()[0]
        table = db.execute("SELECT pg_table_size('catalog_item')").fetchone()[0]
        sizes = db.execute(
            "SELECT indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index "
            "WHERE indrelid = 'catalog_item'::regclass ORDER BY 2 DESC, 1"
        ).fetchall()
    total = table + sum(size for _, size in sizes)
    print(
        f"PostgreSQL, {count:,} synthetic items loaded in {seconds:.1f} s "
        f"({count / seconds:,.0f} items/s; load_demo's start-up included)"
    )
    print(
        f"CPU: load_demo {loader_cpu:.1f} s, PostgreSQL {sum(backends.values()):.1f} s; "
        f"machine load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
        f"({os.cpu_count()} CPUs)"
    )

    def line(label: str, size: int) -> str:
        return f"{label:40s} {size / 2**20:8.1f} MB {size / count:7.0f} B/item"

    print(line("table catalog_item (with TOAST)", table))
    for index, size in sizes:
        print(line(f"  index {index}", size))
    ratio = total / count / PGSTAC_BYTES_PER_ITEM
    print(line("table + indexes", total), f"({ratio:.2f}x pgstac's {PGSTAC_BYTES_PER_ITEM} B/item)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database", default=None)
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--synthetic", type=int, metavar="N", help="time a bulk load of N items")
    parser.add_argument("--index", action="append", default=[], metavar="SQL")
    options = parser.parse_args()
    options.database = options.database or (
        SYNTHETIC_DATABASE if options.synthetic else DEFAULT_DATABASE
    )
    if not 0 < options.seconds <= 3600 or not 0 < options.connections <= 256:
        parser.error("--seconds must be in (0, 3600] and --connections in (0, 256]")
    host = dj_database_url.parse(options.database).get("HOST") or ""
    if host not in {"127.0.0.1", "localhost", "::1", ""}:
        parser.error("--database must be on this machine (loopback): the load is local only")
    if options.synthetic is not None:
        if not 0 < options.synthetic <= 100_000_000:
            parser.error("--synthetic takes a count in (0, 100,000,000]")
        if dj_database_url.parse(options.database)["NAME"] in {"cp_bench", "postgres"}:
            parser.error("--synthetic drops its database: name another than cp_bench")
        synthetic_load(options.database, options.synthetic, options.index)
        return
    if options.index:
        parser.error("--index goes with --synthetic")

    env = {**production_env(options.database), "VAR_DIR": str(ROOT / "var" / "bench-load")}
    prepare(options.database, options.items, env)
    demo_prepare(options.database, env)
    rng = random.Random(1)
    mix = request_mix(options.database, rng)
    port = free_port()
    with server_process(env, port, workers=options.workers) as server:
        # One pass over a few requests of each type warms caches, connections and imports.
        warm = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
        for requests in mix.values():
            for request in requests[:: max(1, len(requests) // 20)]:
                request_send(warm, request)
        warm.close()
        before = processes_rss(server.pid)
        outcomes: list[Outcome] = []
        started = time.monotonic()
        deadline = started + options.seconds
        clients = [
            threading.Thread(
                target=client_run,
                kwargs={
                    "port": port,
                    "mix": mix,
                    "deadline": deadline,
                    "seed": n,
                    "into": outcomes,
                },
                daemon=True,
            )
            for n in range(options.connections)
        ]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=options.seconds + REQUEST_TIMEOUT + 5)
        elapsed = time.monotonic() - started
        after = processes_rss(server.pid)

    print(
        f"PostgreSQL, {synthetic_count(options.database):,} synthetic items + the demo, "
        f"serve --workers {options.workers}, DEBUG off; {options.connections} connections "
        f"for {options.seconds:.0f} s ({elapsed:.1f} s with the last answers)"
    )
    figures_print(outcomes, elapsed)
    print(rss_line("server RSS before", before))
    print(rss_line("server RSS after ", after))


if __name__ == "__main__":
    main()
