"""An import killed mid-way leaves what it committed consistent, and a re-run resumes it."""

import datetime as dt
import json
import os
import signal
import subprocess
import sys

import pytest

from catalog_portal.catalog.models import Collection, Item
from tests import portal_process
from tests.conftest import read_json
from tests.test_import_reading import collection_doc, write
from tests.test_import_stac import import_stac

ITEMS = 5000


def footprint(n: int) -> tuple[dict, list[float]]:
    """Item ``n``'s footprint and bbox: a small square, further east with each item."""
    west, south = 10 + n * 0.001, 47 + n * 0.0001
    east, north = west + 0.01, south + 0.01
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}, [west, south, east, north]


def generated_collection(folder) -> str:
    """A static collection of ITEMS item files, one a minute, each further east."""
    template = read_json("stac/item.json")
    links = []
    for n in range(ITEMS):
        item = {**template, "id": f"gen-{n:05d}", "collection": "generated", "links": []}
        item["geometry"], item["bbox"] = footprint(n)
        item["properties"] = {
            **template["properties"],
            "datetime": f"2021-09-{1 + n // 1440:02d}T{n // 60 % 24:02d}:{n % 60:02d}:00Z",
        }
        (folder / f"gen-{n:05d}.json").write_text(json.dumps(item))
        links.append({"rel": "item", "href": f"./gen-{n:05d}.json"})
    return str(write(folder / "collection.json", collection_doc("generated", links)))


def stored_items_extent() -> tuple[list[float], list[dt.datetime]]:
    """The box around the stored items' bboxes and their first and last datetimes, read from
    their documents."""
    # Whole documents: on PostgreSQL the stored column lacks the bbox (catalog/item_documents.py).
    documents = [item.stac for item in Item.objects.all()]
    boxes = [document["bbox"] for document in documents]
    times = [dt.datetime.fromisoformat(d["properties"]["datetime"]) for d in documents]
    bbox = [min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes)]  # fmt: skip
    return bbox, [min(times), max(times)]


def assert_extent_covers_exactly_the_stored_items(collection: Collection) -> None:
    """The overall bbox and interval of ``collection``'s STAC document (as served) are those
    of its stored items."""
    extent = collection.stac["extent"]
    bbox, interval = stored_items_extent()
    assert extent["spatial"]["bbox"][0] == pytest.approx(bbox)
    assert [dt.datetime.fromisoformat(t) for t in extent["temporal"]["interval"][0]] == interval


def test_a_killed_import_keeps_counts_right_and_a_rerun_completes_it(transactional_db, tmp_path):
    source = generated_collection(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": portal_process.test_database_url(),
        "PYTHONUNBUFFERED": "1",
    }
    child = subprocess.Popen(
        [sys.executable, "manage.py", "import_stac", source, "--batch-size", "50",
         "--verbosity", "2"],
        cwd=portal_process.ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    committed_lines = 0
    for line in child.stdout:
        committed_lines += line.startswith("committed")
        if committed_lines == 2:
            child.send_signal(signal.SIGKILL)
            break
    child.stdout.close()
    assert child.wait() == -signal.SIGKILL

    committed = Item.objects.count()
    assert 100 <= committed < ITEMS
    collection = Collection.objects.get(stac_id="generated")
    assert collection.item_count == committed
    # The extent served describes the committed items, not the source's whole collection.
    assert_extent_covers_exactly_the_stored_items(collection)

    out, _ = import_stac(source)
    assert f"{ITEMS - committed} created, 0 updated, {committed} unchanged" in out
    assert Item.objects.count() == ITEMS
    collection = Collection.objects.get(stac_id="generated")
    assert collection.item_count == ITEMS
    assert_extent_covers_exactly_the_stored_items(collection)
