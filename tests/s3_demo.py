"""The demo catalogue in object storage, for tests of the whole portal on it: the demo's files
uploaded once per session to the test S3 server as ``load_demo --storage`` uploads them, and
a test's way to catalogue demo collections by those ``s3://`` hrefs instead of local ones."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path

from django.test.utils import override_settings

from catalog_portal.catalog.asset_sources import AssetSource
from catalog_portal.demo.common import DemoCollection
from catalog_portal.demo.loader import demo_catalog_store
from catalog_portal.demo.object_storage import demo_files_upload, demo_storage_target
from catalog_portal.tiles.catalog_cache import catalog_cache_clear
from tests.object_store import MotoServer

BUCKET, PREFIX = "portal-demo", "demo"


@dataclass(frozen=True)
class S3Demo:
    """The demo's files in the S3 server: the allow-listed source they are read through (and
    the same as a portal process's environment), and the demo's collections with ``s3://``
    hrefs."""

    source: AssetSource
    environment: dict[str, str]
    collections: list[DemoCollection]

    def store(self, *collection_ids: str) -> list[DemoCollection]:
        """Catalogue the demo collections ``collection_ids`` by their ``s3://`` hrefs (their
        local hrefs are gone from the database); returns them."""
        chosen = [c for c in self.collections if c.stac["id"] in collection_ids]
        assert len(chosen) == len(collection_ids), collection_ids
        demo_catalog_store(collections=copy.deepcopy(chosen))
        catalog_cache_clear()  # the tiles' short cache of the catalogue knew the local hrefs
        return chosen


def demo_upload(store: MotoServer, *, data_root: Path, generated: list[DemoCollection]) -> S3Demo:
    """Upload the demo generated below ``data_root`` to ``store`` (``s3://portal-demo/demo``)."""
    source = store.source(BUCKET, PREFIX)
    with override_settings(ASSET_SOURCES=(source,)):
        uploaded = demo_files_upload(
            collections=generated,
            data_root=data_root,
            target=demo_storage_target(f"s3://{BUCKET}/{PREFIX}"),
        )
    return S3Demo(
        source=source, environment=store.environment(BUCKET, PREFIX), collections=uploaded
    )
