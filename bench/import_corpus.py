"""Import each kind of published STAC the tests keep, one after another, into a fresh SQLite
catalogue, and print a table: source kind, what was imported or skipped (and why), seconds.

    .venv/bin/python bench/import_corpus.py

Each import is the real `manage.py import_stac` in a fresh process under a temporary VAR_DIR
(nothing is fetched from outside the machine: links that lead away are reported and skipped).
The kinds that files alone cannot show (FeatureCollection, newline-delimited items) are built
here from the stac-spec examples.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "stac-corpus"
SPEC = ROOT.parent / "shared" / "stac-corpus" / "stac-spec-examples"
PYSTAC = ROOT.parent / "shared" / "stac-corpus" / "pystac-examples-1.0.0"


def sources(scratch: Path) -> list[tuple[str, list[str]]]:
    """(kind, import_stac arguments) in the order they are imported."""
    items = [
        json.loads((SPEC / name).read_text()) for name in ("simple-item.json", "core-item.json")
    ]
    collection = "simple-collection"
    features = scratch / "search-results.json"
    features.write_text(json.dumps({"type": "FeatureCollection", "features": items}))
    ndjson = scratch / "items.ndjson"
    ndjson.write_text(
        "".join(json.dumps({**item, "id": item["id"] + "-nd"}) + "\n" for item in items)
    )
    for name in ("geometry/sentinel-3-antimeridian.json", "queryables/ga-ard-like-item.json"):
        # Into the collection imported above: their own collections are not in the corpus.
        item = json.loads((CORPUS / name).read_text())
        item.update(collection=collection, links=[])
        (scratch / Path(name).name).write_text(json.dumps(item))
    spec_catalog = str(SPEC / "catalog.json")
    upd = ["--update"]
    return [
        ("stac-spec 1.1 static catalog (collections, a collection-less item)", [spec_catalog]),
        ("stac-spec 1.1 collection with its items", [str(SPEC / "collection.json")]),
        (
            "pystac 1.0.0 examples catalog (same collection ids, another source)",
            [str(PYSTAC / "catalog.json")],
        ),
        ("FeatureCollection of a search", [str(features), "--collection", collection, *upd]),
        ("newline-delimited items", [str(ndjson), "--collection", collection, *upd]),
        (
            "item id with '/' (stac-spec datetimerange)",
            [str(CORPUS / "stac-spec-examples" / "datetimerange.json"), "--collection", collection,
             *upd],
        ),
        (
            "STAC 0.8.1 label collection (pre-1.0, migrated)",
            [str(CORPUS / "label-catalog-0.8.1" / "kam" / "collection.json")],
        ),
        (
            "1.0.0-beta.2 files saved from a live API",
            [str(CORPUS / "pystac-1.0.0-beta.2" / "landsat-collection.json")],
        ),
        ("Sentinel-3-like item across the antimeridian",
         [str(scratch / "sentinel-3-antimeridian.json"), *upd]),
        (
            "item with null geometry",
            [str(CORPUS / "geometry" / "null-geometry.json"), "--collection", collection, *upd],
        ),
        ("GA-ARD-like item, 48 properties", [str(scratch / "ga-ard-like-item.json"), *upd]),
        ("the same catalog again (idempotent)", [spec_catalog]),
    ]  # fmt: skip


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        env = {**os.environ, "VAR_DIR": str(scratch), "DATABASE_URL": "", "DEBUG": "true"}
        subprocess.run([sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env,
                       check=True)  # fmt: skip
        print("| source kind | outcome | s |")
        print("| --- | --- | --- |")
        for kind, args in sources(scratch):
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "manage.py", "import_stac", *args, "-v", "0"],
                cwd=ROOT, env=env, capture_output=True, text=True,
            )  # fmt: skip
            seconds = time.perf_counter() - started
            summary = " ".join(
                line.strip()
                for line in done.stdout.splitlines()
                if line.startswith(("Collections:", "Items:"))
            )
            told = [line.strip() for line in done.stderr.splitlines() if line.strip()]
            told += [line.strip() for line in done.stdout.splitlines() if "repaired" in line]
            outcome = summary or "(no summary)"
            if told:
                outcome += " — " + "; ".join(line[:160] for line in told[:4])
                if len(told) > 4:
                    outcome += f"; … {len(told) - 4} more"
            if done.returncode:
                outcome += f" (exit {done.returncode})"
            print(f"| {kind} | {outcome.replace('|', '/')} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
