"""Loading the demo catalogue: generate files and STAC, upsert them, and set up the demo user."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import Group, User
from django.db import transaction

from catalog_portal.catalog.ingest import UpsertReport, collection_upsert, items_upsert
from catalog_portal.catalog.models import Collection
from catalog_portal.demo.common import DemoCollection
from catalog_portal.demo.flood import flood_collections, flood_steps
from catalog_portal.demo.object_storage import demo_files_upload, demo_storage_target
from catalog_portal.demo.orthophotos import orthophoto_collections, orthophoto_steps
from catalog_portal.demo.sentinel2 import sentinel2_collection, sentinel2_steps

DEMO_GROUP = "demo-group"
# Development only (README says so): the demo user sees the restricted Osttirol orthophotos.
DEMO_USER, DEMO_PASSWORD = "demo", "demo"


@dataclass
class DemoReport:
    """What loading the demo did."""

    collections: list[str] = field(default_factory=list)
    items: UpsertReport = field(default_factory=UpsertReport)


def demo_generation_steps() -> int:
    """How many times ``demo_catalog_generate`` calls its ``progress``: a progress bar's total."""
    return orthophoto_steps() + sentinel2_steps() + flood_steps()


def demo_catalog_generate(
    *, data_root: Path, progress: Callable[[str], None]
) -> list[DemoCollection]:
    """Write the demo's COGs below ``data_root`` and return its collections with their items."""
    return [
        *orthophoto_collections(data_root, progress),
        sentinel2_collection(data_root, progress),
        *flood_collections(data_root, progress),
    ]


def demo_catalog_load(
    *,
    data_root: Path,
    storage: str | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> DemoReport:
    """Generate the demo catalogue and write it to the database (idempotent): its files
    below ``data_root``, or with ``storage`` (``s3://bucket/prefix``, inside an S3 source
    of ASSET_SOURCES) uploaded there and catalogued by their ``s3://`` hrefs, with nothing
    left on the local disk (StorageRefused, before any work, for a place not allowed)."""
    if storage is None:
        generated = demo_catalog_generate(data_root=data_root, progress=progress)
        return demo_catalog_store(collections=generated)
    target = demo_storage_target(storage)
    with tempfile.TemporaryDirectory(prefix="portal-demo-") as folder:
        generated = demo_catalog_generate(data_root=Path(folder), progress=progress)
        uploaded = demo_files_upload(collections=generated, data_root=Path(folder), target=target)
    return demo_catalog_store(collections=uploaded)


def demo_catalog_store(*, collections: list[DemoCollection]) -> DemoReport:
    """Upsert generated demo collections and their items, and grant the restricted ones to the
    demo group (the demo user owns them, unless someone else already does)."""
    report = DemoReport()
    group = demo_access_ensure()
    owner = User.objects.get(username=DEMO_USER)
    for demo in collections:
        with transaction.atomic():
            collection, _ = collection_upsert(stac=demo.stac, curation=demo.curation)
            if collection.visibility == Collection.Visibility.RESTRICTED:
                collection.groups.add(group)
                if collection.owner_id is None:  # so the demo user can try sharing it
                    collection.owner = owner
                    collection.save(update_fields=["owner"])
        report.items.add(items_upsert(collection=collection, stacs=demo.items))
        report.collections.append(collection.stac_id)
    return report


def demo_access_ensure() -> Group:
    """The demo group, with the demo user in it; a password changed since is kept."""
    group, _ = Group.objects.get_or_create(name=DEMO_GROUP)
    user = User.objects.filter(username=DEMO_USER).first()
    if user is None:
        user = User.objects.create_user(DEMO_USER, password=DEMO_PASSWORD)
    user.groups.add(group)
    return group
