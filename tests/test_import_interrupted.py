"""An import killed mid-way leaves what it committed consistent, and a re-run resumes it."""

import json
import os
import signal
import subprocess
import sys

from catalog_portal.catalog.models import Collection, Item
from tests import portal_process
from tests.conftest import read_json
from tests.test_import_reading import collection_doc, write
from tests.test_import_stac import import_stac

ITEMS = 5000


def generated_collection(folder) -> str:
    """A static collection of ITEMS item files, one a minute."""
    template = read_json("stac/item.json")
    links = []
    for n in range(ITEMS):
        item = {**template, "id": f"gen-{n:05d}", "collection": "generated", "links": []}
        item["properties"] = {
            **template["properties"],
            "datetime": f"2021-09-{1 + n // 1440:02d}T{n // 60 % 24:02d}:{n % 60:02d}:00Z",
        }
        (folder / f"gen-{n:05d}.json").write_text(json.dumps(item))
        links.append({"rel": "item", "href": f"./gen-{n:05d}.json"})
    return str(write(folder / "collection.json", collection_doc("generated", links)))


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

    out, _ = import_stac(source)
    assert f"{ITEMS - committed} created, 0 updated, {committed} unchanged" in out
    assert Item.objects.count() == ITEMS
    assert Collection.objects.get(stac_id="generated").item_count == ITEMS
